/**
 * GB2312 text for the ST7920's built-in font and the ESC/POS printer's Chinese mode (GB2312 is a
 * subset of the GBK/GB18030 those modules take). Pure, from a 17 KB code table (gb2312.tbl beside
 * this file; tools/font/generate-gb2312-table.ts makes it) rather than a general converter: the
 * board's bundle stays small. ASCII passes as one byte; a character outside GB2312 becomes '?'.
 */
import { readFileSync } from 'node:fs';

const QUESTION_MARK = 0x3f;

/**
 * byGbCode: the table as read, code point by GB2312 index. byCodePoint: the inverse as one sorted
 * Uint32Array of (code point << 16 | GB2312 code), searched by halves: 30 KB, where a Map of the
 * 7,445 characters held 224 KB of the terminal's heap for as long as it ran.
 */
let byCodePoint: Uint32Array | undefined;
let byGbCode: Uint16Array | undefined;

function tables(): { byCodePoint: Uint32Array; byGbCode: Uint16Array } {
  if (!byCodePoint || !byGbCode) {
    const raw = readFileSync(new URL('./gb2312.tbl', import.meta.url));
    byGbCode = new Uint16Array(94 * 94);
    const pairs: number[] = [];
    for (let i = 0; i < byGbCode.length; i++) {
      const code = raw.readUInt16LE(i * 2);
      byGbCode[i] = code;
      if (code !== 0) pairs.push(code * 0x10000 + (((0xa1 + Math.floor(i / 94)) << 8) | (0xa1 + (i % 94))));
    }
    byCodePoint = Uint32Array.from(pairs).sort();
  }
  return { byCodePoint, byGbCode };
}

/** The GB2312 code (high byte first) of a BMP code point, or undefined. */
function gbCodeOf(codePoint: number): number | undefined {
  const pairs = tables().byCodePoint;
  let low = 0;
  let high = pairs.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = pairs[middle]! >>> 16;
    if (at === codePoint) return pairs[middle]! & 0xffff;
    if (at < codePoint) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

/** The two GB2312 bytes of one character, or undefined when GB2312 has no such character. */
export function gb2312Code(char: string): [number, number] | undefined {
  const code = gbCodeOf(char.codePointAt(0)!);
  return code === undefined ? undefined : [code >> 8, code & 0xff];
}

/** ASCII as itself, GB2312 characters as two bytes, anything else as '?'. */
export function encodeGb2312(text: string): number[] {
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const gb = gb2312Code(char);
    if (gb) out.push(gb[0], gb[1]);
    else out.push(QUESTION_MARK);
  }
  return out;
}

/** The inverse for what a printer or display received: ASCII, GB2312 pairs; U+FFFD for the rest. */
export function decodeGb2312(bytes: ArrayLike<number>): string {
  const { byGbCode } = tables();
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const hi = bytes[i]!;
    if (hi < 0x80) {
      text += String.fromCharCode(hi);
      continue;
    }
    const lo = bytes[i + 1];
    const index = lo !== undefined && hi >= 0xa1 && hi <= 0xfe && lo >= 0xa1 && lo <= 0xfe ? (hi - 0xa1) * 94 + (lo - 0xa1) : -1;
    const code = index >= 0 ? byGbCode[index]! : 0;
    text += code === 0 ? '\ufffd' : String.fromCodePoint(code);
    if (index >= 0) i++;
  }
  return text;
}
