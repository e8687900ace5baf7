/**
 * Rasteriser (pure): receipt text lines -> 384-dot rows for a 203 dpi head (8 dots/mm, 48 mm print width).
 * A text line is 24 dot rows (3 mm); a column is a 12x24 cell. The 16-dot Unifont glyphs sit centred in
 * their cell (narrow 8x16 in one cell, wide 16x16 in two), which leaves white space between lines and keeps
 * the head's duty low. A dot row is 48 bytes, MSB first = leftmost dot, 1 = burn.
 */
import { FONT_HEIGHT, type BitmapFont, type Glyph } from './bitmap-font.js';
import { RECEIPT_COLUMNS, charColumns } from './text-columns.js';

export const HEAD_DOTS = 384;
export const ROW_BYTES = HEAD_DOTS / 8;
export const CELL_WIDTH = HEAD_DOTS / RECEIPT_COLUMNS;
export const ROWS_PER_LINE = 24;
export const DOTS_PER_MM = 8;
const TOP_MARGIN = (ROWS_PER_LINE - FONT_HEIGHT) / 2;

export type DotRow = Uint8Array;

/** The 24 dot rows of one text line. Characters beyond 384 dots are an error, not silently cut. */
export function rasteriseLine(line: string, font: BitmapFont): DotRow[] {
  const rows = Array.from({ length: ROWS_PER_LINE }, () => new Uint8Array(ROW_BYTES));
  let x = 0;
  for (const ch of line) {
    const cellWidth = charColumns(ch) * CELL_WIDTH;
    if (x + cellWidth > HEAD_DOTS) throw new RangeError(`line wider than ${RECEIPT_COLUMNS} columns: ${line}`);
    if (ch !== ' ') {
      const glyph = font.glyph(ch) ?? font.glyph('?')!;
      drawGlyph(rows, glyph, x + Math.floor((cellWidth - glyph.width) / 2));
    }
    x += cellWidth;
  }
  return rows;
}

export function rasteriseLines(lines: readonly string[], font: BitmapFont): DotRow[] {
  return lines.flatMap((line) => rasteriseLine(line, font));
}

function drawGlyph(rows: DotRow[], glyph: Glyph, left: number): void {
  const bytesPerRow = glyph.width / 8;
  for (let gy = 0; gy < FONT_HEIGHT; gy++) {
    const row = rows[TOP_MARGIN + gy]!;
    for (let gx = 0; gx < glyph.width; gx++) {
      const byte = glyph.bitmap[gy * bytesPerRow + (gx >> 3)]!;
      if (byte & (0x80 >> (gx & 7))) setDot(row, left + gx);
    }
  }
}

export function setDot(row: DotRow, x: number): void {
  row[x >> 3]! |= 0x80 >> (x & 7);
}

export function dotAt(row: DotRow, x: number): boolean {
  return (row[x >> 3]! & (0x80 >> (x & 7))) !== 0;
}

export function countDots(row: DotRow): number {
  let n = 0;
  for (const byte of row) {
    let b = byte;
    while (b) {
      b &= b - 1;
      n++;
    }
  }
  return n;
}
