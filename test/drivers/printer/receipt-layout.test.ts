import { describe, expect, it } from 'vitest';
import {
  REPRINT_MARK,
  REVERSAL_FAILED_TITLE,
  SIGNATURE_ACKNOWLEDGEMENT,
  TEAR_OFF_FEED_LINES,
  formatFen,
  layoutReceipt,
} from '../../../firmware/drivers/printer/receipt-layout.js';
import { PrintJobError } from '../../../firmware/drivers/printer/print-job-validation.js';
import { charColumns, textColumns, wrapColumns } from '../../../firmware/drivers/printer/text-columns.js';
import { maskPan } from '../../../firmware/security/pan-mask.js';
import type { PrintJob } from '../../../firmware/drivers/printer/print-job.js';
import { REVERSAL_FAILED, SALE_RECEIPT, SETTLEMENT } from './sample-jobs.js';

const ALL_JOBS: PrintJob[] = [SALE_RECEIPT, REVERSAL_FAILED, SETTLEMENT];

describe('text columns', () => {
  it('counts Chinese characters and full-width punctuation as two columns, ASCII as one', () => {
    expect(charColumns('A')).toBe(1);
    expect(charColumns('签')).toBe(2);
    expect(charColumns('，')).toBe(2);
    expect(textColumns('RMB 88.00')).toBe(9);
    expect(textColumns('签购单 OK')).toBe(9);
  });

  it('wraps without splitting a wide character across lines', () => {
    expect(wrapColumns('一二三四五', 5)).toEqual(['一二', '三四', '五']);
    expect(wrapColumns('', 5)).toEqual(['']);
  });
});

