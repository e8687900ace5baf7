/**
 * Issue 11, point 7, in the whole-day harness against the strict-cup host: a refund whose response
 * never comes was applied at the issuer; the terminal records it as unknown, prints the
 * 交易结果未知 slip and lists it on the settlement report, and the oracle counts it apart from failed reversals, as an unknown refund (a
 * person checks it with the acquirer), not as a silent 单边帐.
 */
import { describe, expect, it } from 'vitest';
import type { PrintJob } from '../../firmware/drivers/printer/print-job.js';
import { runDay, type DayEvent } from './harness/day-run.js';
import type { SimTerminal } from './harness/sim-terminal.js';

const DAY: DayEvent[] = [
  { action: { do: 'sign-in' } },
  { action: { do: 'sale', amountFen: 5_505, card: 2 } },
  { action: { do: 'refund', ofAmount: 5_505, amountFen: 2_000 }, faults: ['drop'] },
  { action: { do: 'settle' } },
];

describe('a refund whose outcome is unknown, over a whole day', () => {
  it('is applied at the issuer, printed on its own slip and the settlement report, and counted as an unknown refund (manual handling, not a failed reversal)', async () => {
    let term: SimTerminal | undefined;
    const result = await runDay(DAY, { seed: 9, inspect: (t) => (term = t) });
    const printed = (term!.printer as unknown as { printed: PrintJob[] }).printed;
    expect(printed.filter((j) => j.kind === 'outcome-unknown')).toEqual([expect.objectContaining({ amountFen: 2_000 })]);
    const report = printed.filter((j) => j.kind === 'settlement').at(-1);
    expect(report).toMatchObject({ unknownOutcomes: [expect.objectContaining({ amountFen: 2_000 })] });
    expect(result.verdict).toMatchObject({ oneSided: [], lostApprovals: [], wrongReversals: [], manual: 0, unknownRefunds: 1, manualUnlisted: [] });
  });
});
