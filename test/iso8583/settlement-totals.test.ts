import { describe, expect, it } from 'vitest';
import {
  cardOrigin,
  computeTotals,
  emptyTotals,
  formatSettlementField48,
  parseSettlementField48,
  SettlementFieldError,
  totalsEqual,
  type SettledTransaction,
} from '../../firmware/iso8583/settlement-totals.js';
import { thrown } from './thrown.js';

const t = (type: SettledTransaction['type'], amountFen: number, extra: Partial<SettledTransaction> = {}): SettledTransaction => ({
  type,
  amountFen,
  origin: 'domestic',
  voided: false,
  reversed: false,
  ...extra,
});

describe('settlement totals', () => {
  it('classifies card origin by scheme BIN', () => {
    expect(cardOrigin('6217000000000000012')).toBe('domestic');
    expect(cardOrigin('4111110000000013')).toBe('foreign');
    expect(cardOrigin('5522330000000025')).toBe('foreign');
  });

  it('counts sales and completions as debits, refunds as credits, skips voided, reversed and holds', () => {
    const totals = computeTotals([
      t('sale', 8800),
      t('sale', 100, { voided: true }),
      t('void', 100),
      t('sale', 500, { reversed: true }),
      t('completion', 1200),
      t('preauth', 5000),
      t('refund', 300),
      t('sale', 700, { origin: 'foreign' }),
    ]);
    expect(totals.domestic).toEqual({ debitFen: 10000, debitCount: 2, creditFen: 300, creditCount: 1 });
    expect(totals.foreign).toEqual({ debitFen: 700, debitCount: 1, creditFen: 0, creditCount: 0 });
  });

  it('formats 62 digits and parses them back', () => {
    const totals = computeTotals([t('sale', 8800), t('refund', 300, { origin: 'foreign' })]);
    const f48 = formatSettlementField48(totals, '1', '2');
    expect(f48).toBe('000000008800001000000000000000' + '1' + '000000000000000000000000300001' + '2');
    const back = parseSettlementField48(f48);
    expect(totalsEqual(back.totals, totals)).toBe(true);
    expect([back.domesticCode, back.foreignCode]).toEqual(['1', '2']);
  });

  it('refuses short fields, bad codes and totals that do not fit', () => {
    expect(() => parseSettlementField48('123')).toThrow(SettlementFieldError);
    expect(() => parseSettlementField48('0'.repeat(30) + '7' + '0'.repeat(31))).toThrow(/reconciliation code/);
    const big = emptyTotals();
    big.domestic.debitCount = 1000;
    expect(() => formatSettlementField48(big)).toThrow(/does not fit n3/);
  });
});

describe('settlement totals: each part counts', () => {
  const side = { debitFen: 8800, debitCount: 1, creditFen: 300, creditCount: 1 };
  const totals = (domestic = side, foreign = side) => ({ domestic: { ...domestic }, foreign: { ...foreign } });

  it('card origin: only the BIN prefix decides (UnionPay 62 with 3, 4, 5 or 22-27 further on is still 内卡)', () => {
    expect(cardOrigin('6212345678901234567')).toBe('domestic');
    expect(cardOrigin('6222021234567890123')).toBe('domestic');
    expect(cardOrigin('2221000000000009')).toBe('foreign'); // Mastercard 2-series
    expect(cardOrigin('2720990000000007')).toBe('foreign');
    expect(cardOrigin('2100000000000000')).toBe('domestic');
    expect(cardOrigin('2800000000000000')).toBe('domestic');
    expect(cardOrigin('3530111333300000')).toBe('foreign'); // JCB
  });

  it('totalsEqual compares all four figures of both sides', () => {
    expect(totalsEqual(totals(), totals())).toBe(true);
    expect(totalsEqual(totals(), totals(side, { ...side, creditCount: 2 }))).toBe(false);
    expect(totalsEqual(totals(), totals({ ...side, debitFen: 8801 }))).toBe(false);
    for (const key of ['debitFen', 'debitCount', 'creditFen', 'creditCount'] as const) {
      expect(totalsEqual(totals(), totals({ ...side, [key]: side[key] + 1 })), key).toBe(false);
      expect(totalsEqual(totals(), totals(side, { ...side, [key]: side[key] + 1 })), key).toBe(false);
    }
  });

  it('an amount or count that does not fit names the side and the figure', () => {
    const cases = [
      ['domestic', 'debitFen', 10 ** 12, 'domestic debit amount 1000000000000 does not fit n12'],
      ['domestic', 'debitCount', 1000, 'domestic debit count 1000 does not fit n3'],
      ['foreign', 'creditFen', 10 ** 12, 'foreign credit amount 1000000000000 does not fit n12'],
      ['foreign', 'creditCount', 1000, 'foreign credit count 1000 does not fit n3'],
      ['foreign', 'debitCount', -1, 'foreign debit count -1 does not fit n3'],
      ['domestic', 'creditFen', 1.5, 'domestic credit amount 1.5 does not fit n12'],
      ['domestic', 'debitFen', Number.NaN, 'domestic debit amount NaN does not fit n12'],
    ] as const;
    for (const [origin, key, value, message] of cases) {
      const t = totals();
      t[origin][key] = value;
      expect(() => formatSettlementField48(t)).toThrow(new SettlementFieldError(message));
    }
    const largest = totals({ debitFen: 10 ** 12 - 1, debitCount: 999, creditFen: 0, creditCount: 0 });
    expect(formatSettlementField48(largest).slice(0, 31)).toBe('999999999999' + '999' + '000000000000' + '000' + '0');
  });

  it('parse refuses fewer than 62 leading digits with the start of what it got, and names the side of a bad code', () => {
    const error = (f48: string): SettlementFieldError => thrown(SettlementFieldError, () => parseSettlementField48(f48));
    expect(error('0'.repeat(61)).message).toBe(`settlement F48: expected at least 62 digits, got "${'0'.repeat(61)}"`);
    expect(error('x' + '0'.repeat(62)).message).toBe(`settlement F48: expected at least 62 digits, got "x${'0'.repeat(62)}"`);
    expect(error('0'.repeat(30) + 'x' + '0'.repeat(40)).message).toContain('expected at least 62 digits');
    expect(error('9'.repeat(100)).name).toBe('SettlementFieldError');
    expect(error('A'.repeat(100)).message).toBe(`settlement F48: expected at least 62 digits, got "${'A'.repeat(70)}"`);
    expect(error('0'.repeat(30) + '7' + '0'.repeat(31)).message).toBe('settlement F48: domestic reconciliation code "7" is not 0-3');
    expect(error('0'.repeat(61) + '4').message).toBe('settlement F48: foreign reconciliation code "4" is not 0-3');
    // Digits beyond the 62nd (a host's extra data) are ignored.
    expect(parseSettlementField48('0'.repeat(30) + '1' + '0'.repeat(30) + '2' + '123').foreignCode).toBe('2');
  });
});
