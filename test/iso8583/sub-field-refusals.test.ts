import { describe, expect, it } from 'vitest';
import { formatField60, parseField60, type Field60 } from '../../firmware/iso8583/field60.js';
import { formatField61, parseField61, type Field61 } from '../../firmware/iso8583/field61.js';
import { joinKeyExchangeField, type KeyExchangeSlots } from '../../firmware/iso8583/field62.js';
import { formatField63, operatorField63, type Field63 } from '../../firmware/iso8583/field63.js';
import { Iso8583Error } from '../../firmware/iso8583/message.js';
import { thrown } from './thrown.js';

/**
 * The F60-F63 sub-field builders and parsers refuse what the host would reject or misread. Each
 * case pins the whole message (what the terminal logs and the operator's support sees) and the
 * field it names; the boundaries next to each refusal are accepted with exact strings.
 */
const refusal = (run: () => unknown): { field: number | undefined; message: string } => {
  const e = thrown(Iso8583Error, run);
  return { field: e.field, message: e.message };
};

describe('F60 refusals', () => {
  const base = { transactionType: '22', batchNumber: '000001', networkCode: '000' };

  it.each([
    [{ batchNumber: '000001', networkCode: '000' }, '60.1 (transactionType) is required'],
    [{ transactionType: '22', networkCode: '000' }, '60.2 (batchNumber) is required'],
    [{ transactionType: '22', batchNumber: '000001' }, '60.3 (networkCode) is required'],
  ])('refuses %o: 60.1-60.3 are mandatory', (parts, detail) => {
    expect(refusal(() => formatField60(parts as Field60))).toEqual({ field: 60, message: `bad-value in field 60 at byte 0: ${detail}` });
  });

  it('names the missing sub-field a later one needs (60.6 without 60.5, 60.7 without 60.6)', () => {
    expect(refusal(() => formatField60({ ...base, terminalCapability: '5', partialApproval: '0' })).message)
      .toBe('bad-value in field 60 at byte 0: 60.6 (partialApproval) needs 60.5 (icCondition)');
    expect(refusal(() => formatField60({ ...base, terminalCapability: '5', icCondition: '0', accountType: '000' })).message)
      .toBe('bad-value in field 60 at byte 0: 60.7 (accountType) needs 60.6 (partialApproval)');
  });

  it.each([
    [{ ...base, transactionType: '2x' }, '60.1 (transactionType) must be 2 digits, got "2x"'],
    [{ ...base, transactionType: 'x2' }, '60.1 (transactionType) must be 2 digits, got "x2"'],
    [{ ...base, batchNumber: '00001' }, '60.2 (batchNumber) must be 6 digits, got "00001"'],
    [{ ...base, networkCode: '0 0' }, '60.3 (networkCode) must be 3 digits, got "0 0"'],
    [{ ...base, terminalCapability: 'A' }, '60.4 (terminalCapability) must be 1 digit, got "A"'],
    [{ ...base, networkCode: 3 as unknown as string }, '60.3 (networkCode) must be 3 digits, got 3'],
    // A one-element array has length 1 and prints as its element: only the type test refuses it.
    [{ ...base, terminalCapability: ['5'] as unknown as string }, '60.4 (terminalCapability) must be 1 digit, got ["5"]'],
  ])('refuses %o', (parts, detail) => {
    expect(refusal(() => formatField60(parts)).message).toBe(`bad-value in field 60 at byte 0: ${detail}`);
  });

  it.each(['2200000100x', 'x2200000100', '220000010005 '])('refuses to parse %j (not all digits)', (value) => {
    expect(refusal(() => parseField60(value)).message)
      .toBe(`bad-value in field 60 at byte 0: F60 must be 11 to 14 or 17 digits, got ${JSON.stringify(value)}`);
  });

  it.each([10, 15, 16, 18])('refuses to parse %i digits and accepts the lengths around them', (length) => {
    const value = '2'.repeat(length);
    expect(refusal(() => parseField60(value)).message)
      .toBe(`bad-value in field 60 at byte 0: F60 must be 11 to 14 or 17 digits, got "${value}"`);
  });

  it('parses exactly 11 and 17 digits', () => {
    expect(parseField60('00000001001')).toEqual({ transactionType: '00', batchNumber: '000001', networkCode: '001' });
    expect(parseField60('22000001000601156')).toEqual({
      transactionType: '22', batchNumber: '000001', networkCode: '000', terminalCapability: '6', icCondition: '0', partialApproval: '1', accountType: '156',
    });
  });
});

