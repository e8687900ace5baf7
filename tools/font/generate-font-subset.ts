/**
 * Generates the printer's bitmap font subset from GNU Unifont (16 dots high; 8x16 narrow, 16x16 wide).
 *
 *   apt-get update && apt-get install -y unifont
 *   npx tsx tools/font/generate-font-subset.ts [/usr/share/unifont/unifont.hex]
 *
 * Subset: printable ASCII, every GB2312 character (6,763 Hanzi + 682 symbols, enumerated by decoding
 * each GB2312 code with iconv-lite) and the few extra characters listed below. Output:
 * firmware/drivers/printer/font/unifont-gb2312.pfnt (format in firmware/drivers/printer/bitmap-font.ts)
 * plus the Unifont licence beside it. The runtime reads only the committed file; this script is never
 * needed at test time.
 */
import { readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import iconv from 'iconv-lite';
import { encodeFontFile, type GlyphSource } from '../../firmware/drivers/printer/bitmap-font.js';

const HEX_PATH = process.argv[2] ?? '/usr/share/unifont/unifont.hex';
const OUT_DIR = new URL('../../firmware/drivers/printer/font/', import.meta.url);
/** Characters the receipts may use that GB2312 lacks (GB18030 printers have them). */
const EXTRA_CHARACTERS = '¥€';

function gb2312Characters(): string[] {
  const out: string[] = [];
  for (let hi = 0xa1; hi <= 0xf7; hi++) {
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      const ch = iconv.decode(Buffer.from([hi, lo]), 'gb2312');
      // Unassigned codes decode to U+FFFD; skip them.
      if (ch.length === 1 && ch !== '\ufffd') out.push(ch);
    }
  }
  return out;
}

function readUnifont(path: string): Map<number, string> {
  if (!existsSync(path)) {
    throw new Error(`${path} not found: run "apt-get update && apt-get install -y unifont" or pass the .hex path`);
  }
  const glyphs = new Map<number, string>();
  for (const line of readFileSync(path, 'latin1').split('\n')) {
    const m = /^([0-9A-F]{4,6}):([0-9A-F]+)$/.exec(line.trim());
    if (m) glyphs.set(parseInt(m[1]!, 16), m[2]!);
  }
  return glyphs;
}

const unifont = readUnifont(HEX_PATH);
const wanted = new Set<number>();
for (let c = 0x20; c <= 0x7e; c++) wanted.add(c);
for (const ch of gb2312Characters()) wanted.add(ch.codePointAt(0)!);
for (const ch of EXTRA_CHARACTERS) wanted.add(ch.codePointAt(0)!);

const sources: GlyphSource[] = [];
const missing: string[] = [];
for (const cp of [...wanted].sort((a, b) => a - b)) {
  const hex = unifont.get(cp);
  if (!hex) {
    missing.push(cp.toString(16));
    continue;
  }
  sources.push({ codePoint: cp, bitmap: Buffer.from(hex, 'hex') });
}
const file = encodeFontFile(sources);
writeFileSync(new URL('unifont-gb2312.pfnt', OUT_DIR), file);
copyFileSync('/usr/share/doc/unifont/copyright', new URL('UNIFONT-COPYRIGHT.txt', OUT_DIR));
copyFileSync('/usr/share/common-licenses/GPL-2', new URL('GPL-2.txt', OUT_DIR));
console.log(
  JSON.stringify({ glyphs: sources.length, bytes: file.length, missing: missing.length, missingSample: missing.slice(0, 8) }),
);
