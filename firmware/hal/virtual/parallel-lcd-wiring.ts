/**
 * An HD44780 wired straight to board pins in 4-bit mode (RS, EN, D4-D7; RW tied to ground): every
 * level change on those pins is handed to the controller model, which latches on EN's falling
 * edge like the real part. The optional backlight pin is read as it is driven.
 */
import type { ParallelLcdPins } from '../../drivers/lcd/parallel-bus.js';
import type { BoardModel } from './board-model.js';
import { Hd44780Model } from './hd44780-model.js';

/** The same wiring description the parallel LCD driver takes. */
export type { ParallelLcdPins };

export class ParallelLcdWiring {
  readonly lcd: Hd44780Model;

  constructor(
    private readonly board: BoardModel,
    readonly pins: ParallelLcdPins,
    cols: number,
    rows: number,
  ) {
    this.lcd = new Hd44780Model(cols, rows, board.nowUs());
    const wired = new Set([pins.rs, pins.en, pins.d4, pins.d5, pins.d6, pins.d7]);
    if (wired.size !== 6) throw new Error('the parallel LCD needs six different pins for RS, EN and D4-D7');
    for (const pin of wired) board.level(pin); // validates pin numbers
    board.onPinChange((pin, _level, atUs) => {
      if (wired.has(pin)) this.lcd.setPins(this.sample(), atUs);
    });
  }

  get backlight(): boolean {
    return this.pins.backlight === undefined ? true : this.board.level(this.pins.backlight) === 1;
  }

  private sample() {
    const b = this.board;
    const p = this.pins;
    return {
      rs: b.level(p.rs),
      rw: 0 as const,
      en: b.level(p.en),
      data: b.level(p.d4) | (b.level(p.d5) << 1) | (b.level(p.d6) << 2) | (b.level(p.d7) << 3),
    };
  }
}
