/**
 * GB2312 text for the ST7920's built-in font and the ESC/POS printer's Chinese mode (GB2312 is a
 * subset of the GBK/GB18030 those modules take). Pure, from a 17 KB code table (gb2312.tbl beside
 * this file; tools/font/generate-gb2312-table.ts makes it) rather than a general converter: the
 * board's bundle stays small. ASCII passes as one byte; a character outside GB2312 becomes '?'.
 */
import { readFileSync } from 'node:fs';

const QUESTION_MARK = 0x3f;

let byCodePoint: Map<number, number> | undefined;
let byGbCode: Uint16Array | undefined;

function tables(): { byCodePoint: Map<number, number>; byGbCode: Uint16Array } {
  if (!byCodePoint || !byGbCode) {
    const raw = readFileSync(new URL('./gb2312.tbl', import.meta.url));
    byGbCode = new Uint16Array(94 * 94);
    byCodePoint = new Map();
    for (let i = 0; i < byGbCode.length; i++) {
      const code = raw.readUInt16LE(i * 2);
      byGbCode[i] = code;
      if (code !== 0) byCodePoint.set(code, ((0xa1 + Math.floor(i / 94)) << 8) | (0xa1 + (i % 94)));
    }
  }
  return { byCodePoint, byGbCode };
}

/** The two GB2312 bytes of one character, or undefined when GB2312 has no such character. */
export function gb2312Code(char: string): [number, number] | undefined {
  const code = tables().byCodePoint.get(char.codePointAt(0)!);
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
