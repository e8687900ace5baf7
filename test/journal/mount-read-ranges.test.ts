import { describe, expect, it } from 'vitest';
import { crc32 } from '../../firmware/drivers/flash/crc32.js';
import { dataEnd, dataStart, encodeSectorHeader, headerSlotBytes, readHeaderCopy, readRetireSlot, retireSlotOffset } from '../../firmware/journal/sector-header.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { TEST_KEY, sale } from './sample-transactions.js';
import { CountingEeprom, mount, sales, writePosition } from './counting-eeprom.js';
import { expectRemountOf } from './remount-view.js';

/**
 * Which bytes mount reads on an EEPROM (FORMAT.md; mount-read.ts): every sector's two header
 * copies; the retire slots of each sector with a header; the end mark only where a start slot reads
 * retired; closed sectors' and orphans' data whole; the head up to the first frame position that
 * reads erased (nine bytes), in 128-byte windows. Never a byte twice, never less than the scan needs.
 */
const HEADERS = 2 * headerSlotBytes(1);
const START = dataStart(1);
const WINDOW = 128;

interface Expected {
  head: number;
  /** Offset within the head up to which it must be read (default: its frames, then nine erased bytes). */
  headNeeds?: number;
  retired?: number[];
  orphans?: number[];
}

function expectReads(device: CountingEeprom, { head, headNeeds, retired = [], orphans = [] }: Expected): void {
  const { size, sectorSize } = device.geometry;
  const end = dataEnd(sectorSize, 1);
  expect(Math.max(...device.readCount), 'a byte read twice').toBe(1);
  for (let s = 0; s < size / sectorSize; s++) {
    const base = s * sectorSize;
    const readIn = (from: number, to: number) => device.readIn(base + from, base + to);
    expect(readIn(0, HEADERS), `sector ${s}: header copies`).toBe(HEADERS);
    const rest = readIn(HEADERS, sectorSize);
    if (orphans.includes(s)) expect(rest, `orphan ${s}`).toBe(sectorSize - HEADERS);
    else if (retired.includes(s)) {
      expect(readIn(HEADERS, START) + readIn(end, sectorSize), `retired ${s}: retire slots and end mark`).toBe(START - HEADERS + sectorSize - end);
      expect(rest, `retired ${s}: nothing else`).toBe(START - HEADERS + sectorSize - end);
    } else if (s === head) {
      const needs = Math.min(headNeeds ?? writePosition(device, s) + 9, end);
      expect(readIn(HEADERS, needs), `head ${s}: up to ${needs}`).toBe(needs - HEADERS);
      expect(readIn(needs, sectorSize), `head ${s}: past ${needs}`).toBeLessThan(WINDOW);
    } else if (device.bytes.subarray(base, base + HEADERS).every((b) => b === 0xff)) expect(rest, `free ${s}`).toBe(0);
    else expect(rest, `closed ${s}`).toBe(sectorSize - HEADERS);
  }
}

/** The sector with the highest sequence number among those with a header and no retire mark. */
function headOf(device: CountingEeprom): number {
  const { size, sectorSize } = device.geometry;
  let head = -1;
  let best = -1;
  for (let s = 0; s < size / sectorSize; s++) {
    const copy = readHeaderCopy(device.bytes, s * sectorSize);
    const marked = [0, 1].some((n) => readRetireSlot(device.bytes, s * sectorSize + retireSlotOffset(1, n, sectorSize), 1) === 'retired');
    if (copy.kind === 'valid' && !marked && copy.seq > best) [head, best] = [s, copy.seq];
  }
  return head;
}

