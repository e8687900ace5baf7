import { describe, expect, it } from 'vitest';
import { PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { encodeFrame } from '../../firmware/journal/frame.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { replayImage } from '../../firmware/journal/replay.js';
import { dataStart, encodeSectorHeader } from '../../firmware/journal/sector-header.js';
import { buildReport } from '../../tools/journal-inspector/report.js';
import { erasePage, flipBit } from './image-rot.js';
import { device, options, printedStans, SECTOR, sell, sellUntilSector, threeSales, UNIT } from './log-scan-images.js';
import { APPROVAL, sale } from './sample-transactions.js';

/**
 * What mount reads from the frames of a sector (FORMAT.md, "Frame", "Recovery" and "Bit rot"):
 * records lost to rot between records or at a closed sector's end are reported and counted in
 * recordsPossiblyLost (the counters jump past them); a write torn by a cut is not; records missing
 * between sectors are counted once, and never when their numbers are present elsewhere.
 */
const COPY_B = UNIT;
type Step = (journal: FlashJournal) => Promise<unknown>;
const framesOf = (image: Uint8Array, sector: number) => scanImage(image, device().geometry).frames.filter((f) => f.sector === sector);

describe('mount, a record lost between records', () => {
  it('is reported for its sector and counted as possibly lost', async () => {
    const { flash } = await threeSales();
    const approve2 = framesOf(flash.snapshot().image, 0)[4]!;
    flipBit(flash, approve2.offset + 9);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([expect.stringMatching(/^sector 0: 3 program units fail their frame CRC between records/)]);
    expect(replay.recordsPossiblyLost).toBe(3);
    expect((await openJournal(flash, options)).find(2)?.status).toBe('pending');
  });

  it('in the second sector, after its first record: damage only, no records reported missing between sectors', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    const stan = await sellUntilSector(flash, journal, 1);
    await sell(journal, stan);
    const second = framesOf(flash.snapshot().image, 1)[1]!;
    flipBit(flash, second.offset + 9);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([expect.stringMatching(/^sector 1: \d+ program units fail their frame CRC/)]);
    expect(replay.scan.recordsMissing).toBe(0);
    expect(replay.recordsPossiblyLost).toBe(second.length / UNIT);
  });

  it('when the oldest sector in the log is empty (its header program was torn), only the damage is reported', async () => {
    const flash = device();
    // Sector 0 opened first, its header program cut after copy A: the journal leaves it empty.
    const header = encodeSectorHeader(1, 0, UNIT);
    header.fill(0xff, COPY_B + 5);
    await flash.program(0, header);
    await flash.sync();
    const journal = await openJournal(flash, options);
    await sell(journal, 1);
    await sell(journal, 2);
    const [first] = framesOf(flash.snapshot().image, 1);
    flipBit(flash, first!.offset + 9);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([expect.stringMatching(/^sector 1: \d+ program units fail their frame CRC/)]);
    expect(replay.scan.recordsMissing).toBe(0);
    expect(replay.recordsPossiblyLost).toBe(first!.length / UNIT);
  });

  it('right before a torn write the journal appended after, is still reported', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.begin(sale(1));
    flash.armCut(flash.operationCount + 1, 'somebits');
    await expect(journal.approve(1, APPROVAL)).rejects.toBeInstanceOf(PowerCut);
    flash.reboot();
    const mounted = await openJournal(flash, options);
    await mounted.begin(sale(2));
    const torn = scanImage(flash.snapshot().image, flash.geometry).sectors[0]!.damagedUnits;
    expect(torn).toBeGreaterThan(0);
    expect(mounted.health().findings).toEqual([]);
    // Rot in the begin record of sale 1, just before the torn units the skip marker names.
    const begin1 = framesOf(flash.snapshot().image, 0)[0]!;
    flipBit(flash, begin1.offset + 9);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([expect.stringMatching(/^sector 0: \d+ program units fail their frame CRC between records/)]);
    expect(replay.recordsPossiblyLost).toBe(begin1.length / UNIT + torn);
  });
});

describe('mount, a page erased in the middle of a closed sector', () => {
  it('reads the records after the page, and reports the damage', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await sellUntilSector(flash, journal, 1);
    // Sector 0 holds only whole sales (begin, approve, printed), back to back.
    const sales = framesOf(flash.snapshot().image, 0).filter((_, i) => i % 3 === 0);
    const stansAfter = sales.flatMap((begin, i) => (begin.offset >= 768 ? [i + 1] : []));
    expect(stansAfter.length).toBeGreaterThan(3);
    erasePage(flash, 512);
    const mounted = await openJournal(flash, options);
    expect(mounted.health().findings.join('\n')).toMatch(/sector 0: \d+ program units fail their frame CRC between records/);
    expect(printedStans(mounted)).toEqual(expect.arrayContaining(stansAfter));
    expect(printedStans(mounted)).not.toContain(stansAfter[0]! - 1);
  });
});

