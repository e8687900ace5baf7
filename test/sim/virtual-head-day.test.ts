import { describe, expect, it } from 'vitest';
import { VirtualHeadPrinter } from '../../firmware/drivers/printer/virtual-head-printer.js';
import { runDay, type DayEvent } from './harness/day-run.js';

describe('a day on the virtual printing head (the real raster pipeline)', () => {
  it('paper runs out mid-receipt: 纸张用完, reload, the receipt again from the top; reprints are marked', async () => {
    const printers: VirtualHeadPrinter[] = [];
    const events: DayEvent[] = [
      { action: { do: 'sign-in' } },
      { action: { do: 'sale', amountFen: 1500, card: 0 } },
      { action: { do: 'paper-out', afterLines: 10 } },
      { action: { do: 'sale', amountFen: 2600, card: 1 } },
      { action: { do: 'reprint-last' } },
      { action: { do: 'settle' } },
    ];
    const result = await runDay(events, {
      seed: 6,
      printer: () => {
        const p = new VirtualHeadPrinter();
        printers.push(p);
        return p;
      },
    });
    expect(result.verdict).toEqual({
      oneSided: [], lostApprovals: [], wrongReversals: [], stanReuse: [], manual: 0, unknownRefunds: 0, manualUnlisted: [], receiptsWithoutDebit: [],
      approvalsWithoutReceipt: [], settlementMismatches: [], unnecessaryManual: [], reversalsSkipped: [],
    });
    const jobs = printers[0]!.jobs;
    const torn = jobs.findIndex((j) => !j.outcome.ok);
    expect(jobs[torn]!.outcome).toEqual({ ok: false, reason: 'paper-out', linesPrinted: 10 });
    // The very next job is the same receipt, whole.
    expect(jobs[torn + 1]!.job).toEqual(jobs[torn]!.job);
    expect(jobs[torn + 1]!.outcome).toEqual({ ok: true });
    expect(jobs[torn + 1]!.lines.slice(0, 10)).toEqual(jobs[torn]!.lines);
    const reprints = jobs.filter((j) => j.job.kind === 'transaction' && j.job.reprint);
    expect(reprints.length).toBeGreaterThan(0);
    expect(reprints[0]!.lines.join('\n')).toMatch(/重打印|REPRINT/);
    expect(jobs.at(-1)!.job.kind).toBe('settlement');
    expect(printers[0]!.toPng().length).toBeGreaterThan(1000);
  });
});