describe('what mount reads of an EEPROM journal', () => {
  it('a used journal: headers, closed sectors whole, the head up to its erased tail, in one request per phase', async () => {
    const device = new CountingEeprom({ pipelined: true });
    const journal = await mount(device);
    await sales(journal, 1, 24);
    await journal.begin(sale(25));
    await journal.requireReversal(25, '98');
    const head = headOf(device);
    expect(head).toBe(3);
    expect(writePosition(device, head)).toBeGreaterThan(START + 2 * WINDOW);
    device.resetCounts();
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), journal.view());
    expectReads(device, { head });
    // Headers, retire slots, closed sectors with the head's first window, then one per further window.
    const windows = Math.ceil((writePosition(device, head) + 9 - START) / WINDOW);
    expect(device.requests).toBe(3 + windows - 1);
  });

  it('a ring that wrapped: the head is the newest sector, not the last one', async () => {
    const device = new CountingEeprom({ size: 8 * 1024 });
    const journal = await mount(device);
    for (let round = 0; round < 12; round++) {
      await sales(journal, 1 + 5 * round, 5);
      await journal.settle(round + 1);
    }
    const head = headOf(device);
    expect(head).toBeLessThan(4);
    device.resetCounts();
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), journal.view());
    expectReads(device, { head });
  });

  for (const spoiled of [false, true]) {
    it(`a sector retired but not yet erased (a cut before the erase${spoiled ? '; its first retire slot spoiled by rot, so slot 2 holds the mark' : ''}): its records are not read`, async () => {
      const target = 2;
      let kept: Uint8Array | undefined;
      const device = new (class extends CountingEeprom {
        override async erase(sector: number): Promise<void> {
          if (sector === target && !kept) kept = this.bytes.slice(sector * 1024, (sector + 1) * 1024);
          return super.erase(sector);
        }
      })({ size: 8 * 1024 });
      let journal = await mount(device);
      for (let stan = 1; !kept; stan++) {
        await sales(journal, stan, 1);
        if (stan % 5 === 0) await journal.settle(stan / 5);
        const slot = target * 1024 + retireSlotOffset(1, 0, 1024);
        if (spoiled && device.bytes[target * 1024] !== 0xff && device.bytes[slot] === 0xff) {
          // One flipped bit in the erased first retire slot, seen at a mount: GC marks the second one instead.
          device.bytes[slot] = 0xfe;
          journal = await mount(device);
        }
      }
      device.bytes.set(kept, target * 1024);
      const slots = [0, 1].map((n) => readRetireSlot(device.bytes, target * 1024 + retireSlotOffset(1, n, 1024), 1));
      expect(slots).toEqual(spoiled ? ['spoiled', 'retired'] : ['retired', 'erased']);
      device.resetCounts();
      const remounted = await mount(device);
      expectRemountOf(remounted.view(), journal.view());
      expectReads(device, { head: headOf(device), retired: [target] });
    });
  }

  it('a head whose header copy A rotted: still read only up to its erased tail', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    await sales(journal, 1, 14);
    const head = headOf(device);
    expect(head).toBeGreaterThan(0);
    device.bytes[head * 1024 + 5] ^= 0x10;
    device.resetCounts();
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), journal.view());
    expectReads(device, { head });
  });

  it('a closed sector whose header copy A reads blank and copy B rotted is an orphan: read whole, its records kept', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    await sales(journal, 1, 20);
    const before = journal.view();
    device.bytes.fill(0xff, 1024, 1024 + headerSlotBytes(1));
    device.bytes[1024 + headerSlotBytes(1) + 6] ^= 0x04;
    device.resetCounts();
    const remounted = await mount(device);
    expect(remounted.view().transactions).toEqual(before.transactions);
    expect(remounted.health().findings.join('\n')).toMatch(/sector 1: both header copies are unreadable/);
    expectReads(device, { head: headOf(device), orphans: [1] });
  });

  it('a head whose frames end nine bytes before the end of the first window: no second window is read', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    for (let value = 70_000; value < 70_007; value++) await journal.raiseCounter('stan', value);
    expect(writePosition(device, 0)).toBe(START + WINDOW - 9);
    device.resetCounts();
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), journal.view());
    expectReads(device, { head: 0 });
    expect(device.readIn(START + WINDOW, 1024)).toBe(0);
  });

  it('a frame across a window edge is read whole, even when its part already read holds nine 0xFF bytes (an IV that came out all ones)', async () => {
    const device = new CountingEeprom();
    const journal = await openJournal(device, { deviceKey: TEST_KEY, randomBytes: (n) => new Uint8Array(n).fill(0xff) });
    for (const value of [70_000, 70_001, 70_002]) await journal.raiseCounter('stan', value);
    const at = writePosition(device, 0);
    await journal.begin(sale(1));
    // The begin's sealed PAN starts with its IV, 46 bytes in: inside the first window, the frame's end outside it.
    expect(device.bytes.subarray(at + 46, at + 58).every((b) => b === 0xff)).toBe(true);
    expect(at + 58).toBeLessThan(START + WINDOW);
    expect(writePosition(device, 0)).toBeGreaterThan(START + WINDOW);
    device.resetCounts();
    const remounted = await mount(device);
    expect(remounted.find(1)?.status).toBe('pending');
    expectReads(device, { head: 0 });
  });

  it('a head ending in a torn write whose length reaches exactly the end of the first window: read only that window', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    for (const value of [70_000, 70_001, 70_002]) await journal.raiseCounter('stan', value);
    const at = writePosition(device, 0);
    expect(at).toBe(START + 3 * 17);
    // The cut left the length byte and some cleared bits of a frame that would end at START + WINDOW.
    device.bytes[at] = START + WINDOW - at - 9;
    device.bytes.fill(0x00, at + 1, at + 20);
    device.resetCounts();
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), journal.view());
    expectReads(device, { head: 0, headNeeds: at + 29 });
    expect(device.readIn(START + WINDOW, 1024)).toBe(0);
  });

  it('a head ending in a torn write near its end whose length runs past the sector: not read to the end', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    let stan = 1;
    while (writePosition(device, 0) < 760) await sales(journal, stan++, 1);
    const at = writePosition(device, 0);
    expect(headOf(device)).toBe(0);
    expect(at + 20 + 9).toBeLessThanOrEqual(960);
    device.bytes[at] = 254;
    device.bytes.fill(0x00, at + 1, at + 20);
    device.resetCounts();
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), journal.view());
    expectReads(device, { head: 0, headNeeds: at + 29 });
    expect(device.readIn(960, 1024)).toBe(0);
  });

  it('a head filled to its last byte by a frame across a window edge: that frame is read whole, and the mount ends', async () => {
    // Five sales, seven counters and a begin end at 961: a sector of 977 bytes holds them exactly,
    // the begin one byte across the edge at 960, with its IV (all ones here, 46 bytes in) before it.
    const sectorSize = 977;
    const device = new CountingEeprom({ size: 32 * sectorSize, sectorSize });
    const journal = await openJournal(device, { deviceKey: TEST_KEY, randomBytes: (n) => new Uint8Array(n).fill(0xff) });
    await sales(journal, 1, 5);
    for (let value = 70_000; value < 70_007; value++) await journal.raiseCounter('stan', value);
    const at = writePosition(device, 0);
    await journal.begin(sale(6));
    expect(device.bytes.subarray(at + 46, at + 58).every((b) => b === 0xff)).toBe(true);
    expect(writePosition(device, 0)).toBe(dataEnd(sectorSize, 1));
    expect(dataEnd(sectorSize, 1) - 1).toBe(START + 7 * WINDOW);
    expect(device.bytes[sectorSize]).toBe(0xff);
    device.resetCounts();
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), journal.view());
    expect(remounted.find(6)?.status).toBe('pending');
    expectReads(device, { head: 0 });
  });
});