describe('F61 refusals', () => {
  it.each([
    [{ originalBatch: '000001', originalTrace: '00012' }, '61.2 (originalTrace) must be 6 digits, got "00012"'],
    [{ originalBatch: '000001', originalTrace: '00012x' }, '61.2 (originalTrace) must be 6 digits, got "00012x"'],
    [{ originalBatch: 'x00001', originalTrace: '000123' }, '61.1 (originalBatch) must be 6 digits, got "x00001"'],
    [{ originalBatch: '000001', originalTrace: '000123', originalDate: '112' }, '61.3 (originalDate) must be 4 digits, got "112"'],
    [{ originalBatch: '000001', originalTrace: '000123', originalDate: '11-2' }, '61.3 (originalDate) must be 4 digits, got "11-2"'],
    [{ originalBatch: '000001' }, '61.2 (originalTrace) must be 6 digits, got undefined'],
  ])('refuses %o', (parts, detail) => {
    expect(refusal(() => formatField61(parts as Field61))).toEqual({ field: 61, message: `bad-value in field 61 at byte 0: ${detail}` });
  });

  it('formats batch + trace + date as 16 digits', () => {
    expect(formatField61({ originalBatch: '000002', originalTrace: '000456', originalDate: '0131' })).toBe('0000020004560131');
  });

  it('parses 12 digits without a date', () => {
    const parsed = parseField61('000001000123');
    expect(parsed).toEqual({ originalBatch: '000001', originalTrace: '000123' });
    expect('originalDate' in parsed).toBe(false);
  });

  it.each(['00000100012x', 'x00001000123', '000001000123112x', '0000010001231122 '])('refuses to parse %j', (value) => {
    expect(refusal(() => parseField61(value)).message)
      .toBe(`bad-value in field 61 at byte 0: F61 must be 12 or 16 digits, got ${JSON.stringify(value)}`);
  });

  it.each([11, 13, 15, 17])('refuses to parse %i digits', (length) => {
    expect(() => parseField61('1'.repeat(length))).toThrow(/F61 must be 12 or 16 digits/);
  });
});

describe('F62 join refusals', () => {
  const slot = (size: number, check = 4) => ({ encryptedKey: new Uint8Array(size).fill(0x11), checkValue: new Uint8Array(check).fill(0x22) });
  const message = 'bad-length in field 62 at byte 0: key slots must all be 8 bytes (no TDK) or all 16 bytes, each with a 4-byte check value';

  it.each([
    ['8-byte keys with a TDK (single DES has no 60-byte layout)', { pik: slot(8), mak: slot(8), tdk: slot(8) }],
    ['12-byte keys', { pik: slot(12), mak: slot(12) }],
    ['24-byte keys', { pik: slot(24), mak: slot(24) }],
    ['a 3-byte check value', { pik: slot(16), mak: slot(16, 3) }],
    ['a 5-byte check value on the TDK', { pik: slot(16), mak: slot(16), tdk: slot(16, 5) }],
    ['a 16-byte TDK after 8-byte keys', { pik: slot(8), mak: slot(8), tdk: slot(16) }],
  ])('refuses %s', (_why, slots: KeyExchangeSlots) => {
    expect(refusal(() => joinKeyExchangeField(slots))).toEqual({ field: 62, message });
  });

  it('joins 8-byte keys as PIK | chk | MAK | chk', () => {
    const joined = joinKeyExchangeField({
      pik: { encryptedKey: new Uint8Array(8).fill(1), checkValue: new Uint8Array(4).fill(2) },
      mak: { encryptedKey: new Uint8Array(8).fill(3), checkValue: new Uint8Array(4).fill(4) },
    });
    expect([...joined]).toEqual([...Array(8).fill(1), ...Array(4).fill(2), ...Array(8).fill(3), ...Array(4).fill(4)]);
  });
});

describe('F63 refusals', () => {
  it.each([
    [{ code: 'CU' }, '63.1 must be 3 characters, got "CU"'],
    [{ code: 'CUPX' }, '63.1 must be 3 characters, got "CUPX"'],
    [{ code: '' }, '63.1 must be 3 characters, got ""'],
    [{}, '63.1 must be 3 characters, got undefined'],
    [{ code: 123 }, '63.1 must be 3 characters, got 123'],
  ])('refuses %o', (parts, detail) => {
    expect(refusal(() => formatField63(parts as unknown as Field63))).toEqual({ field: 63, message: `bad-value in field 63 at byte 0: ${detail}` });
  });

  it.each(['123', 'a12', '12a', '1', ''])('refuses operator %j', (operator) => {
    expect(refusal(() => operatorField63(operator))).toEqual({
      field: 63, message: `bad-value in field 63 at byte 0: operator must be 2 digits, got ${JSON.stringify(operator)}`,
    });
  });

  it('formats operators 00 and 99 as the digits and a space', () => {
    expect(operatorField63('00')).toBe('00 ');
    expect(operatorField63('99')).toBe('99 ');
  });
});
