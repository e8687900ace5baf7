import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFontFile, encodeFontFile, loadReceiptFont } from '../../../firmware/drivers/printer/bitmap-font.js';
import { CELL_WIDTH, HEAD_DOTS, ROWS_PER_LINE, ROW_BYTES, countDots, dotAt, rasteriseLine, rasteriseLines } from '../../../firmware/drivers/printer/rasteriser.js';
import { layoutReceipt } from '../../../firmware/drivers/printer/receipt-layout.js';
import { REVERSAL_FAILED, SALE_RECEIPT, SETTLEMENT } from './sample-jobs.js';

const FONT_URL = new URL('../../../firmware/drivers/printer/font/unifont-gb2312.pfnt', import.meta.url);
/** The cashier screens' standing messages (DESIGN.md) must print too, e.g. on a reprinted slip. */
const SCREEN_MESSAGES = ['请重刷', '纸张用完', '冲正中', '冲正成功', '请先结算', '交易成功', '请输入金额', '请输入密码', '重打印'];

describe('bitmap font subset', () => {
  const font = loadReceiptFont();

  it('holds ASCII and all of GB2312 within 300 KB', () => {
    expect(statSync(FONT_URL).size).toBeLessThan(300 * 1024);
    // 95 ASCII + 6,763 GB2312 Hanzi + 682 GB2312 symbols (+ ¥ and €).
    expect(font.glyphCount).toBeGreaterThanOrEqual(95 + 6763 + 682);
    expect(font.glyph('A')?.width).toBe(8);
    expect(font.glyph('齄')?.width).toBe(16);
    expect(font.glyph('😀')).toBeUndefined();
  });

  it('has a glyph for every character the receipts and screens use', () => {
    const text = [SALE_RECEIPT, REVERSAL_FAILED, SETTLEMENT].flatMap((j) => layoutReceipt(j)).join('') + SCREEN_MESSAGES.join('');
    const missing = [...new Set(text)].filter((ch) => !font.has(ch));
    expect(missing).toEqual([]);
  });

  it('中 matches GNU Unifont', () => {
    expect(Buffer.from(font.glyph('中')!.bitmap).toString('hex').toUpperCase()).toBe(
      '01000100010001003FF8210821082108210821083FF821080100010001000100',
    );
  });

  it('round-trips through the file format and rejects a damaged file', () => {
    const file = encodeFontFile([
      { codePoint: 0x41, bitmap: new Uint8Array(16).fill(0x18) },
      { codePoint: 0x4e2d, bitmap: new Uint8Array(32).fill(0x01) },
    ]);
    const decoded = decodeFontFile(file);
    expect(decoded.glyph('A')!.bitmap[0]).toBe(0x18);
    expect(decoded.glyph('中')!.width).toBe(16);
    expect(() => decodeFontFile(file.subarray(0, file.length - 1))).toThrow(/header says/);
    expect(() => decodeFontFile(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toThrow(/bad magic/);
    expect(() => encodeFontFile([{ codePoint: 0x41, bitmap: new Uint8Array(7) }])).toThrow(/want 16 or 32/);
  });
});

describe('rasteriser', () => {
  const font = loadReceiptFont();

  it('turns a line into 24 rows of 384 dots (48 bytes)', () => {
    const rows = rasteriseLine('签购单 RMB 88.00', font);
    expect(rows).toHaveLength(ROWS_PER_LINE);
    for (const row of rows) expect(row).toHaveLength(ROW_BYTES);
    expect(HEAD_DOTS).toBe(384);
    expect(rows.reduce((n, r) => n + countDots(r), 0)).toBeGreaterThan(0);
  });

  it('a whole receipt is 24 dot rows per text line', () => {
    const lines = layoutReceipt(SALE_RECEIPT);
    expect(rasteriseLines(lines, font)).toHaveLength(lines.length * ROWS_PER_LINE);
  });

  it('draws a Chinese character across two 12-dot cells and ASCII inside one', () => {
    const inked = (line: string): number[] => {
      const xs = new Set<number>();
      for (const row of rasteriseLine(line, font)) for (let x = 0; x < HEAD_DOTS; x++) if (dotAt(row, x)) xs.add(x);
      return [...xs].sort((a, b) => a - b);
    };
    const wide = inked('中');
    expect(wide[0]).toBeGreaterThanOrEqual(4);
    expect(wide.at(-1)).toBeLessThan(2 * CELL_WIDTH - 4);
    expect(wide[0]).toBeLessThan(CELL_WIDTH);
    expect(wide.at(-1)).toBeGreaterThanOrEqual(CELL_WIDTH);
    const narrow = inked(' H');
    expect(narrow[0]).toBeGreaterThanOrEqual(CELL_WIDTH);
    expect(narrow.at(-1)).toBeLessThan(2 * CELL_WIDTH);
    // Glyphs sit in the middle 16 of the 24 rows.
    const rows = rasteriseLine('中', font);
    expect(countDots(rows[0]!) + countDots(rows[3]!) + countDots(rows[20]!) + countDots(rows[23]!)).toBe(0);
  });

  it('refuses a line wider than 384 dots', () => {
    expect(() => rasteriseLine('中'.repeat(17), font)).toThrow(/wider than 32 columns/);
  });

  it('prints ? for a character the font lacks, centred in its two cells', () => {
    const missing = rasteriseLine('😀', font);
    const question = rasteriseLine('?', font);
    // The 8-dot ? glyph sits at dot 8 of the 24-dot cell instead of dot 2 of a 12-dot cell: 6 dots right.
    const shifted = question.map((row) => {
      const out = new Uint8Array(ROW_BYTES);
      for (let x = 0; x + 6 < HEAD_DOTS; x++) if (dotAt(row, x)) out[(x + 6) >> 3]! |= 0x80 >> ((x + 6) & 7);
      return out;
    });
    expect(missing).toEqual(shifted);
  });
});
