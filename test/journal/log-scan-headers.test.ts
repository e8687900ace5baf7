import { describe, expect, it } from 'vitest';
import { crc32 } from '../../firmware/drivers/flash/crc32.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { replayImage } from '../../firmware/journal/replay.js';
import { encodeSectorHeader } from '../../firmware/journal/sector-header.js';
import { buildReport } from '../../tools/journal-inspector/report.js';
import { erasePage, flipBit, rewrite } from './image-rot.js';
import { device, options, printedStans, SECTOR, threeSales, UNIT } from './log-scan-images.js';

/**
 * What mount makes of a sector whose header copies are damaged, blank or disagree (FORMAT.md,
 * "Sector layout" and "Bit rot"): which records it still reads, what it reports, and what the next
 * append or housekeeping does with the sector.
 */
const COPY_B = UNIT;

describe('mount, one header copy damaged beside frames', () => {
  it('copy A rotted: copy B holds, every record is read, and the report names copy A', async () => {
    const { flash, stans } = await threeSales();
    flipBit(flash, 5);
    const mounted = await openJournal(flash, options);
    expect(printedStans(mounted)).toEqual(stans);
    expect(mounted.health().findings).toEqual([expect.stringMatching(/sector 0: header copy A is damaged/)]);
  });

  it('copy B rotted: copy A holds, and the report names copy B', async () => {
    const { flash, stans } = await threeSales();
    flipBit(flash, COPY_B + 5);
    const mounted = await openJournal(flash, options);
    expect(printedStans(mounted)).toEqual(stans);
    expect(mounted.health().findings).toEqual([expect.stringMatching(/sector 0: header copy B is damaged/)]);
  });

  it('two valid copies that name another sequence number, or another erase count, are reported', async () => {
    for (const [seq, eraseCount] of [[7, 0], [1, 9]] as const) {
      const { flash, stans } = await threeSales();
      rewrite(flash, COPY_B, encodeSectorHeader(seq, eraseCount, UNIT).subarray(0, UNIT));
      const mounted = await openJournal(flash, options);
      expect(printedStans(mounted)).toEqual(stans);
      expect(mounted.health().findings).toEqual([expect.stringMatching(/sector 0: its two header copies disagree/)]);
    }
  });
});

describe('mount, both header copies unreadable beside frames (an orphan)', () => {
  it('reads the records, reports the sector, and housekeeping rescues them into the log', async () => {
    const { flash, stans } = await threeSales();
    flipBit(flash, 5);
    flipBit(flash, COPY_B + 5);
    const mounted = await openJournal(flash, options);
    expect(printedStans(mounted)).toEqual(stans);
    expect(mounted.health().findings).toEqual([expect.stringMatching(/sector 0: both header copies are unreadable; 9 records recovered/)]);
    // The inspector lists it as a sector in use, not as one GC retired.
    const report = buildReport(replayImage(flash.snapshot().image, flash.geometry), flash.geometry, undefined);
    expect(report.sectors[0]).toMatchObject({ state: 'active', records: 9 });
    await mounted.housekeep();
    const again = await openJournal(flash, options);
    expect(again.health().findings).toEqual([]);
    expect(printedStans(again)).toEqual(stans);
  });

  it('a record lost to rot inside an orphan counts as possibly lost', async () => {
    const { flash } = await threeSales();
    const frames = scanImage(flash.snapshot().image, flash.geometry).frames;
    const approve2 = frames[4]!;
    flipBit(flash, approve2.offset + 9);
    flipBit(flash, 5);
    flipBit(flash, COPY_B + 5);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([
      expect.stringMatching(/sector 0: both header copies are unreadable; 8 records recovered/),
      expect.stringMatching(/sector 0: 3 program units fail their frame CRC between records/),
    ]);
    expect(replay.recordsPossiblyLost).toBe(approve2.length / UNIT);
  });

  it('a page erased at the sector start (blank copies, erased end mark) leaves an orphan, not an erased sector', async () => {
    const { flash } = await threeSales();
    erasePage(flash, 0);
    const scan = scanImage(flash.snapshot().image, flash.geometry);
    expect(scan.sectors[0]).toMatchObject({ state: 'active', orphan: true });
    const mounted = await openJournal(flash, options);
    // Sale 1's records and sale 2's begin sat in the erased page; sale 3 is whole.
    expect(mounted.find(3)).toMatchObject({ status: 'approved', printed: true });
    expect(mounted.health().findings.join('\n')).toMatch(/sector 0: both header copies are unreadable/);
  });
});

describe('mount, a sector with unreadable headers and no intact frame', () => {
  it('an erase torn into random content is a dirty sector: no records, no damage counted', async () => {
    const { flash, stans } = await threeSales();
    // Sector 5 was never used; random bytes over it are what a torn erase leaves.
    let x = 12345;
    const noise = Uint8Array.from({ length: SECTOR }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
    rewrite(flash, 5 * SECTOR, noise);
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([]);
    expect(replay.scan.sectors[5]).toMatchObject({ state: 'dirty', orphan: false });
    const report = buildReport(replay, flash.geometry, undefined);
    expect(report.sectors[5]).toEqual({ index: 5, state: 'dirty', records: 0, damagedUnits: 0 });
    expect(printedStans(await openJournal(flash, options))).toEqual(stans);
  });
});

describe('mount, a header of another format version', () => {
  it('is refused with the versions this code reads', async () => {
    const flash = device();
    const header = encodeSectorHeader(1, 0, UNIT);
    header[2] = 4;
    new DataView(header.buffer).setUint32(12, crc32(header, 0, 12), true);
    await flash.program(0, header);
    await expect(openJournal(flash, options)).rejects.toThrow(/format version 4; this code reads versions 2 and 3/);
  });
});
