/**
 * The printer's bitmap font: 16 dots high, narrow glyphs 8x16 and wide glyphs 16x16, 1 bit per dot,
 * rows top to bottom, the most significant bit leftmost (GNU Unifont's own bitmap order).
 *
 * File format ("PFNT", little-endian), produced by tools/font/generate-font-subset.ts:
 *   0  'PFNT'            magic
 *   4  u8  version = 1
 *   5  u8  height = 16
 *   6  u16 narrowCount   8-dot-wide glyphs
 *   8  u16 wideCount     16-dot-wide glyphs
 *  10  u16[narrowCount]  code points, ascending   then u16[wideCount] code points, ascending
 *      narrow bitmaps (16 bytes each)             then wide bitmaps (32 bytes each)
 * Only Basic Multilingual Plane characters are stored (everything GB2312 holds is in it).
 */
import { readFileSync } from 'node:fs';

export const FONT_HEIGHT = 16;
const MAGIC = 'PFNT';
const HEADER_BYTES = 10;

export interface Glyph {
  /** 8 or 16 dots. */
  width: 8 | 16;
  /** FONT_HEIGHT rows of width/8 bytes, MSB = leftmost dot. */
  bitmap: Uint8Array;
}

export interface GlyphSource {
  codePoint: number;
  /** 16 bytes (8x16) or 32 bytes (16x16). */
  bitmap: Uint8Array;
}

export class BitmapFont {
  constructor(
    private readonly narrowCodes: Uint16Array,
    private readonly wideCodes: Uint16Array,
    private readonly narrowBitmaps: Uint8Array,
    private readonly wideBitmaps: Uint8Array,
  ) {}

  get glyphCount(): number {
    return this.narrowCodes.length + this.wideCodes.length;
  }

  /** The glyph for one character, or undefined when the subset lacks it. */
  glyph(char: string): Glyph | undefined {
    const cp = char.codePointAt(0);
    if (cp === undefined || cp > 0xffff) return undefined;
    const n = binarySearch(this.narrowCodes, cp);
    if (n >= 0) return { width: 8, bitmap: this.narrowBitmaps.subarray(n * 16, n * 16 + 16) };
    const w = binarySearch(this.wideCodes, cp);
    if (w >= 0) return { width: 16, bitmap: this.wideBitmaps.subarray(w * 32, w * 32 + 32) };
    return undefined;
  }

  has(char: string): boolean {
    return this.glyph(char) !== undefined;
  }
}

function binarySearch(sorted: Uint16Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function decodeFontFile(file: Uint8Array): BitmapFont {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < HEADER_BYTES || String.fromCharCode(...file.subarray(0, 4)) !== MAGIC) {
    throw new Error('font file: bad magic (expected PFNT)');
  }
  if (file[4] !== 1 || file[5] !== FONT_HEIGHT) {
    throw new Error(`font file: unsupported version ${file[4]} / height ${file[5]}`);
  }
  const narrowCount = view.getUint16(6, true);
  const wideCount = view.getUint16(8, true);
  const expected = HEADER_BYTES + 2 * (narrowCount + wideCount) + 16 * narrowCount + 32 * wideCount;
  if (file.length !== expected) {
    throw new Error(`font file: ${file.length} bytes, header says ${expected}`);
  }
  const codes = new Uint16Array(narrowCount + wideCount);
  for (let i = 0; i < codes.length; i++) codes[i] = view.getUint16(HEADER_BYTES + 2 * i, true);
  const bitmapsAt = HEADER_BYTES + 2 * codes.length;
  return new BitmapFont(
    codes.subarray(0, narrowCount),
    codes.subarray(narrowCount),
    file.subarray(bitmapsAt, bitmapsAt + 16 * narrowCount),
    file.subarray(bitmapsAt + 16 * narrowCount, expected),
  );
}

export function encodeFontFile(glyphs: readonly GlyphSource[]): Uint8Array {
  const sorted = [...glyphs].sort((a, b) => a.codePoint - b.codePoint);
  for (const g of sorted) {
    if (g.codePoint > 0xffff) throw new Error(`font: U+${g.codePoint.toString(16)} is outside the BMP`);
    if (g.bitmap.length !== 16 && g.bitmap.length !== 32) {
      throw new Error(`font: U+${g.codePoint.toString(16)} bitmap is ${g.bitmap.length} bytes (want 16 or 32)`);
    }
  }
  const narrow = sorted.filter((g) => g.bitmap.length === 16);
  const wide = sorted.filter((g) => g.bitmap.length === 32);
  const out = new Uint8Array(HEADER_BYTES + 2 * sorted.length + 16 * narrow.length + 32 * wide.length);
  const view = new DataView(out.buffer);
  out.set([...MAGIC].map((c) => c.charCodeAt(0)), 0);
  out[4] = 1;
  out[5] = FONT_HEIGHT;
  view.setUint16(6, narrow.length, true);
  view.setUint16(8, wide.length, true);
  let at = HEADER_BYTES;
  for (const g of [...narrow, ...wide]) {
    view.setUint16(at, g.codePoint, true);
    at += 2;
  }
  for (const g of [...narrow, ...wide]) {
    out.set(g.bitmap, at);
    at += g.bitmap.length;
  }
  return out;
}

/** The committed Unifont subset (ASCII + GB2312), decoded once per process. */
let receiptFont: BitmapFont | undefined;
export function loadReceiptFont(): BitmapFont {
  receiptFont ??= decodeFontFile(readFileSync(new URL('./font/unifont-gb2312.pfnt', import.meta.url)));
  return receiptFont;
}
