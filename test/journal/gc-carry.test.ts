import { describe, expect, it } from 'vitest';
import { runRandomCuts } from '../../tools/powerloss/journal-sweep-run.js';
import { generatedDay } from '../../tools/powerloss/journal-workload.js';
import { iterationsFor } from '../mutation-budget.js';

const CUTS = iterationsFor(40);

/**
 * GC carrying owed reversals forward past settle records (issue 10, "a settled transaction comes
 * back"). Seed 2 on 64 KiB made a fresh mount disagree with the live journal before the status
 * tombstones (FORMAT.md, "Removal"): a reversed-and-settled sale whose acked record sat in a sector
 * older than the GC copies of its begin came back as reversal-pending.
 */
describe('GC copies past settle records', () => {
  for (const seed of [2, 5]) {
    it(`a generated day with reversals owed across settlements: live and fresh mount agree with the oracle (seed ${seed})`, async () => {
      const steps = generatedDay({ seed, transactions: 900, maxOwedTransactions: 800 });
      const geometry = { size: 16 * 4096, sectorSize: 4096, programUnit: 16 };
      const result = await runRandomCuts({ geometry, transactions: 0, seed, cuts: CUTS, steps });
      expect(result.violations).toEqual([]);
      expect(result.gcCopies).toBeGreaterThan(100);
      expect(result.cuts).toBeGreaterThanOrEqual(CUTS / 2);
    });
  }

  it("echo tests between sales wrap the ring over the batch's approved sales: GC carries their printed records, and mounts keep them", async () => {
    // Each echo test takes a STAN (a counter record, garbage capacity() does not count), so the
    // ring laps before the journal is full. A 'printed' record GC failed to carry would read as
    // unprinted at the next mount, and a mount after a cut would differ from the oracle.
    const seed = 20261130;
    const steps = generatedDay({ seed, transactions: 40, maxOwedTransactions: 200, maxEchoTests: 100 });
    const result = await runRandomCuts({ geometry: { size: 16 * 1024, sectorSize: 2048, programUnit: 16 }, transactions: 0, seed, cuts: 100, steps });
    expect(result.violations).toEqual([]);
    expect(result.gcPrintedCopies).toBeGreaterThan(0);
  });
});
