import { describe, expect, it } from 'vitest';
import { SIM_FAULT_KINDS } from './harness/sim-host.js';
import { runDay } from './harness/day-run.js';
import { missedFloors, randomDay, soak, SOAK_JOURNAL } from './harness/soak.js';
import type { SimTerminal } from './harness/sim-terminal.js';

describe('soak (bounded): random days with host faults and power cuts', () => {
  // About 35 s of CPU with the idle terminal's echo tests (98 s wall at load 9 on 2 cores): its own limit.
  it('400 transactions: every fault kind, over 20% of requests faulted, cuts, and nothing one-sided', async () => {
    const result = await soak(3, 400);
    if (result.failure) console.log(result.failure);
    expect(result.failure).toBeUndefined();
    expect(result.transactions).toBe(400);
    expect(result.faults / result.requests).toBeGreaterThanOrEqual(0.2);
    for (const kind of SIM_FAULT_KINDS) expect(result.faultsByKind[kind], kind).toBeGreaterThan(0);
    // Every floor, GC copies too: the idle terminal's echo tests wrap the ring over the open batch.
    expect(missedFloors(result, 400)).toEqual([]);
    expect(result.cuts).toBeGreaterThan(3);
    expect({ oneSided: result.oneSided, lostApprovals: result.lostApprovals, wrongReversals: result.wrongReversals, stanReuse: result.stanReuse, manualUnlisted: result.manualUnlisted, receiptsWithoutDebit: result.receiptsWithoutDebit, errors: result.errors, approvalsWithoutReceipt: result.approvalsWithoutReceipt, settlementMismatches: result.settlementMismatches, unnecessaryManual: result.unnecessaryManual })
      .toEqual({ oneSided: 0, lostApprovals: 0, wrongReversals: 0, stanReuse: 0, manualUnlisted: 0, receiptsWithoutDebit: 0, errors: 0, approvalsWithoutReceipt: 0, settlementMismatches: 0, unnecessaryManual: 0 });
  }, 600_000);

  it('a simulated day is deterministic: same seed, same requests, same books, same cuts', async () => {
    const day = randomDay(5, 5);
    const first = await runDay(day, { ...SOAK_JOURNAL, seed: 5 });
    const again = await runDay(day, { ...SOAK_JOURNAL, seed: 5 });
    expect(again).toEqual(first);
    expect(first.cuts + first.faults).toBeGreaterThan(0);
  });

  it('the floors: a soak that approves nothing, never fills the journal or misses a fault kind fails, and says which', () => {
    const empty = { days: 1, transactions: 1000, requests: 0, faults: 0, faultsByKind: {}, approved: {}, cuts: 0, settlementsAsked: 0, oneSided: 0, lostApprovals: 0, wrongReversals: 0, stanReuse: 0, manual: 0, unknownRefunds: 0, manualUnlisted: 0, receiptsWithoutDebit: 0, approvalsWithoutReceipt: 0, settlementMismatches: 0, unnecessaryManual: 0, reversalsSkipped: 0, gcCopies: 0, errors: 0 };
    const missed = missedFloors(empty, 1000);
    expect(missed).toContain('approvals=0 < 300');
    expect(missed).toContain('journal_full=0 < 10');
    expect(missed).toContain('gc_copies=0 < 50');
    expect(missed).toContain('fault reversal-96=0 < 5');
    expect(missed).toHaveLength(3 + SIM_FAULT_KINDS.length);
  });

  it('a day is the same for the same seed and different for another', () => {
    expect(randomDay(11, 30)).toEqual(randomDay(11, 30));
    expect(randomDay(11, 30)).not.toEqual(randomDay(12, 30));
    const day = randomDay(11, 30);
    expect(day[0]!.action).toEqual({ do: 'sign-in' });
    expect(day.at(-1)!.action).toEqual({ do: 'settle' });
  });

  it('between customers the idle terminal sends echo tests and shifts change; power cuts and faults strike them too', () => {
    const days = Array.from({ length: 20 }, (_, d) => randomDay(100 + d, 30));
    const idle = days.flat().filter((e) => ['echo', 'sign-off'].includes(e.action.do) || (e.action.do === 'sign-in' && days.every((day) => day[0] !== e)));
    expect(idle.filter((e) => e.action.do === 'echo').length).toBeGreaterThan(20 * 30 * 10);
    expect(idle.filter((e) => e.action.do === 'sign-off').length).toBeGreaterThan(5);
    expect(idle.some((e) => e.action.do === 'echo' && e.cut !== undefined && 'request' in e.cut)).toBe(true);
    expect(idle.some((e) => e.action.do === 'sign-in' && e.cut !== undefined && 'request' in e.cut)).toBe(true);
    expect(idle.some((e) => e.action.do === 'echo' && e.faults?.[0])).toBe(true);
    const quiet = randomDay(100, 30, { maxEchoTests: 0, shiftChange: 0 });
    expect(quiet.filter((e) => ['echo', 'sign-off', 'sign-in'].includes(e.action.do))).toHaveLength(1);
  });

  it('the cashier keys echo tests and sign-off from the admin menu: each is an 0820 with its own STAN', async () => {
    let term: SimTerminal | undefined;
    const day = (['sign-in', 'echo', 'echo', 'sign-off', 'sign-in', 'echo'] as const).map((d) => ({ action: { do: d } }));
    const result = await runDay([...day, { action: { do: 'sale', amountFen: 1_234, card: 0 } }, { action: { do: 'settle' } }], { ...SOAK_JOURNAL, seed: 3, inspect: (t) => (term = t) });
    // The second sign-in goes out only because the sign-off ended the first operator's session.
    expect(term!.host.sent.map((r) => r.mti)).toEqual(['0800', '0820', '0820', '0820', '0800', '0820', '0200', '0500']);
    const stans = term!.host.sent.map((r) => r.stan);
    expect(new Set(stans).size).toBe(stans.length);
    expect(result.verdict.stanReuse).toEqual([]);
  });

  it('refuses a day of no transactions', () => {
    expect(() => randomDay(1, 0)).toThrow(/at least one transaction/);
  });
});
