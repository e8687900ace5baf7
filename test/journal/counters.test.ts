import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { expectRemountOf } from './remount-view.js';
import { TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/** The counters: raised only forward, batch numbers across settlement, and what a remount moves. */
function device(): SimulatedNorFlash {
  return new SimulatedNorFlash({ size: 8 * 4096, sectorSize: 4096, programUnit: 16, seed: 3 });
}
const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };

describe('journal counters', () => {
  it('raiseCounter never moves a counter back, and raising it to its value writes nothing', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.raiseCounter('voucher', 5);
    const programs = flash.counters().programs;
    // Sign-in raises the batch to the host's number every time; an unchanged one costs no flash.
    await journal.raiseCounter('voucher', 5);
    await journal.raiseCounter('voucher', 3);
    expect(flash.counters().programs).toBe(programs);
    expect(journal.view().counters.voucher).toBe(5);
    expect(await journal.takeCounter('voucher')).toBe(6);
  });

  it('settling an older batch leaves a batch number the host moved ahead where it is', async () => {
    const journal = await openJournal(device(), options);
    await journal.begin(sale(1, { batchNo: 3 }));
    await journal.raiseCounter('batch', 7);
    await journal.settle(3);
    expect(journal.view().counters.batch).toBe(7);
    await journal.settle(7);
    expect(journal.view().counters.batch).toBe(8);
  });

  it('a remount moves the STAN past every STAN in the journal, not past the voucher numbers', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    // STANs far above their voucher numbers, as after a lost STAN counter record.
    await journal.begin(sale(60, { voucherNo: 1 }));
    await journal.begin(sale(70, { voucherNo: 2 }));
    const again = await openJournal(flash, options);
    expectRemountOf(again.view(), journal.view());
    const stan = await again.takeCounter('stan');
    expect(stan).toBeGreaterThan(70);
    await again.begin(sale(stan, { voucherNo: await again.takeCounter('voucher') }));
  });

  it('health() names the counters a remount moved, with their old values', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    expect(journal.health().countersAdvanced).toEqual({});
    await journal.raiseCounter('stan', 40);
    await journal.raiseCounter('voucher', 9);
    const again = await openJournal(flash, options);
    expect(again.health()).toEqual({ findings: [], countersAdvanced: { stan: 40, voucher: 9 } });
    expect(again.view().counters.stan).toBeGreaterThan(40);
  });
});