describe('mount, the last record of a closed sector', () => {
  it('lost to rot (the next sector says no cut tore it): reported, and counted with the record it leaves missing', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await sellUntilSector(flash, journal, 1);
    const last = framesOf(flash.snapshot().image, 0).at(-1)!;
    flipBit(flash, last.offset + 9);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toContainEqual(expect.stringMatching(/^sector 0: the last record before its erased tail fails its CRC/));
    expect(replay.scan.recordsMissing).toBe(1);
    expect(replay.recordsPossiblyLost).toBe(last.length / UNIT + 1);
  });
});

describe('mount, records missing at the end of a closed sector', () => {
  it('are counted when the next sector holds a copy of the newest record before it (a copy is never a first new record)', () => {
    // Sector seq 1 ends at record 3 (record 4, its last, was lost); sector seq 2 holds a GC copy of
    // record 3, then records 5 and 6.
    const geometry = device().geometry;
    const image = new Uint8Array(geometry.size).fill(0xff);
    const write = (sector: number, seq: number, records: number[]) => {
      image.set(encodeSectorHeader(seq, 0, UNIT), sector * SECTOR);
      let offset = sector * SECTOR + dataStart(UNIT);
      for (const record of records) {
        const frame = encodeFrame(record, Uint8Array.of(0, record), UNIT);
        image.set(frame, offset);
        offset += frame.length;
      }
    };
    write(0, 1, [1, 2, 3]);
    write(1, 2, [3, 5, 6]);
    const scan = scanImage(image, geometry);
    expect(scan.recordsMissing).toBe(1);
    expect(scan.findings).toEqual([expect.stringMatching(/^sector 0: 1 records after record 3 are missing/)]);
  });

  it('are counted when the next sector starts with GC copies of older records', async () => {
    // Three live sales, then echo tests (a STAN taken per test) until GC carries the sales out of
    // sector 0: the sector that received the copies holds numbers below its predecessor's.
    const flash = device();
    const journal = await openJournal(flash, options);
    for (const stan of [1, 2, 3]) await sell(journal, stan);
    const copiesBelow = (image: Uint8Array) => {
      const scan = scanImage(image, flash.geometry);
      const active = scan.sectors.filter((s) => s.state === 'active').sort((a, b) => a.seq - b.seq);
      let last = 0;
      for (const sector of active) {
        const seqs = scan.frames.filter((f) => f.sector === sector.index).map((f) => f.seq);
        if (last > 0 && seqs.some((seq) => seq < last) && seqs.some((seq) => seq > last)) return { previous: active[active.indexOf(sector) - 1]!, sector };
        last = Math.max(last, ...seqs);
      }
      return undefined;
    };
    let found;
    for (let i = 0; i < 2000 && !(found = copiesBelow(flash.snapshot().image)); i++) await journal.takeCounter('stan');
    expect(found).toBeDefined();
    // The page holding the end of the sector before them reads erased.
    const previousFrames = framesOf(flash.snapshot().image, found!.previous.index);
    const end = previousFrames.at(-1)!;
    erasePage(flash, end.offset + end.length - 1);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    const left = framesOf(flash.snapshot().image, found!.previous.index).length;
    expect(replay.scan.recordsMissing).toBeGreaterThan(0);
    expect(replay.scan.recordsMissing).toBeLessThanOrEqual(previousFrames.length - left);
    expect(replay.findings).toContainEqual(expect.stringMatching(new RegExp(`^sector ${found!.previous.index}: ${replay.scan.recordsMissing} records after record \\d+ are missing`)));
  });
});

