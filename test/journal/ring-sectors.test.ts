import { describe, expect, it } from 'vitest';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { replayImage } from '../../firmware/journal/replay.js';
import { headerSlotBytes, retireSlotOffset } from '../../firmware/journal/sector-header.js';
import { buildReport } from '../../tools/journal-inspector/report.js';
import { rewrite } from './image-rot.js';
import { device, options, sell, sellUntilSector, SECTOR, UNIT } from './log-scan-images.js';
import { expectRemountOf } from './remount-view.js';

/** What a sector's header and retire slots tell a reader of the image (FORMAT.md, "Sector layout"). */
describe('ring sectors on flash', () => {
  it('the erase count in each header, as the inspector shows it, is how often the device erased that sector', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    let stan = 0;
    // Two laps and more: every sector erased at least twice, settling as a shop would.
    while (flash.counters().eraseCountPerSector.some((n) => n < 2)) {
      await sell(journal, ++stan);
      if (stan % 10 === 0) await journal.settle(1);
    }
    const report = buildReport(replayImage(flash.snapshot().image, flash.geometry), flash.geometry, undefined);
    const shown = report.sectors.filter((s) => s.eraseCount !== undefined).map((s) => [s.index, s.eraseCount]);
    expect(shown.length).toBeGreaterThan(3);
    expect(shown).toEqual(shown.map(([index]) => [index, flash.counters().eraseCountPerSector[index!]]));
  });

  it("across a remount, which loses erased sectors' counts with their headers, a reopened sector takes the highest known count: within one of the device's", async () => {
    const flash = device();
    const sectors = () => scanImage(flash.snapshot().image, flash.geometry).sectors;
    let journal = await openJournal(flash, options);
    let stan = 0;
    const sellUntil = async (done: () => boolean): Promise<void> => {
      while (!done()) {
        await sell(journal, ++stan);
        if (stan % 10 === 0) await journal.settle(1);
      }
    };
    await sellUntil(() => flash.counters().eraseCountPerSector.every((n) => n >= 3));
    journal = await openJournal(flash, options);
    const erasedAtRemount = sectors().filter((s) => s.state === 'erased').map((s) => s.index);
    expect(erasedAtRemount.length).toBeGreaterThan(0);
    await sellUntil(() => erasedAtRemount.every((i) => sectors()[i]!.state === 'active'));
    const erases = flash.counters().eraseCountPerSector;
    for (const s of sectors().filter((s) => erasedAtRemount.includes(s.index))) {
      expect(Math.abs(s.eraseCount! - erases[s.index]!), `sector ${s.index}: header ${s.eraseCount}, device ${erases[s.index]}`).toBeLessThanOrEqual(1);
    }
  });

  it('a start retire slot rotted to zeros in a sector GC never collected keeps the sector in the log: no record is lost', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await sellUntilSector(flash, journal, 1);
    const before = journal.view();
    // Sector 0 holds the begin records of unsettled sales; no end mark beside the "mark".
    rewrite(flash, retireSlotOffset(UNIT, 0, SECTOR), new Uint8Array(headerSlotBytes(UNIT)).fill(0));
    expectRemountOf((await openJournal(flash, options)).view(), before);
  });
});
