import { describe, expect, it } from 'vitest';
import { encodeFrame, readFrame } from '../../firmware/journal/frame.js';
import { dataStart, headerSlotBytes } from '../../firmware/journal/sector-header.js';
import { sale } from './sample-transactions.js';
import { CountingEeprom, mount, sales } from './counting-eeprom.js';
import { expectRemountOf } from './remount-view.js';

/** What the mount reads of every sector, used or not: its two header copies. */
const SLOTS_PER_SECTOR = 2 * headerSlotBytes(1);

describe('mount on an EEPROM reads only what the format needs (issue 12: 23.6 s to read 32 KiB at boot)', () => {
  it('an empty EEPROM: the two header copies of all 32 sectors only, with progress up to 100%', async () => {
    const device = new CountingEeprom();
    const progress: number[] = [];
    await mount(device, (f) => progress.push(f));
    expect(device.bytesRead).toBe(32 * SLOTS_PER_SECTOR);
    expect(progress.at(-1)).toBe(1);
  });

  it('a used journal: headers, the closed sectors and the head up to its erased tail; the same state as before', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    await sales(journal, 1, 40);
    await journal.begin(sale(41));
    await journal.requireReversal(41, '98');
    const used = new Set<number>();
    for (let s = 0; s < 32; s++) if (device.bytes[s * 1024] !== 0xff) used.add(s);
    device.bytesRead = 0;
    const progress: number[] = [];
    const remounted = await mount(device, (f) => progress.push(f));
    expectRemountOf(remounted.view(), journal.view());
    // At most one head window (128 bytes) past the data in use, never the free sectors.
    expect(device.bytesRead).toBeLessThanOrEqual(32 * SLOTS_PER_SECTOR + used.size * (1024 - SLOTS_PER_SECTOR));
    expect(device.bytesRead).toBeLessThan(used.size * 1024 + 32 * SLOTS_PER_SECTOR);
    expect(progress.every((f, i) => i === 0 || f >= progress[i - 1]!)).toBe(true);
  });

  it('a free sector whose header reads blank is read whole when the ring opens it, and erased when it is not (a torn erase)', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    await sales(journal, 1, 3);
    // A frame left behind a blank header by an erase cut short, in the next free sector.
    const first = readFrame(device.bytes, dataStart(1), 1024, 1);
    if (first.kind !== 'frame') throw new Error('expected a frame at the start of sector 0');
    const ghost = encodeFrame(999_999, first.payload, 1);
    const at = 2 * 1024 - ghost.length - 8;
    device.bytes.set(ghost, at);
    const remounted = await mount(device);
    await sales(remounted, 100, 4); // fills sector 0 and opens sector 1
    expect(device.bytes[1024]).not.toBe(0xff);
    const again = await mount(device);
    expectRemountOf(again.view(), remounted.view());
    expect(again.view().transactions.filter((t) => t.stan === 1)).toHaveLength(remounted.view().transactions.filter((t) => t.stan === 1).length);
    expect([...device.bytes.subarray(at, at + ghost.length)].every((b) => b === 0xff)).toBe(true);
  });

  it('a sector whose two header copies rotted (format v2 orphan) is read whole, so its records survive as on a full read', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    await sales(journal, 1, 30);
    await journal.begin(sale(31));
    await journal.requireReversal(31, '98');
    const before = journal.view();
    // One flipped bit in each header copy of sector 0: neither copy is readable, the frames are.
    device.bytes[4] ^= 0x01;
    device.bytes[headerSlotBytes(1) + 4] ^= 0x01;
    const remounted = await mount(device);
    expect(remounted.view().transactions.map((t) => [t.stan, t.status])).toEqual(before.transactions.map((t) => [t.stan, t.status]));
    expect(remounted.health().findings.join('\n')).toMatch(/sector 0: both header copies are unreadable/);
  });

  it('a sector with blank headers and an end retire mark (an erase cut short) keeps no stale record: read whole and erased before use', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    await sales(journal, 1, 3);
    // Sector 5: blank headers, stale bytes, end mark programmed.
    device.bytes.fill(0x00, 5 * 1024 + 1024 - headerSlotBytes(1), 6 * 1024);
    device.bytes.fill(0x5a, 5 * 1024 + 200, 5 * 1024 + 260);
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), journal.view());
  });

  it('a sector whose header copy A reads blank but copy B holds (a torn header write, appended to since) keeps its records', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    await sales(journal, 1, 5);
    const before = journal.view();
    device.bytes.fill(0xff, 0, headerSlotBytes(1));
    const remounted = await mount(device);
    expectRemountOf(remounted.view(), before);
  });
});
