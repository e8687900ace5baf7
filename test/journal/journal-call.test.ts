import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { invokeJournal, type JournalCall } from '../../firmware/journal/journal-call.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { TEST_KEY, seededIvs } from './sample-transactions.js';

/**
 * invokeJournal is how the engine's durable steps and the power-loss sweeps' workloads reach the
 * journal, housekeeping included: the sweeps cut inside it only if the call really does the work.
 */
describe('journal calls as data', () => {
  it("a housekeep call does the idle flash work: with one before each call, every STAN taken is one program and one sync, past a sector change", async () => {
    const flash = new SimulatedNorFlash({ size: 6 * 2048, sectorSize: 2048, programUnit: 16, seed: 1 });
    const journal = await openJournal(flash, { deviceKey: TEST_KEY, randomBytes: seededIvs() });
    const take: JournalCall = { method: 'takeCounter', name: 'stan' };
    expect(await invokeJournal(journal, take)).toBe(1);
    let idleWork = 0;
    // 150 counter records of 32 bytes fill more than one 2 KiB sector.
    for (let stan = 2; stan <= 150; stan++) {
      const idle = flash.counters();
      expect(await invokeJournal(journal, { method: 'housekeep' })).toBeUndefined();
      const before = flash.counters();
      if (before.programs > idle.programs) idleWork++;
      expect(await invokeJournal(journal, take)).toBe(stan);
      const after = flash.counters();
      expect([after.programs - before.programs, after.syncs - before.syncs, after.erases - before.erases]).toEqual([1, 1, 0]);
    }
    expect(idleWork).toBeGreaterThan(0);
  });
});
