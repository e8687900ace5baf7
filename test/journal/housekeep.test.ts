import { describe, expect, it } from 'vitest';
import { PowerCut, type FlashDevice } from '../../firmware/drivers/flash/flash-device.js';
import { CUT_MODES, SimulatedNorFlash, type NorSnapshot } from '../../firmware/drivers/flash/simulated-nor.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { frameBytes, MAX_PAYLOAD_BYTES } from '../../firmware/journal/frame.js';
import { JournalFull } from '../../firmware/journal/journal.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { dataEnd, dataStart } from '../../firmware/journal/sector-header.js';
import { imageWithOrphanSectorOne, ORPHAN_GEOMETRY } from './orphan-image.js';
import { expectRemountOf } from './remount-view.js';
import { APPROVAL, largestTransaction, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/**
 * Journal.housekeep (LogRing.prepare): the shell runs it whenever the terminal waits for the
 * cashier, so that GC, erases and sector changes happen while nobody waits, and every commit of a
 * sale is one program and one sync. It writes no record, keeps capacity()'s promise, and a cut
 * anywhere in it is as safe as one anywhere else.
 */
const GEOMETRY = { size: 64 * 1024, sectorSize: 4096, programUnit: 16 };

async function mount(flash: FlashDevice): Promise<FlashJournal> {
  return openJournal(flash, { deviceKey: TEST_KEY, randomBytes: seededIvs() });
}

/** A sale's three commits; settles first when the journal is full. */
async function sell(journal: FlashJournal, stan: number, batch: { no: number }): Promise<void> {
  if (journal.capacity().transactionsLeft === 0) await journal.settle(batch.no++);
  await journal.begin(sale(stan, { batchNo: batch.no }));
  await journal.approve(stan, APPROVAL);
  await journal.printed(stan);
}

/** A call's flash operations, as `programs p syncs s erases e`. */
async function shapeOf(flash: SimulatedNorFlash, call: () => Promise<unknown>): Promise<string> {
  const before = flash.counters();
  await call();
  const after = flash.counters();
  return `${after.programs - before.programs}p ${after.syncs - before.syncs}s ${after.erases - before.erases}e`;
}

/**
 * Eight sales left open (live records for GC to carry, lap after lap), then echo tests (a STAN
 * taken per test, garbage once the next lands) until `found` (given the image before it) says stop.
 */
async function echoUntil<T>(flash: SimulatedNorFlash, journal: FlashJournal, found: (image: NorSnapshot) => Promise<T | undefined>): Promise<T> {
  for (let stan = 1; stan <= 8; stan++) await sell(journal, stan, { no: 1 });
  for (let test = 0; test < 3000; test++) {
    await journal.takeCounter('stan');
    const result = await found(flash.snapshot());
    if (result !== undefined) return result;
  }
  throw new Error('no such housekeeping in 3,000 echo tests');
}

/**
 * The most room any sector in the log (the head aside) left unused at its end. capacity() counts
 * each sector less one largest frame, so without cuts this stays below one: a sector closed with
 * more free took room capacity() promised. (Running out of flash would show it too, but only past
 * the two sectors' slack capacity holds back for the head and for cuts.)
 */
function largestClosedSectorTail(flash: SimulatedNorFlash): number {
  const { sectorSize, programUnit } = flash.geometry;
  const active = scanImage(flash.snapshot().image, flash.geometry).sectors.filter((s) => s.state === 'active');
  const head = active.reduce((a, b) => (b.seq > a.seq ? b : a));
  return Math.max(0, ...active.filter((s) => s !== head).map((s) => dataEnd(sectorSize, programUnit) - s.end));
}

const LARGEST_APPROVAL = { authCode: 'ABCDEF', rrn: 'ABCDEFGHIJKL', hostDate: '1231', hostTime: '235959' };

describe('journal housekeeping at idle', () => {
  it('with housekeeping before each sale, every commit is one program and one sync: sector changes, GC and erases all happen at idle', async () => {
    const flash = new SimulatedNorFlash({ ...GEOMETRY, seed: 1 });
    const journal = await mount(flash);
    const batch = { no: 1 };
    let stan = 0;
    // Past the first lap: GC retires and erases sectors from here on.
    while (flash.counters().eraseCountPerSector.some((n) => n === 0)) {
      await journal.housekeep();
      await sell(journal, ++stan, batch);
    }
    const start = flash.counters();
    const irregular: string[] = [];
    const commit = async (what: string, call: () => Promise<void>): Promise<void> => {
      const before = flash.counters();
      await call();
      const after = flash.counters();
      const shape = `${after.programs - before.programs}p ${after.syncs - before.syncs}s ${after.erases - before.erases}e`;
      if (shape !== '1p 1s 0e') irregular.push(`${what}: ${shape}`);
    };
    for (let i = 0; i < 600; i++) {
      await journal.housekeep();
      stan++;
      if (journal.capacity().transactionsLeft === 0) {
        const no = batch.no++;
        await commit(`settle ${no}`, () => journal.settle(no));
        await journal.housekeep();
      }
      await commit(`begin ${stan}`, () => journal.begin(sale(stan, { batchNo: batch.no })));
      await commit(`approve ${stan}`, () => journal.approve(stan, APPROVAL));
      await commit(`printed ${stan}`, () => journal.printed(stan));
    }
    const sectorChanges = flash.counters().erases - start.erases;
    expect(sectorChanges).toBeGreaterThan(20);
    expect(irregular).toEqual([]);
  });

  it('writes no record: the view, the capacity and a fresh mount are as before', async () => {
    const flash = new SimulatedNorFlash({ ...GEOMETRY, seed: 2 });
    const journal = await mount(flash);
    const batch = { no: 1 };
    let worked = 0;
    const owed: number[] = [];
    for (let stan = 1; stan <= 400; stan++) {
      await sell(journal, stan, batch);
      // Some reversals stay owed across settlements: GC has live records to carry.
      if (stan % 3 === 0) {
        await journal.requireReversal(stan, '96');
        owed.push(stan);
      }
      if (owed.length > 5) await journal.reversalAcked(owed.shift()!);
      const view = journal.view();
      const capacity = journal.capacity();
      const ops = flash.operationCount;
      await journal.housekeep();
      if (flash.operationCount > ops) worked++;
      expect(journal.view()).toEqual(view);
      expect(journal.capacity()).toEqual(capacity);
    }
    expect(worked).toBeGreaterThan(10);
    const view = journal.view();
    expectRemountOf((await mount(flash)).view(), view);
  });

  it('keeps what capacity() promised on every geometry: with housekeeping before every call, the largest transactions run out of capacity, never out of flash, lap after lap', async () => {
    for (const geometry of [GEOMETRY, { size: 8 * 1024, sectorSize: 1024, programUnit: 16 }, { size: 16 * 2048, sectorSize: 2048, programUnit: 8 }]) {
      const flash = new SimulatedNorFlash({ ...geometry, seed: 3 });
      const journal = await mount(flash);
      const largestFrame = frameBytes(MAX_PAYLOAD_BYTES, geometry.programUnit);
      let stan = 0;
      for (let lap = 1; lap <= 6; lap++) {
        await journal.housekeep();
        const promised = journal.capacity().transactionsLeft;
        expect(promised, `lap ${lap} on ${geometry.size} B`).toBeGreaterThan(0);
        let taken = 0;
        for (;;) {
          await journal.housekeep();
          try {
            await journal.begin(largestTransaction(++stan, lap));
          } catch (error) {
            expect(error).toBeInstanceOf(JournalFull);
            break;
          }
          taken++;
          // Every third one owes a reversal it keeps across the next settlement; the others write
          // the largest approval and every later record capacity() keeps room for, so the flash
          // holds as much as capacity() counts (with fewer records, the slack hid a ring that
          // housekeeping had left short).
          const s = stan;
          const later: (() => Promise<void>)[] =
            taken % 3 === 0
              ? [() => journal.requireReversal(s, 'A0'), () => journal.reversalTried(s, 254), () => journal.reversalTried(s, 255)]
              : [
                  () => journal.approve(s, LARGEST_APPROVAL),
                  () => journal.requireReversal(s, '96'),
                  () => journal.reversalTried(s, 254),
                  () => journal.reversalTried(s, 255),
                  () => journal.reversalFailed(s),
                  () => journal.printed(s),
                ];
          for (const record of later) {
            await journal.housekeep();
            await record();
          }
          expect(largestClosedSectorTail(flash), `transaction ${stan} on ${geometry.size} B`).toBeLessThan(largestFrame);
        }
        // Every transaction capacity() promised begins, and the one after is refused by JournalFull,
        // never by running out of flash (RingExhausted): housekeeping took none of the promised room.
        expect(taken, `lap ${lap} on ${geometry.size} B`).toBeGreaterThanOrEqual(promised);
        await journal.housekeep();
        await journal.settle(lap);
        // The reversals owed from this lap are acked in the next one.
        for (const tx of journal.view().transactions) {
          await journal.housekeep();
          await journal.reversalAcked(tx.stan);
        }
      }
    }
  });

  it('a cut at any operation of a housekeeping that changes sector, in every cut mode, mounts as before it, with no damage, and the next sale commits', async () => {
    const flash = new SimulatedNorFlash({ ...GEOMETRY, seed: 4 });
    const journal = await mount(flash);
    const batch = { no: 1 };
    const cases: { image: NorSnapshot; operations: number }[] = [];
    let stan = 0;
    // Housekeepings that do the most work: GC of the tail, a new sector, an erase.
    while (cases.length < 3) {
      if (stan > 5000) throw new Error('no housekeeping changed sector in 5,000 sales');
      await sell(journal, ++stan, batch);
      if (stan % 4 === 0) await journal.requireReversal(stan, '98');
      const image = flash.snapshot();
      const before = flash.counters();
      await journal.housekeep();
      const after = flash.counters();
      if (after.erases > before.erases && after.programs - before.programs >= 2) {
        cases.push({ image, operations: after.programs - before.programs + after.erases - before.erases });
      }
    }
    let cuts = 0;
    for (const [index, { image, operations }] of cases.entries()) {
      for (let k = 1; k <= operations; k++) {
        for (const [m, mode] of CUT_MODES.entries()) {
          const device = new SimulatedNorFlash({ ...GEOMETRY, seed: 100 * index + 4 * k + m });
          device.restore(image);
          const mounted = await mount(device);
          const view = mounted.view();
          device.armCut(device.operationCount + k, mode);
          await expect(mounted.housekeep(), `case ${index} op ${k} ${mode}`).rejects.toBeInstanceOf(PowerCut);
          device.reboot();
          const after = await mount(device);
          expect(after.health().findings, `case ${index} op ${k} ${mode}`).toEqual([]);
          expectRemountOf(after.view(), view);
          const next = after.view().counters.stan + 1;
          await sell(after, next, { no: after.view().counters.batch });
          expect((await mount(device)).find(next)?.printed).toBe(true);
          cuts++;
        }
      }
    }
    expect(cuts).toBeGreaterThanOrEqual(3 * 3 * CUT_MODES.length);
  });

  it('after a device error during housekeeping, the journal refuses every call until a fresh mount', async () => {
    const flash = new SimulatedNorFlash({ ...GEOMETRY, seed: 5 });
    let eraseFails = false;
    const failing: FlashDevice = {
      geometry: flash.geometry,
      read: (offset, length) => flash.read(offset, length),
      program: (offset, bytes) => flash.program(offset, bytes),
      erase: (sector) => (eraseFails ? Promise.reject(new Error('erase failed: status register E_FAIL')) : flash.erase(sector)),
      sync: () => flash.sync(),
      counters: () => flash.counters(),
    };
    const journal = await mount(failing);
    const batch = { no: 1 };
    let stan = 0;
    for (;;) {
      await sell(journal, ++stan, batch);
      eraseFails = true;
      const outcome = await journal.housekeep().then(
        () => undefined,
        (error: unknown) => error,
      );
      if (outcome !== undefined) {
        expect(String(outcome)).toMatch(/E_FAIL/);
        break;
      }
      eraseFails = false;
    }
    eraseFails = false;
    await expect(journal.begin(sale(++stan))).rejects.toThrow(/E_FAIL/);
    await expect(journal.housekeep()).rejects.toThrow(/E_FAIL/);
    const remounted = await mount(failing);
    await remounted.housekeep();
    await sell(remounted, stan, { no: remounted.view().counters.batch });
    expect(remounted.find(stan)?.printed).toBe(true);
  });
});

describe('journal housekeeping at idle: what it leaves done', () => {
  const SMALL = ORPHAN_GEOMETRY;
  it('collects an orphan (a sector whose header copies both rotted), so the next commit is one program and one sync', async () => {
    const { flash, batchNo, lastStan } = await imageWithOrphanSectorOne(6);
    let stan = lastStan;
    const mounted = await mount(flash);
    expect(mounted.health().findings.join('\n')).toMatch(/sector 1: both header copies are unreadable/);
    const view = mounted.view();
    await mounted.housekeep();
    expect(scanImage(flash.snapshot().image, flash.geometry).sectors[1]!.state).toBe('erased');
    expect(await shapeOf(flash, () => mounted.begin(sale(++stan, { batchNo })))).toBe('1p 1s 0e');
    const after = await mount(flash);
    expect(after.health().findings.join('\n')).not.toMatch(/header copies are unreadable/);
    expect(after.view().transactions.filter((t) => t.stan !== stan)).toEqual(view.transactions);
  });

  it('with nothing to do it touches no flash: no program, erase or sync', async () => {
    const flash = new SimulatedNorFlash({ ...SMALL, seed: 7 });
    const journal = await mount(flash);
    let idle = 0;
    await echoUntil(flash, journal, async () => {
      await journal.housekeep();
      expect(await shapeOf(flash, () => journal.housekeep())).toBe('0p 0s 0e');
      return flash.counters().erases > 0 && ++idle > 3 ? true : undefined;
    });
  });

  it('ends durable: a cut right after a housekeeping that erased finds its sectors erased', async () => {
    const flash = new SimulatedNorFlash({ ...SMALL, seed: 8 });
    const journal = await mount(flash);
    const erased = await echoUntil(flash, journal, async () => {
      const before = flash.counters().eraseCountPerSector;
      await journal.housekeep();
      const sectors = flash.counters().eraseCountPerSector.flatMap((n, i) => (n > before[i]! ? [i] : []));
      return sectors.length > 0 ? sectors : undefined;
    });
    flash.armCut(flash.operationCount + 1, 'none');
    await expect(journal.takeCounter('stan')).rejects.toBeInstanceOf(PowerCut);
    flash.reboot();
    const scan = scanImage(flash.snapshot().image, flash.geometry);
    expect(erased.map((i) => scan.sectors[i]!.state)).toEqual(erased.map(() => 'erased'));
  });

  /** A ring's free sectors (erased or retired) and whether its head ends torn. */
  const ringOf = (device: SimulatedNorFlash) => {
    const scan = scanImage(device.snapshot().image, device.geometry);
    const active = scan.sectors.filter((s) => s.state === 'active');
    const head = active.reduce((a, b) => (b.seq > a.seq ? b : a));
    return { free: scan.sectors.length - active.length, torn: head.tornTail };
  };

  /**
   * A cut at a GC's retire mark, after its copies opened a sector and were synced: the tail stays
   * in the log beside its copies, and only one sector is free.
   */
  async function imageOneFreeSectorShort(): Promise<NorSnapshot> {
    const flash = new SimulatedNorFlash({ ...SMALL, seed: 9 });
    const journal = await mount(flash);
    return echoUntil(flash, journal, async (start) => {
      const before = flash.counters();
      await journal.housekeep();
      const after = flash.counters();
      // GC with copies: the copies, the next sector's header and two retire marks at least.
      if (after.programs - before.programs < 4) return undefined;
      for (let k = 1; k <= after.programs - before.programs + after.erases - before.erases; k++) {
        const device = new SimulatedNorFlash({ ...SMALL, seed: k });
        device.restore(start);
        const mounted = await mount(device);
        device.armCut(device.operationCount + k, 'none');
        await expect(mounted.housekeep()).rejects.toBeInstanceOf(PowerCut);
        device.reboot();
        const { free, torn } = ringOf(device);
        if (free < 2 && !torn) return device.snapshot();
      }
      return undefined;
    });
  }

  it('after a cut left GC without its retire mark (one free sector short), completes that collection, so the next commit is one program and one sync', async () => {
    const image = await imageOneFreeSectorShort();
    const device = new SimulatedNorFlash({ ...SMALL, seed: 10 });
    device.restore(image);
    const mounted = await mount(device);
    await mounted.housekeep();
    expect(ringOf(device).free).toBeGreaterThanOrEqual(2);
    const stan = mounted.view().counters.stan + 1;
    expect(await shapeOf(device, () => mounted.begin(sale(stan)))).toBe('1p 1s 0e');
  });

  it('after such a cut, the first commit completes that collection itself when no housekeeping ran before it', async () => {
    const device = new SimulatedNorFlash({ ...SMALL, seed: 10 });
    device.restore(await imageOneFreeSectorShort());
    const mounted = await mount(device);
    expect(ringOf(device).free).toBe(1);
    await mounted.begin(sale(mounted.view().counters.stan + 1));
    expect(ringOf(device).free).toBeGreaterThanOrEqual(2);
  });

  it('a cut at the header of the sector GC copies spill into keeps the copies already in the head whole: no damage', async () => {
    const flash = new SimulatedNorFlash({ ...SMALL, seed: 11 });
    // Every program and erase of the journal, to find a housekeeping whose copies filled the head
    // and went on into the next sector: a frames program, then that sector's header.
    const ops: { kind: 'program' | 'erase'; at: number }[] = [];
    const recording: FlashDevice = {
      geometry: flash.geometry,
      read: (offset, length) => flash.read(offset, length),
      program: (offset, bytes) => (ops.push({ kind: 'program', at: offset }), flash.program(offset, bytes)),
      erase: (sector) => (ops.push({ kind: 'erase', at: sector * SMALL.sectorSize }), flash.erase(sector)),
      sync: () => flash.sync(),
      counters: () => flash.counters(),
    };
    const journal = await mount(recording);
    const sectorOf = (at: number) => Math.floor(at / SMALL.sectorSize);
    // Between the header slots and the end retire mark: frames, not a header or a retire mark.
    const isFrames = (op: { kind: string; at: number }) =>
      op.kind === 'program' && op.at % SMALL.sectorSize >= dataStart(SMALL.programUnit) && op.at % SMALL.sectorSize < dataEnd(SMALL.sectorSize, SMALL.programUnit);
    const { image, k } = await echoUntil(flash, journal, async (start) => {
      ops.length = 0;
      await journal.housekeep();
      const i = ops.findIndex(
        (op, n) => n > 0 && op.kind === 'program' && op.at % SMALL.sectorSize === 0 && isFrames(ops[n - 1]!) && sectorOf(ops[n - 1]!.at) !== sectorOf(op.at),
      );
      return i < 0 ? undefined : { image: start, k: i + 1 };
    });
    // Cut as 'prefix': the header's first copy lands, so the new sector is the newest in the log and
    // a torn frame in the head before it would read as damage. Each seed gives any operation still
    // unsynced at the cut another fate (dropped, landed, torn).
    for (let seed = 1; seed <= 8; seed++) {
      const device = new SimulatedNorFlash({ ...SMALL, seed });
      device.restore(image);
      const mounted = await mount(device);
      const view = mounted.view();
      device.armCut(device.operationCount + k, 'prefix');
      await expect(mounted.housekeep()).rejects.toBeInstanceOf(PowerCut);
      device.reboot();
      const after = await mount(device);
      expect(after.health().findings, `seed ${seed}`).toEqual([]);
      expectRemountOf(after.view(), view);
    }
  });
});
