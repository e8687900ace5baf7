import { crc32 } from '../drivers/flash/crc32.js';
import { roundUp } from './frame.js';

/**
 * Every sector in use starts with four slots, each 16 bytes rounded up to the program unit:
 * header copy A, header copy B (the same bytes, programmed in the same call), retire slot 1 and
 * retire slot 2; the sector's last slot is a third, end retire mark. Header: `magic u16 "PJ" | version u8 | flags u8 | sector seq u32 | erase count u32 |
 * crc u32` (all LE). A retire slot stays erased while the sector is part of the log; GC programs
 * the first erased start slot and the end mark to zeros once every live record has a copy
 * elsewhere, then erases the sector. A retire slot counts as programmed when at least 3/4 of its
 * bits read 0, so one flipped bit neither retires a sector nor un-retires one (FORMAT.md, "Bit rot").
 */
export const SECTOR_MAGIC = 0x4a50;
/** The version new sectors are written with. */
export const FORMAT_VERSION = 3;
/**
 * Versions mount reads. Version 2 differs only in its begin records (kind 1, every field spelled
 * out), which version 3 code still decodes (FORMAT.md, "Versions").
 */
export const READABLE_VERSIONS: readonly number[] = [2, FORMAT_VERSION];
const HEADER_BYTES = 16;
const SLOTS = 4;
/** Header flag (cleared bit = set): the sector before this one (seq - 1) ends in a torn write. */
export const FLAG_PREVIOUS_ENDS_TORN = 0x01;

export function headerSlotBytes(programUnit: number): number {
  return roundUp(HEADER_BYTES, programUnit);
}

/** Offset, within a sector, of the first record. */
export function dataStart(programUnit: number): number {
  return SLOTS * headerSlotBytes(programUnit);
}

/**
 * End of the record area: the sector's last slot is the end retire mark, programmed with the first
 * one, so an erase torn after it cleared the headers still shows the sector was retired.
 */
export function dataEnd(sectorSize: number, programUnit: number): number {
  return sectorSize - headerSlotBytes(programUnit);
}

/** Offset, within a sector, of retire slot `n` (0 or 1 at the start; 2 is the end mark). */
export function retireSlotOffset(programUnit: number, n: number, sectorSize: number): number {
  return n === 2 ? dataEnd(sectorSize, programUnit) : (2 + n) * headerSlotBytes(programUnit);
}

/** Both header copies, back to back (one program call). */
export function encodeSectorHeader(seq: number, eraseCount: number, programUnit: number, flags = 0): Uint8Array {
  const size = headerSlotBytes(programUnit);
  const slots = new Uint8Array(2 * size).fill(0xff);
  const view = new DataView(slots.buffer);
  view.setUint16(0, SECTOR_MAGIC, true);
  slots[2] = FORMAT_VERSION;
  slots[3] = ~flags & 0xff;
  view.setUint32(4, seq, true);
  view.setUint32(8, Math.min(eraseCount, 0xffffffff), true);
  view.setUint32(12, crc32(slots, 0, 12), true);
  slots.copyWithin(size, 0, HEADER_BYTES);
  return slots;
}

export function encodeRetireMark(programUnit: number): Uint8Array {
  return new Uint8Array(headerSlotBytes(programUnit));
}

export type HeaderCopyRead =
  | { kind: 'blank' }
  | { kind: 'valid'; seq: number; eraseCount: number; flags: number }
  /** A well-formed header of another format version: this code must not touch the image. */
  | { kind: 'foreign'; version: number }
  | { kind: 'damaged' };

export function readHeaderCopy(bytes: Uint8Array, offset: number): HeaderCopyRead {
  let blank = true;
  for (let i = offset; i < offset + HEADER_BYTES; i++) if (bytes[i] !== 0xff) blank = false;
  if (blank) return { kind: 'blank' };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_BYTES);
  if (view.getUint16(0, true) !== SECTOR_MAGIC || view.getUint32(12, true) !== crc32(bytes, offset, offset + 12)) {
    return { kind: 'damaged' };
  }
  const version = bytes[offset + 2]!;
  if (!READABLE_VERSIONS.includes(version)) return { kind: 'foreign', version };
  return { kind: 'valid', seq: view.getUint32(4, true), eraseCount: view.getUint32(8, true), flags: ~bytes[offset + 3]! & 0xff };
}

export type RetireSlotRead = 'erased' | 'retired' | 'spoiled';

/**
 * Retired: at least 3/4 of the bits read 0 (one flipped bit, or random content, never passes for a
 * mark). Spoiled: some bits 0 (a torn mark or rot), so it cannot be programmed again.
 */
export function readRetireSlot(bytes: Uint8Array, offset: number, programUnit: number): RetireSlotRead {
  const size = headerSlotBytes(programUnit);
  let zeros = 0;
  for (let i = offset; i < offset + size; i++) zeros += 8 - popcount(bytes[i]!);
  if (zeros === 0) return 'erased';
  return 4 * zeros >= 3 * 8 * size ? 'retired' : 'spoiled';
}

function popcount(b: number): number {
  let n = 0;
  for (let x = b; x; x &= x - 1) n++;
  return n;
}

/**
 * Retired beside a readable header: a start slot reads retired and the end mark is not erased. GC
 * programs both before it syncs and erases, so one damaged program unit (a start slot filled with
 * zeros) never retires a sector in the log; a retire torn after only one of them landed leaves the
 * sector in the log, where its copies are duplicates (FORMAT.md). An end mark spoiled by an earlier
 * torn retire still counts, since GC cannot program it twice.
 */
export function retiredBySlots(start: readonly [RetireSlotRead, RetireSlotRead], end: RetireSlotRead): boolean {
  return (start[0] === 'retired' || start[1] === 'retired') && end !== 'erased';
}
