/**
 * Writes firmware/drivers/text/gb2312.tbl, the GB2312 code table the firmware encodes Hanzi with
 * (instead of carrying all of iconv-lite, ~500 KB, in the board's bundle):
 *   npx tsx tools/font/generate-gb2312-table.ts
 * Format: 94 x 94 little-endian uint16, the Unicode code point (BMP) of GB2312 row r, cell c
 * (bytes 0xA0+r, 0xA0+c) at index (r-1)*94 + (c-1); 0 where the code is unassigned. 17,672 bytes.
 * iconv-lite (a devDependency) is the reference; test/drivers/text/gb2312.test.ts checks every code.
 */
import iconv from 'iconv-lite';
import { writeFileSync } from 'node:fs';

const table = Buffer.alloc(94 * 94 * 2);
let assigned = 0;
for (let row = 1; row <= 94; row++) {
  for (let cell = 1; cell <= 94; cell++) {
    const text = iconv.decode(Buffer.from([0xa0 + row, 0xa0 + cell]), 'gb2312');
    const code = text.length === 1 ? text.codePointAt(0)! : 0;
    if (code === 0xfffd || code === 0) continue;
    // Only codes that round-trip are GB2312 proper.
    const back = iconv.encode(text, 'gb2312');
    if (back.length !== 2 || back[0] !== 0xa0 + row || back[1] !== 0xa0 + cell) continue;
    table.writeUInt16LE(code, ((row - 1) * 94 + (cell - 1)) * 2);
    assigned++;
  }
}
const out = new URL('../../firmware/drivers/text/gb2312.tbl', import.meta.url);
writeFileSync(out, table);
console.log(`gb2312.tbl: ${assigned} codes, ${table.length} bytes`);
