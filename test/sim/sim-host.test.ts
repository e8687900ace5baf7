import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../../tools/host-sim/fault-plan.js';
import { runDay, type PowerCutPlan } from './harness/day-run.js';
import type { SimTerminal } from './harness/sim-terminal.js';

/** Signs in, makes one sale with `fault` on its request (and optionally a cut), returns the world after next morning's boot. */
async function oneSale(fault: FaultKind | null, cut?: PowerCutPlan) {
  let term!: SimTerminal;
  const result = await runDay(
    [{ action: { do: 'sign-in' } }, { action: { do: 'sale', amountFen: 4242, card: 0 }, faults: [fault], ...(cut ? { cut } : {}) }],
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

  it.each(['request-left', 'host-applied', 'response-arrived'] as const)(
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
