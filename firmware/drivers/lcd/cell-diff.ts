/**
 * Plans the fewest bus bytes that turn what the display shows into what it should show: changed
 * cells only, in DDRAM address order so that the address counter's auto-increment (including the
 * 0x27 -> 0x40 wrap) replaces cursor commands, and a cursor command only where a run breaks. A
 * one-cell gap is rewritten instead (same bytes as the cursor command, one cursor move fewer). Pure.
 */
import { Hd44780, nextDdramAddress, rowStartAddresses } from './hd44780-commands.js';
import type { LcdWrite } from './lcd-bus.js';

export interface DiffPlan {
  writes: LcdWrite[];
  /** The address counter after the writes (undefined when nothing is known). */
  cursor: number | undefined;
}

/**
 * @param shown cells the display holds now (row-major codes), or undefined when unknown
 * @param wanted cells it should hold
 * @param cursor the address counter now, or undefined when unknown
 */
export function planCellUpdate(
  cols: number,
  rows: number,
  shown: Uint8Array | undefined,
  wanted: Uint8Array,
  cursor: number | undefined,
): DiffPlan {
  const starts = rowStartAddresses(cols, rows);
  const changed: { address: number; code: number }[] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const i = row * cols + col;
      if (shown === undefined || shown[i] !== wanted[i]) changed.push({ address: starts[row]! + col, code: wanted[i]! });
    }
  }
  changed.sort((a, b) => a.address - b.address);
  const writes: LcdWrite[] = [];
  let at = cursor;
  const codeAt = new Map<number, number>();
  starts.forEach((start, row) => {
    for (let col = 0; col < cols; col++) codeAt.set(start + col, wanted[row * cols + col]!);
  });
  for (const cell of changed) {
    if (at !== undefined && at !== cell.address && nextDdramAddress(at) === cell.address && codeAt.has(at)) {
      writes.push({ rs: 1, byte: codeAt.get(at)! });
      at = cell.address;
    }
    if (at !== cell.address) writes.push({ rs: 0, byte: Hd44780.SET_DDRAM | cell.address });
    writes.push({ rs: 1, byte: cell.code });
    at = nextDdramAddress(cell.address);
  }
  return { writes, cursor: at };
}
