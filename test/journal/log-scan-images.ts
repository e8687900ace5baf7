import { expect } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/** Journal images for the mount-scan tests (log-scan-*.test.ts): 8 sectors of 2 KiB, 16-byte units. */
export const SECTOR = 2048;
export const UNIT = 16;
export const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };

export function device(programUnit = UNIT): SimulatedNorFlash {
  return new SimulatedNorFlash({ size: 8 * SECTOR, sectorSize: SECTOR, programUnit, seed: 3 });
}

/** A sale approved and printed: begin (6 units), approve (3 units), printed (1 unit). */
export async function sell(journal: FlashJournal, stan: number): Promise<void> {
  await journal.begin(sale(stan));
  await journal.approve(stan, APPROVAL);
  await journal.printed(stan);
}

/** A journal holding printed sales 1, 2 and 3, all in sector 0 (the first sector the ring opens). */
export async function threeSales(): Promise<{ flash: SimulatedNorFlash; journal: FlashJournal; stans: number[] }> {
  const flash = device();
  const journal = await openJournal(flash, options);
  for (const stan of [1, 2, 3]) await sell(journal, stan);
  expect(new Set(scanImage(flash.snapshot().image, flash.geometry).frames.map((f) => f.sector))).toEqual(new Set([0]));
  return { flash, journal, stans: [1, 2, 3] };
}

/**
 * Sales from STAN 1 on until sector `index` holds a frame, batch 1 settled after every
 * `settleEvery` sales (unsettled sales fill the journal before its third sector); returns the next STAN.
 */
export async function sellUntilSector(flash: SimulatedNorFlash, journal: FlashJournal, index: number, settleEvery = Infinity): Promise<number> {
  let stan = 1;
  while (!scanImage(flash.snapshot().image, flash.geometry).frames.some((f) => f.sector === index)) {
    await sell(journal, stan);
    if (stan++ % settleEvery === 0) await journal.settle(1);
  }
  return stan;
}

export const printedStans = (journal: FlashJournal): number[] =>
  journal.view().transactions.filter((t) => t.status === 'approved' && t.printed).map((t) => t.stan);