describe('an image this code must not touch', () => {
  it('a format 1 sector (copy B rotted) stops the mount on its header copies alone: no sector body is read', async () => {
    const device = new CountingEeprom();
    const header = encodeSectorHeader(1, 0, 1).subarray(0, 16);
    header[2] = 1;
    new DataView(header.buffer, header.byteOffset).setUint32(12, crc32(header, 0, 12), true);
    device.bytes.set(header, 3 * 1024);
    device.bytes.set(header, 3 * 1024 + 16);
    device.bytes[3 * 1024 + 16 + 9] ^= 0x01;
    const error = await mount(device).catch((e: unknown) => e);
    expect(String(error)).toMatch(/JournalError: sector 3 holds journal format version 1/);
    expect(device.bytesRead).toBe(32 * HEADERS);
  });
});

describe('what mount reads of NOR flash', () => {
  it('the whole area, in one request: appends rely on the head reading erased to its end', async () => {
    const { SimulatedNorFlash } = await import('../../firmware/drivers/flash/simulated-nor.js');
    const flash = new SimulatedNorFlash({ size: 8 * 4096, sectorSize: 4096, programUnit: 16, seed: 3 });
    const journal = await mount(flash);
    await sales(journal, 1, 3);
    const reads: [number, number][] = [];
    const read = flash.read.bind(flash);
    flash.read = (offset, length) => (reads.push([offset, length]), read(offset, length));
    const remounted = await mount(flash);
    expectRemountOf(remounted.view(), journal.view());
    expect(reads).toEqual([[0, 8 * 4096]]);
  });
});
