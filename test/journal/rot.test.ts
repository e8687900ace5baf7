import { describe, expect, it } from 'vitest';
import { runRotSweep } from '../../tools/powerloss/journal-rot-run.js';

/**
 * A bounded sample of `npm run rot:journal`: a wrapped 64 KiB image holding owed reversals of every
 * reason, one carried forward by GC, an approved-unprinted sale and a request in flight; every
 * 40th header/retire bit, random bits, bytes, program units and pages. Before format v2 a single
 * flipped header bit dropped the whole sector with no report (issue 10).
 */
describe('journal bit rot (bounded sample)', () => {
  it('no mutant loses, changes or brings back a transaction without a report, or rolls a counter back', async () => {
    const result = await runRotSweep({
      geometry: { size: 64 * 1024, sectorSize: 4096, programUnit: 16 },
      seed: 7,
      transactions: 300,
      randomBits: 150,
      randomBytes: 60,
      units: 60,
      pages: 60,
      headerStride: 40,
    });
    expect(result.examples).toEqual([]);
    expect(result.silentLosses + result.stanRollbacks + result.crashes + result.hangs).toBe(0);
    expect(result.mutants).toBeGreaterThan(500);
    expect(result.reported).toBeGreaterThan(result.mutants / 4);
  }, 300_000);
});
