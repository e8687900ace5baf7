import { describe, expect, it } from 'vitest';
import { IssuerLedger, type PostInput } from '../../tools/host-sim/issuer-ledger.js';

const PAN = '6217000000000000012';
const base = (over: Partial<PostInput>): PostInput => ({
  pan: PAN,
  effect: 'debit',
  operation: 'sale',
  amountFen: 8800,
  terminalId: '10000159',
  merchantId: '880210010210160',
  batch: '000001',
  stan: '000001',
  rrn: '000000000001',
  authCode: '123456',
  ...over,
});

describe('issuer ledger', () => {
  it('moves balances and holds and undoes them on reversal, once', () => {
    const l = new IssuerLedger();
    l.openAccount(PAN, 10000);
    const sale = l.post(base({}));
    l.post(base({ effect: 'hold', operation: 'preauth', amountFen: 1000, stan: '000002' }));
    expect([l.balanceFen(PAN), l.heldFen(PAN), l.availableFen(PAN)]).toEqual([1200, 1000, 200]);
    l.reverse(sale);
    l.reverse(sale);
    expect(l.balanceFen(PAN)).toBe(10000);
    expect(sale.reversed).toBe(true);
    expect(sale.maskedPan).toBe('621700*********0012');
    expect(JSON.stringify(l.entries())).not.toContain(PAN);
  });

  it('lists standing debits and finds one-sided entries against the terminal', () => {
    const l = new IssuerLedger();
    l.openAccount(PAN, 100000);
    l.post(base({ stan: '000001' }));
    const reversed = l.post(base({ stan: '000002' }));
    l.reverse(reversed);
    l.post(base({ stan: '000003' }));
    l.post(base({ stan: '000009', terminalId: '10000160' }));
    expect(l.standingDebits('10000159').map((e) => e.stan)).toEqual(['000001', '000003']);
    const report = l.reconcileWithTerminal('10000159', [
      { batch: '000001', stan: '000001' },
      { batch: '000001', stan: '000004' },
    ]);
    expect(report.oneSided.map((e) => e.stan)).toEqual(['000003']);
    expect(report.missingAtIssuer).toEqual([{ batch: '000001', stan: '000004' }]);
  });

  it('refuses unknown accounts and bad amounts', () => {
    const l = new IssuerLedger();
    expect(() => l.balanceFen(PAN)).toThrow(/no account 621700\*+0012/);
    l.openAccount(PAN, 1);
    expect(() => l.post(base({ amountFen: -5 }))).toThrow(/bad amount/);
  });
});
