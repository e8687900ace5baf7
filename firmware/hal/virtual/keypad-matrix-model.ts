/**
 * A membrane key matrix: each key is a switch between one row wire and one column wire. Pressing a
 * key closes that switch on the board model, so the column reads whatever the row is driven to
 * (and vice versa) — the keypad driver's scanning and change reporting are exercised for real.
 */
import type { BoardModel } from './board-model.js';

export interface KeypadMatrixOptions {
  rowPins: readonly number[];
  colPins: readonly number[];
  /** layout[row][col] = key name, e.g. [['1','2','3'], ...]; null where no key is fitted. */
  layout: readonly (readonly (string | null)[])[];
}

export class KeypadMatrixModel {
  private readonly positions = new Map<string, { row: number; col: number }>();

  constructor(
    private readonly board: BoardModel,
    readonly options: KeypadMatrixOptions,
  ) {
    const { rowPins, colPins, layout } = options;
    if (layout.length !== rowPins.length) {
      throw new Error(`keypad layout has ${layout.length} rows but ${rowPins.length} row pins`);
    }
    layout.forEach((keys, row) => {
      if (keys.length !== colPins.length) {
        throw new Error(`keypad layout row ${row} has ${keys.length} keys but there are ${colPins.length} column pins`);
      }
      keys.forEach((key, col) => {
        if (key === null) return;
        if (this.positions.has(key)) throw new Error(`keypad layout names key "${key}" twice`);
        this.positions.set(key, { row, col });
      });
    });
    for (const pin of [...rowPins, ...colPins]) board.level(pin); // validates pin numbers
  }

  get keys(): string[] {
    return [...this.positions.keys()];
  }

  press(key: string): void {
    this.setKey(key, true);
  }

  release(key: string): void {
    this.setKey(key, false);
  }

  private setKey(key: string, down: boolean): void {
    const at = this.positions.get(key);
    if (!at) throw new Error(`keypad has no key "${key}" (keys: ${this.keys.join(' ')})`);
    this.board.setContact(this.options.rowPins[at.row]!, this.options.colPins[at.col]!, down);
  }
}
