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
  /** First byte after the last intact frame, relative to the sector. */
  end: number;
  /** True when everything from `end` to the end of the sector reads erased (records may be appended there). */
  tailErased: boolean;
  /** Frames that failed their CRC (a torn write or damage); recovery stops reading the sector there. */
  tornFrames: number;
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
    const scan: SectorScan = { index, state: 'dirty', seq: 0, eraseCount: undefined, end: 0, tailErased: false, tornFrames: 0, retired: false };
    sectors.push(scan);
    if (header.kind === 'foreign') {
      throw new JournalError(`sector ${index} holds journal format version ${header.version}; this code reads version 1 and will not touch it`);
    }
    if (header.kind === 'blank') {
      scan.state = isErased(image, base, base + sectorSize) ? 'erased' : 'dirty';
      scan.tailErased = scan.state === 'erased';
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
    let offset = base + dataStart(programUnit);
    for (;;) {
      const read = readFrame(image, offset, base + sectorSize, programUnit);
      if (read.kind !== 'frame') {
        if (read.kind === 'torn') scan.tornFrames++;
        break;
      }
      frames.push({ seq: read.seq, sector: index, offset, length: read.length, payload: read.payload });
      offset += read.length;
    }
    scan.end = offset - base;
    scan.tailErased = scan.tornFrames === 0 && isErased(image, offset, base + sectorSize);
  }
  return { sectors, frames };
}
