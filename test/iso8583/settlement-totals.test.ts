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
