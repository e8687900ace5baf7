import { afterEach, describe, expect, it, vi } from 'vitest';
import { PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { encodeFrame } from '../../firmware/journal/frame.js';
import { LogRing, RingExhausted } from '../../firmware/journal/log-ring.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { imageWithOrphanSectorOne, ORPHAN_GEOMETRY } from './orphan-image.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/**
 * LogRing.append's two paths (log-ring.ts): the plain append (one program and one sync, nothing
 * else) when plainAppendHead finds the ring ready, and the general path otherwise, which first does
 * the work the ring owes: collecting an orphan, erasing a retired sector, GC, a sector change.
 * These tests pin which path runs when, since the flash operations alone cannot tell them apart
 * on a ready ring (the general path then makes the same program and sync).
 */
const SMALL = ORPHAN_GEOMETRY;

async function mount(flash: SimulatedNorFlash): Promise<FlashJournal> {
  return openJournal(flash, { deviceKey: TEST_KEY, randomBytes: seededIvs() });
}

/** A sale's three commits, each passed to `commit` to run; settles first when the journal is full. */
async function sell(journal: FlashJournal, stan: number, batch: { no: number }, commit = (call: () => Promise<unknown>) => call()): Promise<void> {
  if (journal.capacity().transactionsLeft === 0) await journal.settle(batch.no++);
  await commit(() => journal.begin(sale(stan, { batchNo: batch.no })));
  await commit(() => journal.approve(stan, APPROVAL));
  await commit(() => journal.printed(stan));
}

const sectorStates = (flash: SimulatedNorFlash) => scanImage(flash.snapshot().image, flash.geometry).sectors.map((s) => s.state);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the plain append', () => {
  it('after housekeeping, every commit takes the plain path (no GC pass), whichever sector of a wrapped ring is the head', async () => {
    // The general path's first step is makeRoom: a commit that reaches it took the slow path.
    const makeRoom = vi.spyOn(LogRing.prototype as unknown as { makeRoom(length: number): Promise<void> }, 'makeRoom');
    const flash = new SimulatedNorFlash({ ...SMALL, seed: 11 });
    const journal = await mount(flash);
    const batch = { no: 1 };
    let slowCommits = 0;
    let commits = 0;
    // Head behind an older active sector in index order: picking the head by position, not by sequence, would miss it.
    let wrappedCommits = 0;
    const commit = async (call: () => Promise<unknown>): Promise<void> => {
      const scan = scanImage(flash.snapshot().image, flash.geometry);
      const active = scan.sectors.filter((s) => s.state === 'active');
      const head = active.reduce((a, b) => (b.seq > a.seq ? b : a));
      if (active.some((s) => s.index > head.index)) wrappedCommits++;
      makeRoom.mockClear();
      await call();
      commits++;
      if (makeRoom.mock.calls.length > 0) slowCommits++;
    };
    for (let stan = 1; flash.counters().eraseCountPerSector.some((n) => n < 3); stan++) {
      await journal.housekeep();
      await sell(journal, stan, batch, commit);
    }
    expect(wrappedCommits).toBeGreaterThan(50);
    expect({ commits, slowCommits }).toEqual({ commits, slowCommits: 0 });
  });
});

