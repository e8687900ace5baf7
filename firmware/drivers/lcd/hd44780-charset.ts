/**
 * Maps text to HD44780 character codes (ROM A00, the common Japanese-standard font).
 * The ROM has no Hanzi: the engine picks English screens for this display, and anything else
 * becomes a custom glyph when one was defined for that character, otherwise '?'.
 */
const QUESTION_MARK = 0x3f;
/** A00 puts the yen/yuan sign at 0x5C (where ASCII has a backslash) - handy for amounts. */
const YEN_CODE = 0x5c;

export function hd44780Code(char: string, glyphSlots: ReadonlyMap<string, number>): number {
  const slot = glyphSlots.get(char);
  if (slot !== undefined) return slot;
  if (char === '¥' || char === '￥') return YEN_CODE;
  const code = char.codePointAt(0) ?? QUESTION_MARK;
  // 0x5C is the yen sign and 0x7E/0x7F are arrows on A00, so '\\' and '~' cannot be shown.
  if (code >= 0x20 && code <= 0x7d && code !== 0x5c) return code;
  return QUESTION_MARK;
}

/** Pads or cuts each line to `cols` and returns one code per cell, row-major. */
export function renderCells(
  lines: readonly string[],
  cols: number,
  rows: number,
  glyphSlots: ReadonlyMap<string, number>,
): Uint8Array {
  const cells = new Uint8Array(cols * rows).fill(0x20);
  for (let row = 0; row < rows; row++) {
    const chars = Array.from(lines[row] ?? '');
    for (let col = 0; col < cols && col < chars.length; col++) {
      cells[row * cols + col] = hd44780Code(chars[col]!, glyphSlots);
    }
  }
  return cells;
}
