import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../firmware/drivers/flash/crc32.js';
import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';
import { PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { JournalError } from '../../firmware/journal/journal.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { encodeSectorHeader } from '../../firmware/journal/sector-header.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';
import { expectRemountOf } from './remount-view.js';

const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };
const device = (): SimulatedNorFlash => new SimulatedNorFlash({ size: 8 * 2048, sectorSize: 2048, programUnit: 16, seed: 11 });

describe('journal recovery', () => {
  it('skips a torn record and keeps appending after it in the same sector', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.begin(sale(1));
    flash.armCut(flash.operationCount + 1, 'somebits');
    await expect(journal.approve(1, APPROVAL)).rejects.toBeInstanceOf(PowerCut);
    await expect(journal.printed(1)).rejects.toBeInstanceOf(PowerCut);
    flash.reboot();
    const mounted = await openJournal(flash, options);
    expect(mounted.find(1)?.status).toBe('pending');
    await mounted.approve(1, APPROVAL);
    const again = await openJournal(flash, options);
    expect(again.find(1)?.status).toBe('approved');
    const scan = scanImage(flash.snapshot().image, flash.geometry);
    expect(scan.sectors[0]!.damagedUnits).toBeGreaterThan(0);
    expect(scan.sectors.filter((s) => s.state === 'active')).toHaveLength(1);
  });

  it('a frame torn short of its last byte, which the skip marker after it completes, stays torn (1-byte program unit)', async () => {
    // runRandomCuts found it (generatedDay seed 5, 1-byte unit): a counter record for STAN 256 ends
    // in 0x00, the skip marker written where the torn tail's erased part starts begins with len 0,
    // so the torn frame read intact at the next mount and the marker's other 8 bytes read as damage.
    const flash = new SimulatedNorFlash({ size: 8 * 2048, sectorSize: 2048, programUnit: 1, seed: 11 });
    const journal = await openJournal(flash, options);
    await journal.raiseCounter('stan', 255);
    const before = flash.snapshot();
    expect(await journal.takeCounter('stan')).toBe(256);
    const frames = scanImage(flash.snapshot().image, flash.geometry).frames;
    const take = frames.reduce((a, b) => (b.seq > a.seq ? b : a));
    const bytes = await flash.read(take.offset, take.length);
    expect(bytes[bytes.length - 1]).toBe(0);
    // The take cut after all but its last byte landed.
    flash.restore(before);
    await flash.program(take.offset, bytes.subarray(0, bytes.length - 1));
    await flash.sync();
    const mounted = await openJournal(flash, options);
    expect(mounted.health().findings).toEqual([]);
    const taken = await mounted.takeCounter('stan');
    expect(await flash.read(take.offset, take.length)).toEqual(bytes);
    const again = await openJournal(flash, options);
    expect(again.health().findings).toEqual([]);
    expect(again.view().counters.stan).toBe(taken + 17);
  });

  it('a header program torn after copy A (a cut) is never reported, even once records follow', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.begin(sale(1));
    // Sector 1 opened as the new head, its header program cut after copy A and a few bytes of B.
    const header = encodeSectorHeader(2, 0, 16);
    header.fill(0xff, 16 + 5);
    await flash.program(2048, header);
    await flash.sync();
    const mounted = await openJournal(flash, options);
    expect(mounted.health().findings).toEqual([]);
    await mounted.approve(1, APPROVAL);
    await mounted.printed(1);
    const again = await openJournal(flash, options);
    expect(again.health().findings).toEqual([]);
    expect(again.find(1)).toMatchObject({ status: 'approved', printed: true });
  });

  it('refuses an image written by another format version and leaves it alone', async () => {
    const flash = device();
    const header = encodeSectorHeader(1, 0, 16);
    header[2] = 9;
    new DataView(header.buffer).setUint32(12, crc32(header, 0, 12), true);
    await flash.program(0, header);
    const before = flash.snapshot().image;
    await expect(openJournal(flash, options)).rejects.toThrow(/format version 9/);
    await expect(openJournal(flash, options)).rejects.toBeInstanceOf(JournalError);
    expect(flash.snapshot().image).toEqual(before);
  });

  it('refuses a device too small for the ring', async () => {
    const small = new SimulatedNorFlash({ size: 4 * 2048, sectorSize: 2048, programUnit: 16 });
    await expect(openJournal(small, options)).rejects.toThrow(/at least 6 sectors/);
  });

  it('a reversal owed at settlement stays, and goes with the next settlement once acknowledged', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.raiseCounter('batch', 1);
    await journal.begin(sale(1));
    await journal.approve(1, APPROVAL);
    await journal.begin(sale(2));
    await journal.requireReversal(2, '98');
    await journal.settle(1);
    expect(journal.view().transactions.map((t) => [t.stan, t.status])).toEqual([[2, 'reversal-pending']]);
    await journal.reversalAcked(2);
    await journal.begin(sale(3, { batchNo: 2 }));
    await journal.declined(3, '51');
    await journal.settle(2);
    expect(journal.view().transactions).toEqual([]);
    expectRemountOf((await openJournal(flash, options)).view(), { counters: { stan: 0, voucher: 0, batch: 3 }, transactions: [] });
  });

  it('runs on the file image and comes back the same after closing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-file-'));
    try {
      const path = join(dir, 'journal.img');
      const geometry = { size: 8 * 4096, sectorSize: 4096, programUnit: 16 };
      const flash = await FileImageFlash.open({ path, ...geometry });
      const journal = await openJournal(flash, options);
      // Every call returns with its writes synced: a sync after it has nothing left to flush.
      const leftUnsynced = async (): Promise<number> => {
        const before = flash.counters().syncs;
        await flash.sync();
        return flash.counters().syncs - before;
      };
      for (let stan = 1; stan <= 200; stan++) {
        await journal.begin(sale(stan));
        expect(await leftUnsynced()).toBe(0);
        await journal.approve(stan, APPROVAL);
        expect(await leftUnsynced()).toBe(0);
        await journal.printed(stan);
        expect(await leftUnsynced()).toBe(0);
        if (stan % 15 === 0) await journal.settle(1);
      }
      expect(flash.counters().erases).toBeGreaterThan(0);
      const view = journal.view();
      await flash.close();
      const reopened = await FileImageFlash.open({ path, ...geometry });
      expectRemountOf((await openJournal(reopened, options)).view(), view);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
