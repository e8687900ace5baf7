import { describe, expect, it } from 'vitest';
import { PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { SimulatedNorFlash, type CutMode, type NorSnapshot } from '../../firmware/drivers/flash/simulated-nor.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { retireSlotOffset } from '../../firmware/journal/sector-header.js';
import { flipBit } from './image-rot.js';
import { device, options, SECTOR, sell, UNIT } from './log-scan-images.js';
import { APPROVAL, sale } from './sample-transactions.js';

/**
 * A start retire slot spoiled by rot (one bit) leaves the sector in the log, and when GC collects
 * it, it marks the other start slot (FORMAT.md, "Bit rot": "GC uses slot 2"); a spoiled slot is never
 * programmed again. The marks are what keeps a cut during the sector's erase from bringing its
 * records back: an unmarked erase torn part-way leaves frames with no header (an orphan).
 */
type Step = (journal: FlashJournal) => Promise<unknown>;

function steps(): Step[] {
  const list: Step[] = [];
  for (let stan = 2; stan < 200; stan++) {
    list.push((j) => j.begin(sale(stan)), (j) => j.approve(stan, APPROVAL), (j) => j.printed(stan));
    if (stan % 8 === 0) list.push((j) => j.settle(1));
  }
  return list;
}

/**
 * Sector 0 holds a sale, then its start retire slots `slots` are spoiled; sales follow until a step
 * erases sector 0 (GC collected it). Returns the image before that step and which of its
 * operations is the erase.
 */
async function beforeSector0IsErased(...slots: (0 | 1)[]): Promise<{ image: NorSnapshot; step: Step; eraseOp: number }> {
  const flash = device();
  await sell(await openJournal(flash, options), 1);
  for (const slot of slots) flipBit(flash, retireSlotOffset(UNIT, slot, SECTOR));
  const journal = await openJournal(flash, options);
  expect(journal.health().findings).toEqual([]);
  expect(scanImage(flash.snapshot().image, flash.geometry).sectors[0]).toMatchObject({ state: 'active', retired: false });
  let eraseAt: number | undefined;
  const erase = flash.erase.bind(flash);
  flash.erase = (sector) => {
    if (sector === 0) eraseAt ??= flash.operationCount + 1;
    return erase(sector);
  };
  for (const step of steps()) {
    const image = flash.snapshot();
    const before = flash.operationCount;
    await step(journal);
    if (eraseAt !== undefined) return { image, step, eraseOp: eraseAt - before };
  }
  throw new Error('GC never collected sector 0');
}

/** Replays the step on the saved image with the erase of sector 0 cut in `mode`; returns the mount after it. */
async function cutTheErase(start: { image: NorSnapshot; step: Step; eraseOp: number }, mode: CutMode, seed: number): Promise<{ flash: SimulatedNorFlash; findings: string[] }> {
  const flash = new SimulatedNorFlash({ size: 8 * SECTOR, sectorSize: SECTOR, programUnit: UNIT, seed });
  flash.restore(start.image);
  const journal = await openJournal(flash, options);
  flash.armCut(flash.operationCount + start.eraseOp, mode);
  await expect(start.step(journal)).rejects.toBeInstanceOf(PowerCut);
  flash.reboot();
  return { flash, findings: (await openJournal(flash, options)).health().findings };
}

describe.each([
  [1, 0],
  [2, 1],
] as const)('start retire slot %i spoiled by rot', (_, slot) => {
  it('GC marks the other slot: a cut before the erase leaves the sector retired, one during it never shows its records', async () => {
    const start = await beforeSector0IsErased(slot);
    const stopped = await cutTheErase(start, 'none', 1);
    expect(stopped.findings).toEqual([]);
    const sector0 = scanImage(stopped.flash.snapshot().image, stopped.flash.geometry).sectors[0]!;
    expect(sector0).toMatchObject({ state: 'dirty', retired: true, retireSlotsErased: [false, false, false] });
    for (const seed of [1, 2, 3, 4]) expect((await cutTheErase(start, 'prefix', seed)).findings).toEqual([]);
  });
});

describe('both start retire slots spoiled by rot', () => {
  it('a cut leaves the collected sector in the log, unmarked, only when it lands on the erase itself (FORMAT.md, "Bit rot")', async () => {
    // GC has no start slot to mark, so it programs the end mark (once: a slot programmed twice would
    // throw FlashRuleViolation) and erases at once. The end mark alone does not take a sector with a
    // readable header out of the log, so every operation between it and the erase widens the window
    // in which dead records come back unreported.
    const start = await beforeSector0IsErased(0, 1);
    const inLogAfterCut: number[] = [];
    for (let k = 1; ; k++) {
      const flash = new SimulatedNorFlash({ size: 8 * SECTOR, sectorSize: SECTOR, programUnit: UNIT, seed: k });
      flash.restore(start.image);
      const journal = await openJournal(flash, options);
      flash.armCut(flash.operationCount + k, 'none');
      const cut = await start.step(journal).then(
        () => false,
        (error: unknown) => error instanceof PowerCut,
      );
      if (!cut) break;
      flash.reboot();
      const sector0 = scanImage(flash.snapshot().image, flash.geometry).sectors[0]!;
      if (sector0.state === 'active' && !sector0.retireSlotsErased[2]) inLogAfterCut.push(k);
    }
    expect(inLogAfterCut).toEqual([start.eraseOp]);
  });
});
