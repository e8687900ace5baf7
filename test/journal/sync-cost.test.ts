import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/**
 * Each sync is a flush of the device, the bulk of a commit's time. The ring syncs where an order on
 * flash matters and nowhere else (log-ring.ts): an append is one sync, and a sector change (the
 * tail's retire mark and the next sector's header share a sync; the tail's erase rides on the
 * record's) adds exactly one.
 */
describe('journal syncs', () => {
  it('at steady state: one sync per call, plus one per sector change', async () => {
    const flash = new SimulatedNorFlash({ size: 64 * 1024, sectorSize: 4096, programUnit: 16, seed: 1 });
    const journal = await openJournal(flash, { deviceKey: TEST_KEY, randomBytes: seededIvs() });
    let stan = 0;
    let batch = 1;
    let calls = 0;
    const sell = async (): Promise<void> => {
      if (journal.capacity().transactionsLeft === 0) {
        await journal.settle(batch++);
        calls++;
      }
      stan++;
      await journal.begin(sale(stan, { batchNo: batch }));
      await journal.approve(stan, APPROVAL);
      await journal.printed(stan);
      calls += 3;
    };
    while (flash.counters().eraseCountPerSector.some((n) => n === 0)) await sell();
    const before = flash.counters();
    const copiesBefore = journal.gcCopies();
    calls = 0;
    for (let i = 0; i < 600; i++) await sell();
    const after = flash.counters();
    const sectorChanges = after.erases - before.erases;
    expect(sectorChanges).toBeGreaterThan(20);
    expect(journal.gcCopies()).toBe(copiesBefore);
    expect(after.syncs - before.syncs).toBe(calls + sectorChanges);
  });
});
