import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { flipBit } from './image-rot.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/** 8 sectors of 2 KiB: small enough that a few dozen sales fill three sectors. */
export const ORPHAN_GEOMETRY = { size: 8 * 2048, sectorSize: 2048, programUnit: 16 };

/**
 * A journal image whose sector 1 is an orphan: sales (settled every 8) until sector 2 holds
 * frames, then one flipped bit in each of sector 1's header copies (copy B starts one program unit
 * in), so the mount finds its records by their frames alone. Returns the flash and the next batch
 * and STAN to use.
 */
export async function imageWithOrphanSectorOne(seed: number): Promise<{ flash: SimulatedNorFlash; batchNo: number; lastStan: number }> {
  const flash = new SimulatedNorFlash({ ...ORPHAN_GEOMETRY, seed });
  const journal = await openJournal(flash, { deviceKey: TEST_KEY, randomBytes: seededIvs() });
  let batchNo = 1;
  let stan = 0;
  while (!scanImage(flash.snapshot().image, flash.geometry).frames.some((f) => f.sector === 2)) {
    stan++;
    await journal.begin(sale(stan, { batchNo }));
    await journal.approve(stan, APPROVAL);
    await journal.printed(stan);
    if (stan % 8 === 0) await journal.settle(batchNo++);
  }
  flipBit(flash, ORPHAN_GEOMETRY.sectorSize + 5);
  flipBit(flash, ORPHAN_GEOMETRY.sectorSize + ORPHAN_GEOMETRY.programUnit + 5);
  return { flash, batchNo, lastStan: stan };
}