describe('receipt layout', () => {
  it.each(ALL_JOBS.map((j) => [j.kind, j] as const))('%s: every line fits 32 columns and ends with the tear-off feed', (_, job) => {
    const lines = layoutReceipt(job);
    for (const line of lines) expect(textColumns(line)).toBeLessThanOrEqual(32);
    expect(lines.slice(-TEAR_OFF_FEED_LINES)).toEqual(Array(TEAR_OFF_FEED_LINES).fill(''));
  });

  it('a sale receipt carries every field of the 签购单 section', () => {
    const text = layoutReceipt(SALE_RECEIPT).join('\n');
    for (const expected of [
      '签购单', '商户存根', 'MERCHANT COPY', '北京测试商贸有限公司', '898110048990001', '12345678', '操作员号', '中国工商银行',
      '银联商务', '622202******1234', '28/12', '消费/SALE', '000001', '000123', '123456', '112209000123',
      '2026/11/22 09:00:00', 'RMB 88.00', '持卡人签名',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain(REPRINT_MARK);
  });

  it('keeps the masked card number whole on one line', () => {
    const lines = layoutReceipt(SALE_RECEIPT);
    expect(lines.filter((l) => l.includes('622202******1234'))).toHaveLength(1);
    const nineteen = layoutReceipt({ ...SALE_RECEIPT, maskedPan: '621700*********1234' });
    expect(nineteen.some((l) => l.includes('621700*********1234'))).toBe(true);
  });

  it('accepts what maskPan produces, including all stars for a very short PAN', () => {
    for (const pan of ['6222021234567890', '6217001234567891234', '1234567890']) {
      expect(layoutReceipt({ ...SALE_RECEIPT, maskedPan: maskPan(pan) }).join('\n')).toContain(maskPan(pan));
    }
  });

  it('puts the signature acknowledgement on the merchant copy, wrapped at 32 columns', () => {
    const lines = layoutReceipt(SALE_RECEIPT);
    const i = lines.indexOf('本人确认以上交易，同意将其记入本');
    expect(i).toBeGreaterThan(0);
    expect(lines[i] + lines[i + 1]).toBe(SIGNATURE_ACKNOWLEDGEMENT);
    expect(textColumns(lines[i]!)).toBe(32);
  });

  it('cardholder copy without signature line, reprint mark and remarks', () => {
    const lines = layoutReceipt({
      ...SALE_RECEIPT,
      copy: 'cardholder',
      reprint: true,
      signatureLine: false,
      transactionType: { zh: '消费撤销', en: 'VOID' },
      remarks: ['原凭证号(OLD VOUCHER):000122'],
    });
    const text = lines.join('\n');
    expect(text).toContain('持卡人存根');
    expect(text).toContain('CARDHOLDER COPY');
    expect(lines.map((l) => l.trim())).toContain(REPRINT_MARK);
    expect(text).toContain('备注(REFERENCE):');
    expect(text).toContain('原凭证号(OLD VOUCHER):000122');
    expect(text).toContain('消费撤销/VOID');
    expect(text).not.toContain('本人确认');
  });

  it('bank copy is named 银行存根', () => {
    expect(layoutReceipt({ ...SALE_RECEIPT, copy: 'bank' }).join('\n')).toContain('银行存根');
  });

  it('the reversal-failed slip says 冲正不成功 请人工处理 with the voucher, amount and reason', () => {
    const lines = layoutReceipt(REVERSAL_FAILED);
    expect(lines[0]!.trim()).toBe(REVERSAL_FAILED_TITLE);
    const text = lines.join('\n');
    expect(text).toContain('000124');
    expect(text).toContain('RMB 123.45');
    expect(text).toMatch(/冲正原因\(REASON\): +98/);
    expect(text).toContain('622202******1234');
  });

  it('the settlement report lists totals per type, balance and each failed reversal', () => {
    const lines = layoutReceipt(SETTLEMENT);
    expect(lines).toContain('消费/SALE          3      264.00');
    expect(lines).toContain('消费撤销/VOID      1       88.00');
    expect(lines).toContain('预授权完成         1     1000.00');
    expect(lines).toContain('对账平 BALANCED');
    expect(lines).toContain('冲正失败 FAILED REVERSALS: 1');
    expect(lines.join('\n')).toMatch(/凭证号 000124 +RMB 123\.45/);
    expect(layoutReceipt({ ...SETTLEMENT, balanced: false, failedReversals: [] })).toContain('对账不平 NOT BALANCED');
  });

  it('formats fen as yuan with two decimals', () => {
    expect(formatFen(8800)).toBe('88.00');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(123456789)).toBe('1234567.89');
    expect(() => formatFen(-1)).toThrow(/non-negative/);
    expect(() => formatFen(1.5)).toThrow(/integer/);
  });
});

describe('receipt layout: bad input', () => {
  it('refuses a negative amount', () => {
    expect(() => layoutReceipt({ ...SALE_RECEIPT, amountFen: -8800 })).toThrow(PrintJobError);
    expect(() => layoutReceipt({ ...SALE_RECEIPT, amountFen: -8800 })).toThrow(/amountFen must be a non-negative integer/);
  });

  it('refuses an unknown job kind', () => {
    const job = { ...SALE_RECEIPT, kind: 'coupon' } as unknown as PrintJob;
    expect(() => layoutReceipt(job)).toThrow(/unknown kind "coupon"/);
  });

  it('refuses a clear PAN without echoing it', () => {
    let message = '';
    try {
      layoutReceipt({ ...SALE_RECEIPT, maskedPan: '6222021234561234' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/maskedPan must be masked/);
    expect(message).not.toContain('6222021234561234');
  });

  it('refuses control characters that would be printer commands', () => {
    expect(() => layoutReceipt({ ...SALE_RECEIPT, merchantName: 'shop\x1b@' })).toThrow(/merchantName contains a control character/);
  });

  it('names the bad field inside settlement rows', () => {
    const rows = [{ type: { zh: '消费', en: 'SALE' }, count: -1, amountFen: 0 }];
    expect(() => layoutReceipt({ ...SETTLEMENT, rows })).toThrow(/rows\[0\]\.count/);
    expect(() => layoutReceipt({ ...SETTLEMENT, failedReversals: [{ voucherNo: '1', maskedPan: 'x', amountFen: 1, reasonCode: '98' }] })).toThrow(
      /failedReversals\[0\]\.maskedPan/,
    );
  });

  it('refuses a job that is not an object, or a copy name it does not know', () => {
    expect(() => layoutReceipt(null as unknown as PrintJob)).toThrow(/not an object/);
    expect(() => layoutReceipt({ ...SALE_RECEIPT, copy: 'shop' } as unknown as PrintJob)).toThrow(/copy must be/);
  });
});
