import { describe, expect, it } from 'vitest';
import { runDay, type PowerCutPlan } from './harness/day-run.js';
import type { SimFault } from './harness/sim-host.js';
import type { SimTerminal } from './harness/sim-terminal.js';

/** Signs in, makes one sale with `fault` on its request (and optionally a cut), returns the world after next morning's boot. */
async function oneSale(fault: SimFault | null, cut?: PowerCutPlan, more: (SimFault | null)[] = []) {
  let term!: SimTerminal;
  const result = await runDay(
    [{ action: { do: 'sign-in' } }, { action: { do: 'sale', amountFen: 4242, card: 0 }, faults: [fault, ...more], ...(cut ? { cut } : {}) }],
    { seed: 8, inspect: (t) => (term = t) },
  );
  const sale = term.journal.view().transactions.find((tx) => tx.amountFen === 4242)!;
  const entries = term.host.ledger.entries().filter((e) => e.amountFen === 4242);
  return { result, sale, entries, sent: term.host.sent };
}

describe('in-process host: each fault kind reaches the terminal as the TCP link reports it', () => {
  it.each([
    ['drop', '98'],
    ['delay', '98'],
    ['other-stan', '98'],
    ['close-mid-response', '06'],
    ['wrong-mac', 'A0'],
  ] as const)('%s: the host applied the sale, the terminal reversed it (reason %s)', async (fault, reason) => {
    const { result, sale, entries, sent } = await oneSale(fault);
    expect(sale).toMatchObject({ status: 'reversed', reversalReason: reason });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.reversed).toBe(true);
    expect(sent.map((r) => r.mti)).toEqual(['0800', '0200', '0400']);
    expect(result.verdict.oneSided).toEqual([]);
  });

  it('lost: the request never reaches the issuer; the terminal reverses (98), the host answers 25, nothing stands', async () => {
    const { result, sale, entries, sent } = await oneSale('lost');
    expect(sale).toMatchObject({ status: 'reversed', reversalReason: '98' });
    expect(entries).toEqual([]);
    expect(sent.map((r) => [r.mti, r.reachedHost, r.deliveredCode])).toEqual([['0800', true, '00'], ['0200', false, undefined], ['0400', true, '25']]);
    expect(result.verdict).toMatchObject({ oneSided: [], lostApprovals: [], unnecessaryManual: [] });
  });

  it.each([
    ['reversal-12', ['12']],
    ['reversal-25', ['25']],
    ['reversal-96', ['96', '00']],
    ['reversal-A0', ['A0', '00']],
    ['reversal-05', ['05', '00']],
  ] as const)('%s on the 0400: 12 and 25 clear it at once, any other code is tried again (%j)', async (answer, codes) => {
    const { result, sale, entries, sent } = await oneSale('drop', undefined, [answer]);
    expect(sale.status).toBe('reversed');
    expect(entries.map((e) => e.reversed)).toEqual([true]);
    expect(sent.filter((r) => r.mti === '0400').map((r) => r.deliveredCode)).toEqual(codes);
    expect(result.verdict).toMatchObject({ oneSided: [], lostApprovals: [], wrongReversals: [], unnecessaryManual: [] });
  });

  it('duplicate: the second copy is discarded, the sale is approved once', async () => {
    const { sale, entries } = await oneSale('duplicate');
    expect(sale.status).toBe('approved');
    expect(entries.map((e) => e.reversed)).toEqual([false]);
  });

  it('garble: whatever the flipped bits hit, the books agree with the terminal', async () => {
    const { result, sale } = await oneSale('garble');
    expect(['approved', 'reversed']).toContain(sale.status);
    expect(result.verdict).toMatchObject({ oneSided: [], lostApprovals: [], wrongReversals: [] });
  });

  it('power cut with the request lost on its way: the issuer never saw it, the boot reversal gets 25 and clears it', async () => {
    const { result, sale, entries, sent } = await oneSale(null, { request: 0, at: 'request-lost' });
    expect(result.cuts).toBe(1);
    expect(sale).toMatchObject({ status: 'reversed', reversalReason: '98' });
    expect(entries).toEqual([]);
    expect(sent.filter((r) => r.mti === '0400').map((r) => r.deliveredCode)).toEqual(['25']);
    expect(result.verdict).toMatchObject({ oneSided: [], lostApprovals: [], wrongReversals: [], unnecessaryManual: [] });
  });

  it.each(['host-applied', 'response-arrived'] as const)(
    'power cut at %s: the host has the debit, the terminal reverses it at boot (98)',
    async (at) => {
      const { result, sale, entries, sent } = await oneSale(null, { request: 0, at });
      expect(result.cuts).toBe(1);
      expect(sale).toMatchObject({ status: 'reversed', reversalReason: '98' });
      expect(entries.map((e) => e.reversed)).toEqual([true]);
      expect(sent.filter((r) => r.mti === '0400')).toHaveLength(1);
    },
  );

  it('a flash cut while the approval is being written: the approval either stands (and prints) or is reversed, never half', async () => {
    const { result, sale, entries } = await oneSale(null, { flashOp: 3, mode: 'prefix' });
    expect(result.cuts).toBe(1);
    expect(sale.status === 'approved' ? entries[0]!.reversed : !entries[0]!.reversed).toBe(false);
    expect(result.verdict).toMatchObject({ oneSided: [], lostApprovals: [], wrongReversals: [] });
  });
});
