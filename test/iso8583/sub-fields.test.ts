import { describe, expect, it } from 'vitest';
import { formatField60, parseField60 } from '../../firmware/iso8583/field60.js';
import { formatField61, parseField61 } from '../../firmware/iso8583/field61.js';
import { joinKeyExchangeField, splitKeyExchangeField } from '../../firmware/iso8583/field62.js';
import { formatField63, operatorField63, parseField63 } from '../../firmware/iso8583/field63.js';

describe('F60', () => {
  it('formats and parses 60.1-60.3 and the optional 60.4/60.5', () => {
    expect(formatField60({ transactionType: '22', batchNumber: '000001', networkCode: '000' })).toBe('22000001000');
    const full = { transactionType: '22', batchNumber: '000001', networkCode: '000', terminalCapability: '5', icCondition: '0' };
    expect(formatField60(full)).toBe('2200000100050');
    expect(parseField60('2200000100050')).toEqual(full);
    expect(parseField60('000000010035')).toEqual({ transactionType: '00', batchNumber: '000001', networkCode: '003', terminalCapability: '5' });
  });
  it('rejects bad parts', () => {
    expect(() => formatField60({ transactionType: '2', batchNumber: '000001', networkCode: '000' })).toThrow(/60.1/);
    expect(() => formatField60({ transactionType: '22', batchNumber: '000001', networkCode: '000', icCondition: '0' })).toThrow(/needs 60.4/);
    expect(() => parseField60('2200')).toThrow(/11 to 14 or 17 digits/);
    expect(() => formatField60({ transactionType: '22', batchNumber: '000001', networkCode: '000', terminalCapability: '2', partialApproval: '0' })).toThrow(/needs 60.5/);
  });
  it('60.6 and 60.7 follow 60.5 (the public MaxWoods sale dump sends 14 digits: 22 000024 000 6 0 0)', () => {
    expect(parseField60('22000024000600')).toEqual({
      transactionType: '22', batchNumber: '000024', networkCode: '000', terminalCapability: '6', icCondition: '0', partialApproval: '0',
    });
    const seven = { transactionType: '22', batchNumber: '000001', networkCode: '000', terminalCapability: '2', icCondition: '0', partialApproval: '0', accountType: '000' };
    expect(parseField60(formatField60(seven))).toEqual(seven);
  });
});

describe('F61', () => {
  it('formats and parses batch + trace (+ date)', () => {
    expect(formatField61({ originalBatch: '000001', originalTrace: '000123' })).toBe('000001000123');
    expect(parseField61('0000010001231122')).toEqual({ originalBatch: '000001', originalTrace: '000123', originalDate: '1122' });
  });
  it('rejects bad parts', () => {
    expect(() => formatField61({ originalBatch: '1', originalTrace: '000123' })).toThrow(/61.1/);
    expect(() => parseField61('00000100012')).toThrow(/12 or 16 digits/);
  });
});

describe('F62 key exchange layout', () => {
  const slot = (fill: number, size: number) => ({ encryptedKey: new Uint8Array(size).fill(fill), checkValue: new Uint8Array(4).fill(fill + 1) });
  it.each([
    [24, { pik: slot(1, 8), mak: slot(3, 8) }],
    [40, { pik: slot(1, 16), mak: slot(3, 16) }],
    [60, { pik: slot(1, 16), mak: slot(3, 16), tdk: slot(5, 16) }],
  ])('joins and splits the %i-byte layout', (length, slots) => {
    const joined = joinKeyExchangeField(slots);
    expect(joined.length).toBe(length);
    expect(splitKeyExchangeField(joined)).toEqual(slots);
  });
  it('rejects other lengths and mixed slot sizes', () => {
    expect(() => splitKeyExchangeField(new Uint8Array(39))).toThrow(/24, 40 or 60 bytes/);
    expect(() => joinKeyExchangeField({ pik: slot(1, 16), mak: slot(3, 8) })).toThrow(/key slots/);
  });
});

describe('F63', () => {
  it('formats the operator number and parses the organisation code', () => {
    expect(operatorField63('01')).toBe('01 ');
    expect(parseField63('CUP')).toEqual({ code: 'CUP' });
    expect(parseField63('CUPbank name')).toEqual({ code: 'CUP', rest: 'bank name' });
    expect(formatField63({ code: 'CUP', rest: 'x' })).toBe('CUPx');
  });
  it('rejects bad input', () => {
    expect(() => operatorField63('1')).toThrow(/2 digits/);
    expect(() => parseField63('CU')).toThrow(/at least/);
  });
});
