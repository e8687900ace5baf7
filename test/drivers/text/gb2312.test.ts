import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeGb2312, encodeGb2312, gb2312Code } from '../../../firmware/drivers/text/gb2312.js';

// iconv-lite (the reference the table was generated from, tools/font/generate-gb2312-table.ts).
describe('GB2312 table', () => {
  it('encodes every GB2312 character as iconv-lite does, and decodes it back', () => {
    let checked = 0;
    for (let hi = 0xa1; hi <= 0xf7; hi++) {
      for (let lo = 0xa1; lo <= 0xfe; lo++) {
        const char = iconv.decode(Buffer.from([hi, lo]), 'gb2312');
        const back = iconv.encode(char, 'gb2312');
        if (char.length !== 1 || char === '\ufffd' || back[0] !== hi || back[1] !== lo) continue;
        expect(gb2312Code(char)).toEqual([hi, lo]);
        expect(decodeGb2312([hi, lo])).toBe(char);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(7400);
  });
  it('matches iconv-lite gb18030 on receipt text, ASCII untouched', () => {
    const line = '消费 SALE 金额 RMB 88.00 商户存根 冲正不成功 请人工处理';
    expect(encodeGb2312(line)).toEqual([...iconv.encode(line, 'gb18030')]);
  });
  it("turns a character outside GB2312 into '?', not a wrong Hanzi", () => {
    expect(encodeGb2312('A€B')).toEqual([0x41, 0x3f, 0x42]);
    expect(gb2312Code('€')).toBeUndefined();
    expect(decodeGb2312([0xa1])).toBe('\ufffd');
  });
});
