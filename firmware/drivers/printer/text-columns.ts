/**
 * Column arithmetic for a 58 mm receipt: 32 columns of 12 dots (384 dots); a Chinese character takes
 * two columns, on the ESC/POS module's own font and on our raster alike.
 */
export const RECEIPT_COLUMNS = 32;

/**
 * ASCII takes one column, every other character two: in Chinese mode an ESC/POS module prints each
 * multi-byte GB18030 code (Hanzi, full-width punctuation, but also ¥ or ×) as a 24x24 glyph, and our
 * raster follows the same rule so both backends break lines identically.
 */
export function charColumns(char: string): 1 | 2 {
  return (char.codePointAt(0) ?? 0) < 0x80 ? 1 : 2;
}

export function textColumns(text: string): number {
  let n = 0;
  for (const ch of text) n += charColumns(ch);
  return n;
}

/** Splits text into pieces of at most `columns` columns, never splitting a character. */
export function wrapColumns(text: string, columns: number = RECEIPT_COLUMNS): string[] {
  const out: string[] = [];
  let line = '';
  let used = 0;
  for (const ch of text) {
    const w = charColumns(ch);
    if (used + w > columns) {
      out.push(line);
      line = '';
      used = 0;
    }
    line += ch;
    used += w;
  }
  if (line !== '' || out.length === 0) out.push(line);
  return out;
}

export function centre(text: string, columns: number = RECEIPT_COLUMNS): string {
  const pad = Math.max(0, Math.floor((columns - textColumns(text)) / 2));
  return ' '.repeat(pad) + text;
}

/** `left` and `right` on one line with `right` flush right, or undefined when they do not fit. */
export function spread(left: string, right: string, columns: number = RECEIPT_COLUMNS): string | undefined {
  const gap = columns - textColumns(left) - textColumns(right);
  if (gap < 1) return undefined;
  return left + ' '.repeat(gap) + right;
}

/** Right-aligns `text` in a field of `columns` columns (wide characters counted as two). */
export function alignRight(text: string, columns: number): string {
  return ' '.repeat(Math.max(0, columns - textColumns(text))) + text;
}