describe('the general path does what the ring owes before the record', () => {
  it('an orphan (both header copies rotted) is collected by the next commit and erased by the one after, with no housekeeping', async () => {
    const { flash, batchNo, lastStan } = await imageWithOrphanSectorOne(6);
    let stan = lastStan;
    const mounted = await mount(flash);
    expect(mounted.health().findings.join('\n')).toMatch(/sector 1: both header copies are unreadable/);
    expect(sectorStates(flash)[1]).toBe('active');
    const view = mounted.view();
    // The first commit copies its records and marks it retired; beside unreadable headers the marks
    // do not take it out of the log (log-scan.ts: the frames decide), so it still scans as an orphan.
    await mounted.begin(sale(++stan, { batchNo }));
    expect((await mount(flash)).view().transactions.filter((t) => t.stan !== stan)).toEqual(view.transactions);
    // Its marks now durable, the next commit erases it.
    await mounted.approve(stan, APPROVAL);
    expect(sectorStates(flash)[1]).toBe('erased');
    const after = await mount(flash);
    expect(after.health().findings.join('\n')).not.toMatch(/header copies are unreadable/);
    expect(after.view().transactions.filter((t) => t.stan !== stan)).toEqual(view.transactions);
  });

  it('a retired sector that a cut left unerased is erased by the first commit after the mount, with no housekeeping before it', async () => {
    /** Sales until a commit erases; returns that erase's operation number (with `cutAt`, the day is cut there instead). */
    const day = async (flash: SimulatedNorFlash, cutAt?: number): Promise<number> => {
      const journal = await mount(flash);
      let eraseOp: number | undefined;
      const erase = flash.erase.bind(flash);
      flash.erase = (sector: number) => {
        eraseOp ??= flash.operationCount + 1;
        return erase(sector);
      };
      if (cutAt !== undefined) flash.armCut(cutAt, 'none');
      const batch = { no: 1 };
      for (let stan = 1; ; stan++) {
        await sell(journal, stan, batch);
        if (eraseOp !== undefined) return eraseOp;
      }
    };
    const eraseOp = await day(new SimulatedNorFlash({ ...SMALL, seed: 12 }));
    const flash = new SimulatedNorFlash({ ...SMALL, seed: 12 });
    await expect(day(flash, eraseOp)).rejects.toBeInstanceOf(PowerCut);
    flash.reboot();
    const retired = sectorStates(flash).flatMap((state, i) => (state === 'dirty' ? [i] : []));
    expect(retired.length).toBe(1);
    // Marked as FORMAT.md lays it out: the first start slot and the end mark; the second start slot stays for a retire torn by rot.
    expect(scanImage(flash.snapshot().image, flash.geometry).sectors[retired[0]!]!.retireSlotsErased).toEqual([false, true, false]);
    const mounted = await mount(flash);
    await mounted.begin(sale(mounted.view().counters.stan + 1, { batchNo: mounted.view().counters.batch }));
    expect(sectorStates(flash)[retired[0]!]).toBe('erased');
  });
});

describe('what GC copies', () => {
  it('a live record is copied only from the sector that holds its last instance', async () => {
    // Two instances of one record: what a cut during GC leaves (the copy synced, the tail not yet retired).
    const flash = new SimulatedNorFlash({ ...SMALL, seed: 14 });
    const ring = LogRing.fromScan(flash, scanImage(flash.snapshot().image, flash.geometry), new Map(), {
      isLive: (entry) => entry.seq === 1,
      decidesRemovedStatus: () => [],
    });
    let seq = 1;
    const appendNext = (n = seq++) => ring.append(encodeFrame(n, new Uint8Array(100).fill(n & 0xff), SMALL.programUnit), n, { kind: 'begin', transactionIds: [n] });
    await appendNext();
    while (ring.sectors[1]!.state !== 'active') await appendNext();
    await appendNext(1);
    while (ring.sectors[0]!.state === 'active') await appendNext();
    expect(ring.copiedByKind.begin ?? 0, 'copied while another instance was left').toBe(0);
    while (ring.sectors[1]!.state === 'active') await appendNext();
    expect(ring.copiedByKind.begin).toBe(1);
  });
});

describe('a ring that cannot free a sector', () => {
  it('refuses the append with RingExhausted, which says it is a capacity accounting bug', async () => {
    const flash = new SimulatedNorFlash({ ...SMALL, seed: 13 });
    // Every record stays live, so GC copies everything and no lap frees a sector.
    const allLive = { isLive: () => true, decidesRemovedStatus: () => [] };
    const ring = LogRing.fromScan(flash, scanImage(flash.snapshot().image, flash.geometry), new Map(), allLive);
    const frame = (seq: number) => encodeFrame(seq, new Uint8Array(200).fill(seq & 0xff), SMALL.programUnit);
    let error: unknown;
    for (let seq = 1; seq < 1000 && error === undefined; seq++) {
      await ring.append(frame(seq), seq, { kind: 'begin', transactionIds: [seq] }).catch((e: unknown) => {
        error = e;
      });
    }
    expect(error).toBeInstanceOf(RingExhausted);
    expect((error as Error).name).toBe('RingExhausted');
    expect((error as Error).message).toBe('journal ring exhausted: live records fill the flash (capacity accounting bug)');
  });
});
