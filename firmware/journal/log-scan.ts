import type { FlashGeometry } from '../drivers/flash/flash-device.js';
import { isErased, readFrame } from './frame.js';
import { JournalError } from './journal.js';
import { dataStart, headerSlotBytes, readSectorHeader } from './sector-header.js';

/**
 * Recovery's one linear pass over the image: classify every sector and list every intact frame.
 * Pure (takes the image bytes), so mount, the inspector and the tests share it.
 */
export type SectorState =
  /** Every byte reads erased: it may be programmed without an erase. */
  | 'erased'
  /** Not part of the log (torn header, retired, half-erased): erase before use. */
  | 'dirty'
  /** A valid header and an erased retire slot: part of the log. */
  | 'active';

export interface SectorScan {
  index: number;
  state: SectorState;
  /** Active sectors: order in the ring (higher = newer). */
  seq: number;
  /** From the header; undefined when no header could be read. */
  eraseCount: number | undefined;
  /** Where the erased tail starts (relative to the sector): everything from here on reads erased. */
  end: number;
  /** Program units skipped because no intact frame starts there (a torn write, or damage). */
  damagedUnits: number;
  retired: boolean;
}

export interface ScannedFrame {
  seq: number;
  sector: number;
  /** Absolute offset of the frame. */
  offset: number;
  length: number;
  payload: Uint8Array;
}

export interface ImageScan {
  sectors: SectorScan[];
  /** Frames of active sectors in physical order (sort by seq to replay). */
  frames: ScannedFrame[];
}

export function scanImage(image: Uint8Array, geometry: FlashGeometry): ImageScan {
  const { sectorSize, programUnit } = geometry;
  const sectors: SectorScan[] = [];
  const frames: ScannedFrame[] = [];
  for (let index = 0; index * sectorSize < image.length; index++) {
    const base = index * sectorSize;
    const header = readSectorHeader(image, base);
    const scan: SectorScan = { index, state: 'dirty', seq: 0, eraseCount: undefined, end: 0, damagedUnits: 0, retired: false };
    sectors.push(scan);
    if (header.kind === 'foreign') {
      throw new JournalError(`sector ${index} holds journal format version ${header.version}; this code reads version 1 and will not touch it`);
    }
    if (header.kind === 'blank') {
      scan.state = isErased(image, base, base + sectorSize) ? 'erased' : 'dirty';
      continue;
    }
    if (header.kind === 'damaged') continue;
    scan.eraseCount = header.eraseCount;
    const slot = headerSlotBytes(programUnit);
    if (!isErased(image, base + slot, base + 2 * slot)) {
      scan.retired = true;
      continue;
    }
    scan.state = 'active';
    scan.seq = header.seq;
    // After a torn frame, step one program unit at a time until a frame or an erased tail: a
    // torn write never ends a sector, so the journal can keep appending after it (see FORMAT.md).
    let offset = base + dataStart(programUnit);
    const end = base + sectorSize;
    while (offset < end) {
      const read = readFrame(image, offset, end, programUnit);
      if (read.kind === 'frame') {
        frames.push({ seq: read.seq, sector: index, offset, length: read.length, payload: read.payload });
        offset += read.length;
        continue;
      }
      if (read.kind === 'end' && isErased(image, offset, end)) break;
      scan.damagedUnits++;
      offset += programUnit;
    }
    scan.end = offset - base;
  }
  return { sectors, frames };
}