describe('mount, an orphan (both header copies rotted)', () => {
  it('that ends in a write torn by a cut (the next sector’s header says so): the orphan is reported once, the torn write is a cut’s leftover', async () => {
    const flash = device();
    let journal = await openJournal(flash, options);
    const calls: Step[] = [];
    for (let stan = 1; stan < 40; stan++) calls.push((j) => j.begin(sale(stan)), (j) => j.approve(stan, APPROVAL), (j) => j.printed(stan));
    const sector1Open = () => scanImage(flash.snapshot().image, flash.geometry).sectors[1]!.state === 'active';
    // Find the last call that wrote into sector 0, and tear it.
    const images = [flash.snapshot()];
    let next = 0;
    while (!sector1Open()) {
      await calls[next++]!(journal);
      images.push(flash.snapshot());
    }
    next -= 2;
    flash.restore(images[next]!);
    journal = await openJournal(flash, options);
    flash.armCut(flash.operationCount + 1, 'somebits');
    await expect(calls[next]!(journal)).rejects.toBeInstanceOf(PowerCut);
    flash.reboot();
    // Housekeeping moves on from a head with less room than a largest frame, flagging the tear.
    await (await openJournal(flash, options)).housekeep();
    expect(sector1Open()).toBe(true);
    const scan = scanImage(flash.snapshot().image, flash.geometry);
    expect(scan.sectors[0]!.tornTail).toBe(true);
    expect(scan.findings).toEqual([]);
    flipBit(flash, 5);
    flipBit(flash, COPY_B + 5);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([expect.stringMatching(/^sector 0: both header copies are unreadable/)]);
    expect(replay.recordsPossiblyLost).toBe(0);
  });

  it('between two sectors of the log: its records fill the numbers between them, none is reported missing', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await sellUntilSector(flash, journal, 2, 8);
    flipBit(flash, SECTOR + 5);
    flipBit(flash, SECTOR + COPY_B + 5);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([expect.stringMatching(/^sector 1: both header copies are unreadable/)]);
    expect(replay.recordsPossiblyLost).toBe(0);
  });
});

describe('skip markers', () => {
  /** A sector holding one 2-unit frame whose second unit is a skip marker naming `named` units. */
  function frameEndingInMarker(named: number): Uint8Array {
    const marker = encodeFrame(named, new Uint8Array(0), UNIT);
    const payload = new Uint8Array(16);
    payload.set([1, 2, 3, 4, 5, 6, 7]);
    payload.set(marker.subarray(0, 9), 7);
    const frame = encodeFrame(5, payload, UNIT);
    expect(frame.subarray(UNIT)).toEqual(marker);
    const image = new Uint8Array(device().geometry.size).fill(0xff);
    image.set(encodeSectorHeader(1, 0, UNIT), 0);
    image.set(frame, dataStart(UNIT));
    return image;
  }

  it('a frame whose second unit is the skip marker written after its torn first unit reads as one torn unit (16-byte unit)', () => {
    // A 2-unit frame whose first unit landed and whose second did not; the journal then wrote a
    // skip marker naming 1 unit where the erased part began. When the marker's bytes equal what the
    // frame's second unit would have held, the frame reads intact: it is still the torn write.
    const geometry = device().geometry;
    const replay = replayImage(frameEndingInMarker(1), geometry);
    expect(replay.scan.frames).toEqual([]);
    expect(replay.findings).toEqual([]);
    expect(replay.recordsPossiblyLost).toBe(0);
    expect(buildReport(replay, geometry, undefined).sectors[0]).toMatchObject({ state: 'active', damagedUnits: 1 });
  });

  it('a marker-shaped unit inside a frame that names other units than the ones before it is part of the record', () => {
    // 65537 units: the same low 16 bits as the 1 unit before it.
    const scan = scanImage(frameEndingInMarker(65537), device().geometry);
    expect(scan.frames.map((f) => f.seq)).toEqual([5]);
    expect(scan.findings).toEqual([]);
  });

  it('a skip marker right after an intact record does not take the record', async () => {
    const { flash, stans } = await threeSales();
    const last = framesOf(flash.snapshot().image, 0).at(-1)!;
    await flash.program(last.offset + last.length, encodeFrame(last.length / UNIT, new Uint8Array(0), UNIT));
    await flash.sync();
    const mounted = await openJournal(flash, options);
    expect(printedStans(mounted)).toEqual(stans);
  });

  it('a 1-byte-unit journal mounts past record 256 (its sequence bytes 00 01 00 00 look like the start of a marker)', async () => {
    const flash = device(1);
    const journal = await openJournal(flash, options);
    for (let i = 0; i < 260; i++) await journal.takeCounter('voucher');
    const scan = scanImage(flash.snapshot().image, flash.geometry);
    expect(scan.frames.some((f) => f.seq === 256)).toBe(true);
    const mounted = await openJournal(flash, options);
    expect(mounted.health().findings).toEqual([]);
    expect(await mounted.takeCounter('voucher')).toBe(260 + 17 + 1);
  });
});
