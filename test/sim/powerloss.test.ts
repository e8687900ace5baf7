import { describe, expect, it } from 'vitest';
import { runDay } from './harness/day-run.js';
import { cutPoints, runsOf, sweepDay } from './harness/powerloss-sweep.js';
import { tradingDay } from './harness/trading-day.js';

describe('power-loss sweep over the scripted trading day (bounded: every 13th cut point)', () => {
  it('the clean day does what the script says: sales, declines, a void, a refund, a pre-auth and its completion, settlement', async () => {
    const day = tradingDay();
    const clean = await runDay(day, { seed: 1 });
    expect(clean.verdict).toEqual({
      oneSided: [], lostApprovals: [], wrongReversals: [], stanReuse: [], manual: 0, unknownRefunds: 0, manualUnlisted: [], receiptsWithoutDebit: [],
      approvalsWithoutReceipt: [], settlementMismatches: [], unnecessaryManual: [], reversalsSkipped: [],
    });
    expect(clean.cuts).toBe(0);
    expect(day.filter((e) => e.action.do === 'sale')).toHaveLength(35);
    // Five sales decline (51, 54, 41, 43, 61) and the blip sale is reversed; everything else is approved.
    expect(clean.approved).toEqual({ sale: 29, void: 1, refund: 1, preauth: 1, completion: 1 });
    expect(cutPoints(clean.spans).length).toBeGreaterThan(1500);
    // Cuts as a print job starts, and cuts while recovering from a message cut, are in the sweep.
    expect(cutPoints(clean.spans).filter((p) => 'printJob' in p.cut).length).toBeGreaterThan(40);
    expect(cutPoints(clean.spans).filter((p) => p.cutInRecovery).length).toBeGreaterThan(600);
  });

  it('no 单边帐, no lost approval, no wrong reversal, no STAN reuse after cuts at flash operations and message boundaries', async () => {
    const result = await sweepDay(tradingDay(), { seed: 1, zones: 6, stride: 13 });
    if (result.failure) console.log(result.failure);
    expect(result.failure).toBeUndefined();
    expect(result.planned).toBeGreaterThan(120);
    // A cut only misses when an earlier cut of the run changed the day (e.g. reversed the sale a void needed).
    expect(result.cuts).toBeGreaterThanOrEqual(Math.floor(result.planned * 0.9));
    expect({ oneSided: result.oneSided, lostApprovals: result.lostApprovals, wrongReversals: result.wrongReversals, stanReuse: result.stanReuse, manualUnlisted: result.manualUnlisted, receiptsWithoutDebit: result.receiptsWithoutDebit, errors: result.errors, approvalsWithoutReceipt: result.approvalsWithoutReceipt, settlementMismatches: result.settlementMismatches, unnecessaryManual: result.unnecessaryManual, manual: result.manual })
      .toEqual({ oneSided: 0, lostApprovals: 0, wrongReversals: 0, stanReuse: 0, manualUnlisted: 0, receiptsWithoutDebit: 0, errors: 0, approvalsWithoutReceipt: 0, settlementMismatches: 0, unnecessaryManual: 0, manual: 0 });
  });

  it('deals cut points into runs of one cut per zone, far apart, covering every point once', () => {
    const points = cutPoints([{ flashOps: 2, requests: 1, printJobs: 1 }, { flashOps: 0, requests: 0, printJobs: 0 }, { flashOps: 1, requests: 1, printJobs: 0 }, { flashOps: 1, requests: 0, printJobs: 0 }]);
    // 2 ops x 4 modes + 3 boundaries x (alone + 6 cuts in the recovery) + 1 print job, then 4 + 21, then 4.
    expect(points).toHaveLength(59);
    expect(points.filter((p) => p.cutInRecovery)).toHaveLength(36);
    expect(points.filter((p) => 'printJob' in p.cut)).toHaveLength(1);
    const runs = runsOf(points, 4, 2);
    expect(runs.flat()).toHaveLength(59);
    for (const run of runs) expect(run.length).toBeLessThanOrEqual(2);
    for (const run of runs.filter((r) => r.length === 2)) expect(run[1]!.event).toBeGreaterThanOrEqual(2);
  });
});
