import type { FlashDevice } from '../drivers/flash/flash-device.js';
import { frameBytes, FRAME_HEADER_BYTES, isErased, readFrame } from './frame.js';
import { dataEnd, dataStart, headerSlotBytes, readHeaderCopy, readRetireSlot, retiredBySlots, retireSlotOffset } from './sector-header.js';

/**
 * What the mount reads, on a device where every byte costs wire time (an EEPROM behind Firmata:
 * 0.39 ms a byte at 57600 baud). Only what the format needs (FORMAT.md): every sector's two
 * header copies, the retire slots of those with a header, then the body of every sector that may
 * hold records: closed ones and orphans (both header copies unreadable, not blank) whole, the head (the newest, the only one appended to) window by window until a frame position
 * reads erased. A sector whose two header copies read blank is taken as erased without reading the
 * rest: the ring reads it whole when it opens it and erases it first unless it is
 * (`unverifiedErased`). Bytes not read are left 0xFF in the image, which is exactly what the scan
 * assumes of them.
 *
 * On a device that needs erase-before-program (NOR) the whole image is read, as appends rely on
 * the head's tail reading erased; such devices are local and fast.
 */
export interface MountImage {
  image: Uint8Array;
  /** Sectors whose header reads blank but whose body was not read: check before programming them. */
  unverifiedErased: Set<number>;
}

/** Bytes of the head sector read per round while looking for its erased tail. */
const HEAD_WINDOW = 128;

type Range = { offset: number; length: number };

export async function readForMount(device: FlashDevice, onProgress?: (fraction: number) => void): Promise<MountImage> {
  const g = device.geometry;
  if (g.needsErase) {
    const image = await device.read(0, g.size);
    onProgress?.(1);
    return { image, unverifiedErased: new Set() };
  }
  const image = new Uint8Array(g.size).fill(g.erasedValue);
  const sectors = g.size / g.sectorSize;
  const start = dataStart(g.programUnit);
  const slot = headerSlotBytes(g.programUnit);
  const body = g.sectorSize - start;
  let done = 0;
  const headers = 2 * slot;
  // Progress is done / planned, where planned is what has been read plus an upper bound of what is
  // left, so it says 1 only once every read is done (it said 1 after the headers, seconds early on
  // the Uno's EEPROM). Each phase narrows the bound: progress jumps forward, never back.
  let planned = g.size;
  let shown = 0;
  const report = () => {
    shown = Math.max(shown, Math.min(1, done / planned));
    onProgress?.(shown);
  };
  const read = async (ranges: Range[]) => {
    const parts = device.readMany ? await device.readMany(ranges, (n) => ((done += n), report())) : await readOneByOne(device, ranges, (n) => ((done += n), report()));
    ranges.forEach((r, i) => image.set(parts[i]!, r.offset));
  };

  // First the two header copies alone. Two blank copies: a free sector, or an erase torn after it
  // cleared them (only retired sectors are erased); either way it is read whole before it is used,
  // so neither its retire slots nor its end mark are needed now.
  await read(Array.from({ length: sectors }, (_, s) => ({ offset: s * g.sectorSize, length: headers })));
  const unverifiedErased = new Set<number>();
  const withHeader: { index: number; seq: number }[] = [];
  const orphans: number[] = [];
  for (let s = 0; s < sectors; s++) {
    const base = s * g.sectorSize;
    const copies = [readHeaderCopy(image, base), readHeaderCopy(image, base + slot)];
    const header = copies.find((c) => c.kind === 'valid');
    if (header?.kind === 'valid') withHeader.push({ index: s, seq: header.seq });
    else if (copies.every((c) => c.kind === 'blank')) unverifiedErased.add(s);
    // Unreadable headers: the scan recovers the sector's records from its frames (an orphan).
    else if (copies.every((c) => c.kind !== 'foreign')) orphans.push(s);
    // a foreign header: the scan refuses the image on the header slots alone
  }
  // Then the retire slots of the sectors with a header: retired ones are not part of the log.
  // Each may then be read whole (a retired one only its end mark instead); orphans are.
  planned = done + withHeader.length * (start - headers + body) + orphans.length * (g.sectorSize - headers);
  await read(withHeader.map((s) => ({ offset: s.index * g.sectorSize + headers, length: start - headers })));
  const slotRead = (index: number, n: number) => readRetireSlot(image, index * g.sectorSize + retireSlotOffset(g.programUnit, n, g.sectorSize), g.programUnit);
  // A start mark counts only beside an end mark (retiredBySlots): read the end slot where one shows.
  const endSlot = dataEnd(g.sectorSize, g.programUnit);
  const marked = withHeader.filter(({ index }) => slotRead(index, 0) === 'retired' || slotRead(index, 1) === 'retired');
  await read(marked.map(({ index }) => ({ offset: index * g.sectorSize + endSlot, length: slot })));
  const active = withHeader.filter(({ index }) => !retiredBySlots([slotRead(index, 0), slotRead(index, 1)], slotRead(index, 2)));
  if (active.length === 0) {
    await read(orphans.map((s) => ({ offset: s * g.sectorSize + headers, length: g.sectorSize - headers })));
    onProgress?.(1);
    return { image, unverifiedErased };
  }
  const head = active.reduce((a, b) => (b.seq > a.seq ? b : a));
  const whole = [...active.filter((s) => s !== head).map((s) => ({ offset: s.index * g.sectorSize + start, length: body })), ...orphans.map((s) => ({ offset: s * g.sectorSize + headers, length: g.sectorSize - headers }))];
  // The head is read up to its erased tail: at most its body.
  planned = done + whole.reduce((n, r) => n + r.length, 0) + body;
  report();

  // Closed sectors end within one frame of their end: read them (and orphans) whole, with the head's first window.
  const headBase = head.index * g.sectorSize;
  let frontier = headBase + start + Math.min(HEAD_WINDOW, body);
  await read([...whole, { offset: headBase + start, length: frontier - headBase - start }]);
  const headEnd = headBase + endSlot;
  while (frontier < headEnd && !tailFound(image, headBase + start, frontier, headEnd, g.programUnit)) {
    const length = Math.min(HEAD_WINDOW, headEnd - frontier);
    await read([{ offset: frontier, length }]);
    frontier += length;
  }
  onProgress?.(1);
  return { image, unverifiedErased };
}

/** Walks the frames from `from` as the scan does; true once a frame position reads erased within what has been read. */
function tailFound(image: Uint8Array, from: number, readEnd: number, sectorEnd: number, unit: number): boolean {
  let offset = from;
  while (offset + FRAME_HEADER_BYTES <= readEnd) {
    if (isErased(image, offset, offset + FRAME_HEADER_BYTES)) return true;
    const length = image[offset]!;
    if (offset + frameBytes(length, unit) > readEnd && offset + frameBytes(length, unit) <= sectorEnd) return false;
    const frame = readFrame(image, offset, sectorEnd, unit);
    offset += frame.kind === 'frame' ? frame.length : unit;
  }
  return false;
}

async function readOneByOne(device: FlashDevice, ranges: Range[], onBytes: (n: number) => void): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const { offset, length } of ranges) {
    out.push(await device.read(offset, length));
    onBytes(length);
  }
  return out;
}
