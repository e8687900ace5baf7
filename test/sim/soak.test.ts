import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../tools/host-sim/fault-plan.js';
import { runDay } from './harness/day-run.js';
import { randomDay, soak } from './harness/soak.js';

describe('soak (bounded): random days with host faults and power cuts', () => {
  it('400 transactions: every fault kind, over 20% of requests faulted, cuts, and nothing one-sided', async () => {
    const result = await soak(3, 400);
    if (result.failure) console.log(result.failure);
    expect(result.failure).toBeUndefined();
    expect(result.transactions).toBe(400);
    expect(result.faults / result.requests).toBeGreaterThanOrEqual(0.2);
    for (const kind of FAULT_KINDS) expect(result.faultsByKind[kind], kind).toBeGreaterThan(0);
    expect(result.cuts).toBeGreaterThan(3);
    expect({ oneSided: result.oneSided, lostApprovals: result.lostApprovals, wrongReversals: result.wrongReversals, stanReuse: result.stanReuse, manualUnlisted: result.manualUnlisted, receiptsWithoutDebit: result.receiptsWithoutDebit, errors: result.errors })
      .toEqual({ oneSided: 0, lostApprovals: 0, wrongReversals: 0, stanReuse: 0, manualUnlisted: 0, receiptsWithoutDebit: 0, errors: 0 });
  });

  it('a simulated day is deterministic: same seed, same requests, same books, same cuts', async () => {
    const day = randomDay(5, 25);
    const first = await runDay(day, { seed: 5 });
    const again = await runDay(day, { seed: 5 });
    expect(again).toEqual(first);
    expect(first.cuts + first.faults).toBeGreaterThan(0);
  });

  it('a day is the same for the same seed and different for another', () => {
    expect(randomDay(11, 30)).toEqual(randomDay(11, 30));
    expect(randomDay(11, 30)).not.toEqual(randomDay(12, 30));
    const day = randomDay(11, 30);
    expect(day[0]!.action).toEqual({ do: 'sign-in' });
    expect(day.at(-1)!.action).toEqual({ do: 'settle' });
  });

  it('refuses a day of no transactions', () => {
    expect(() => randomDay(1, 0)).toThrow(/at least one transaction/);
  });
});
