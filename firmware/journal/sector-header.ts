import { crc32 } from '../drivers/flash/crc32.js';
import { roundUp } from './frame.js';

/**
 * Every sector in use starts with a header slot and a retire slot (each 16 bytes rounded up to the
 * program unit). Header: `magic u16 "PJ" | version u8 | 0xFF | sector seq u32 | erase count u32 |
 * crc u32` (all LE). The retire slot stays erased while the sector is part of the log; GC programs
 * it to zeros once every live record has a copy elsewhere, then erases the sector.
 */
export const SECTOR_MAGIC = 0x4a50;
export const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

export function headerSlotBytes(programUnit: number): number {
  return roundUp(HEADER_BYTES, programUnit);
}

/** Offset, within a sector, of the first record. */
export function dataStart(programUnit: number): number {
  return 2 * headerSlotBytes(programUnit);
}

export function encodeSectorHeader(seq: number, eraseCount: number, programUnit: number): Uint8Array {
  const slot = new Uint8Array(headerSlotBytes(programUnit)).fill(0xff);
  const view = new DataView(slot.buffer);
  view.setUint16(0, SECTOR_MAGIC, true);
  slot[2] = FORMAT_VERSION;
  view.setUint32(4, seq, true);
  view.setUint32(8, Math.min(eraseCount, 0xffffffff), true);
  view.setUint32(12, crc32(slot, 0, 12), true);
  return slot;
}

export function encodeRetireMark(programUnit: number): Uint8Array {
  return new Uint8Array(headerSlotBytes(programUnit));
}

export type SectorHeaderRead =
  | { kind: 'blank' }
  | { kind: 'valid'; seq: number; eraseCount: number }
  /** A well-formed header of another format version: this code must not touch the image. */
  | { kind: 'foreign'; version: number }
  | { kind: 'damaged' };

export function readSectorHeader(bytes: Uint8Array, offset: number): SectorHeaderRead {
  let blank = true;
  for (let i = offset; i < offset + HEADER_BYTES; i++) if (bytes[i] !== 0xff) blank = false;
  if (blank) return { kind: 'blank' };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_BYTES);
  if (view.getUint16(0, true) !== SECTOR_MAGIC || view.getUint32(12, true) !== crc32(bytes, offset, offset + 12)) {
    return { kind: 'damaged' };
  }
  const version = bytes[offset + 2]!;
  if (version !== FORMAT_VERSION) return { kind: 'foreign', version };
  return { kind: 'valid', seq: view.getUint32(4, true), eraseCount: view.getUint32(8, true) };
}
