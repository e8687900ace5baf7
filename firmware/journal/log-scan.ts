import type { FlashGeometry } from '../drivers/flash/flash-device.js';
import { isErased, readFrame } from './frame.js';
import { JournalError } from './journal.js';
import {
  dataEnd,
  dataStart,
  FLAG_PREVIOUS_ENDS_TORN,
  headerSlotBytes,
  READABLE_VERSIONS,
  readHeaderCopy,
  readRetireSlot,
  retireSlotOffset,
  retiredBySlots,
} from './sector-header.js';

/**
 * Recovery's one linear pass over the image: classify every sector and list every intact frame.
 * Pure (takes the image bytes), so mount, the inspector and the tests share it.
 */
export type SectorState =
  /** Every byte reads erased: it may be programmed without an erase. */
  | 'erased'
  /** Not part of the log (torn header, retired, half-erased): erase before use. */
  | 'dirty'
  /** A readable header (or, for an orphan, intact frames) and no retire mark: part of the log. */
  | 'active';

export interface SectorScan {
  index: number;
  state: SectorState;
  /** Active sectors: order in the ring (higher = newer). 0 for an orphan. */
  seq: number;
  /** From the header; undefined when no header could be read. */
  eraseCount: number | undefined;
  /** Where the erased tail starts (relative to the sector): everything from here on reads erased. */
  end: number;
  /** Program units skipped because no intact frame starts there (a torn write, or damage). */
  damagedUnits: number;
  retired: boolean;
  /** Which retire slots (start 1, start 2, end) still read erased. */
  retireSlotsErased: [boolean, boolean, boolean];
  /** Units skipped just before the erased tail: a write torn by a cut (or damage to the last frame). */
  tornTail: boolean;
  tailUnits: number;
  /** Units skipped with an intact frame after them and no skip marker explaining them: damage. */
  interiorUnits: number;
  /** Header flags (FLAG_PREVIOUS_ENDS_TORN). */
  flags: number;
  /** Both header copies unreadable but intact frames inside: read for its records, then collected first. */
  orphan: boolean;
  /** One header copy reads, the other does not (a header program torn by a cut, or rot). */
  headerCopyDamaged: boolean;
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
  /** What the format cannot account for (never a power cut's ordinary leftovers). Empty on a healthy image. */
  findings: string[];
  /** At most this many records may have been lost (each damaged unit could have started a frame). */
  recordsPossiblyLost: number;
  /** Of those, records missing between two sectors: their sequence numbers are known (below the last). */
  recordsMissing: number;
}

export function scanImage(image: Uint8Array, geometry: FlashGeometry): ImageScan {
  const { sectorSize, programUnit } = geometry;
  const slot = headerSlotBytes(programUnit);
  const sectors: SectorScan[] = [];
  const frames: ScannedFrame[] = [];
  const findings: string[] = [];
  let recordsPossiblyLost = 0;
  for (let index = 0; index * sectorSize < image.length; index++) {
    const base = index * sectorSize;
    const copies = [readHeaderCopy(image, base), readHeaderCopy(image, base + slot)] as const;
    const retire = [0, 1, 2].map((n) => readRetireSlot(image, base + retireSlotOffset(programUnit, n, sectorSize), programUnit));
    const scan: SectorScan = {
      index,
      state: 'dirty',
      seq: 0,
      eraseCount: undefined,
      end: 0,
      damagedUnits: 0,
      // The end mark alone retires only a sector whose headers are gone (an erase torn after it
      // cleared them); beside a readable header it is a retire torn by a cut: the sector stays.
      retired: retiredBySlots([retire[0]!, retire[1]!], retire[2]!),
      retireSlotsErased: [retire[0] === 'erased', retire[1] === 'erased', retire[2] === 'erased'],
      tornTail: false,
      tailUnits: 0,
      interiorUnits: 0,
      flags: 0,
      orphan: false,
      headerCopyDamaged: false,
    };
    sectors.push(scan);
    for (const copy of copies) {
      if (copy.kind === 'foreign') {
        throw new JournalError(`sector ${index} holds journal format version ${copy.version}; this code reads versions ${READABLE_VERSIONS.join(' and ')} and will not touch it`);
      }
    }
    const header = copies[0].kind === 'valid' ? copies[0] : copies[1].kind === 'valid' ? copies[1] : undefined;
    if (!header) {
      const blank = copies[0].kind === 'blank' && copies[1].kind === 'blank';
      // A blank first copy beside an end mark that is not erased: an erase torn after it cleared
      // the headers (or while it was clearing copy B, which then reads damaged, not blank). Spoiled
      // counts too: a retire torn after its start mark landed whole and its end mark in part still
      // took the sector out of the log (retiredBySlots), and an erase torn after that cleared the
      // start mark leaves only the spoiled end mark. Only a retired sector is ever erased, and GC
      // programs the end mark before any erase, so a sector in the log has an erased end mark (or a
      // spoiled one beside records that all have copies: a retire torn before its start mark).
      if (copies[0].kind === 'blank' && retire[2] !== 'erased') {
        scan.retired = true;
        continue;
      }
      if (blank && isErased(image, base, base + sectorSize)) {
        scan.state = 'erased';
        continue;
      }
      // No readable header (and, beside a blank copy A, an erased end mark): a header program torn
      // by a cut (nothing was written after it), an erase torn before it reached anything (all
      // reads erased but a scrap), or damage. Frames are the ground truth: a sector that still holds intact ones is
      // never erased on its header's word. (An erase torn after clearing the headers leaves the
      // end retire mark, so dead records never come back this way.)
      const found = scanFrames(image, index, base, sectorSize, programUnit, scan);
      if (found.length === 0) {
        Object.assign(scan, { damagedUnits: 0, tornTail: false, tailUnits: 0, interiorUnits: 0, end: 0 });
        continue;
      }
      // Unreadable (not blank) headers beside a retire mark happen only by damage: a torn erase
      // scrambles the marks too. The frames decide.
      scan.retired = false;
      frames.push(...found);
      Object.assign(scan, { state: 'active', orphan: true });
      findings.push(`sector ${index}: both header copies are unreadable; ${found.length} records recovered from its frames`);
      recordsPossiblyLost += noteInteriorDamage(scan, findings);
      continue;
    }
    scan.eraseCount = header.eraseCount;
    if (scan.retired) continue;
    scan.state = 'active';
    scan.seq = header.seq;
    scan.flags = header.flags;
    const found = scanFrames(image, index, base, sectorSize, programUnit, scan);
    frames.push(...found);
    const [a, b] = copies;
    scan.headerCopyDamaged = a.kind !== 'valid' || b.kind !== 'valid';
    if (a.kind === 'valid' && b.kind === 'valid' && (a.seq !== b.seq || a.eraseCount !== b.eraseCount)) {
      findings.push(`sector ${index}: its two header copies disagree (sequence ${a.seq} and ${b.seq}); copy A is used`);
    } else if (found.length > 0 && scan.headerCopyDamaged) {
      // Both copies land in one program call before any frame, so a frame behind a bad copy means rot.
      findings.push(`sector ${index}: header copy ${a.kind === 'valid' ? 'B' : 'A'} is damaged (the other copy holds)`);
    }
    recordsPossiblyLost += noteInteriorDamage(scan, findings);
  }
  // A torn tail is a cut's leftover only in the head (the last write) or in a sector whose
  // successor says so in its header (the journal opened it because of that tail).
  const active = sectors.filter((s) => s.state === 'active' && !s.orphan);
  const headSeq = Math.max(0, ...active.map((s) => s.seq));
  for (const sector of active) {
    if (!sector.tornTail || sector.seq === headSeq) continue;
    const successor = active.find((s) => s.seq === sector.seq + 1);
    if (successor && successor.flags & FLAG_PREVIOUS_ENDS_TORN) continue;
    findings.push(`sector ${sector.index}: the last record before its erased tail fails its CRC, and no power cut explains it`);
    recordsPossiblyLost += sector.tailUnits;
  }
  const recordsMissing = noteMissingRecords(active, frames, findings);
  return { sectors, frames, findings, recordsPossiblyLost: recordsPossiblyLost + recordsMissing, recordsMissing };
}

/**
 * New records take consecutive sequence numbers, and only whole sectors leave the log, oldest
 * first: so the first new record of a sector follows the last record of the sector before it. A
 * gap means records at the end of that sector were lost in a way a torn tail does not show (a page
 * read erased). GC copies keep their old numbers and never count as new. A mount that saw damage
 * of unknown numbers skips numbers on purpose (open-journal.ts): a gap that leaves between sectors
 * is reported again until GC collects it.
 */
function noteMissingRecords(active: readonly SectorScan[], frames: readonly ScannedFrame[], findings: string[]): number {
  const present = new Set(frames.map((f) => f.seq));
  const bySector = new Map<number, number[]>();
  for (const frame of frames) {
    if (!bySector.has(frame.sector)) bySector.set(frame.sector, []);
    bySector.get(frame.sector)!.push(frame.seq);
  }
  let missing = 0;
  let last: { index: number; seq: number } | undefined;
  for (const sector of [...active].sort((a, b) => a.seq - b.seq)) {
    const seqs = bySector.get(sector.index) ?? [];
    const fresh = last ? seqs.filter((seq) => seq > last!.seq) : [];
    if (last && fresh.length > 0) {
      const firstNew = Math.min(...fresh);
      let gap = 0;
      for (let seq = last.seq + 1; seq < firstNew; seq++) if (!present.has(seq)) gap++;
      if (gap > 0) findings.push(`sector ${last.index}: ${gap} records after record ${last.seq} are missing (its end was lost)`);
      missing += gap;
    }
    if (seqs.length > 0) last = { index: sector.index, seq: Math.max(last?.seq ?? 0, ...seqs) };
  }
  return missing;
}

/**
 * Reads frames from the data start. After a unit that starts no intact frame, steps one program
 * unit at a time until a frame or an erased tail. Damage followed only by the erased tail is a torn
 * tail; damage followed by a skip marker naming exactly its units is a torn write the journal
 * appended after; any other damage followed by a frame is interior damage (never a cut).
 */
function scanFrames(
  image: Uint8Array,
  index: number,
  base: number,
  sectorSize: number,
  programUnit: number,
  scan: SectorScan,
): ScannedFrame[] {
  const found: ScannedFrame[] = [];
  let offset = base + dataStart(programUnit);
  const end = base + dataEnd(sectorSize, programUnit);
  let run = 0;
  let interior = 0;
  while (offset < end) {
    const read = readFrame(image, offset, end, programUnit);
    const marker = read.kind === 'frame' ? markerWithin(image, offset, read.length, run, end, programUnit) : undefined;
    if (marker !== undefined) {
      // A torn frame the skip marker written after it completed (see markerWithin): torn units.
      scan.damagedUnits += (marker - offset) / programUnit;
      run += (marker - offset) / programUnit;
      offset = marker;
      continue;
    }
    if (read.kind === 'frame') {
      // An empty frame is a skip marker: the journal wrote it after a torn write, naming the units
      // the tear left, so those are a cut's leftover and not damage (FORMAT.md, "Skip markers").
      if (read.payload.length === 0) {
        if (read.seq !== run) interior += run;
      } else {
        found.push({ seq: read.seq, sector: index, offset, length: read.length, payload: read.payload });
        interior += run;
      }
      offset += read.length;
      run = 0;
      continue;
    }
    if (read.kind === 'end' && isErased(image, offset, end)) break;
    scan.damagedUnits++;
    run++;
    offset += programUnit;
  }
  Object.assign(scan, { end: offset - base, tornTail: run > 0, tailUnits: run, interiorUnits: interior });
  return found;
}

/**
 * Where a skip marker starts inside the intact frame at `offset` (of `length` bytes), naming every
 * unit from the start of the current damaged run (`run` units before `offset`) up to itself; else
 * undefined. The journal writes a marker only where a torn write's erased tail started, and that
 * tail can be the unwritten suffix of the torn frame itself (on a 1-byte program unit): when the
 * marker's bytes equal that suffix, the frame reads intact. It was not (the writer saw it torn, its
 * call never returned, and its sequence number went to the next record), so the marker wins.
 */
function markerWithin(image: Uint8Array, offset: number, length: number, run: number, end: number, programUnit: number): number | undefined {
  for (let at = offset + programUnit; at < offset + length; at += programUnit) {
    // A skip marker starts with len 0 and names its units in the seq field: cheap tests first.
    if (image[at] !== 0) continue;
    const named = run + (at - offset) / programUnit;
    if (image[at + 1] !== (named & 0xff) || image[at + 2] !== ((named >>> 8) & 0xff)) continue;
    const read = readFrame(image, at, end, programUnit);
    if (read.kind === 'frame' && read.payload.length === 0 && read.seq === named) return at;
  }
  return undefined;
}

function noteInteriorDamage(scan: SectorScan, findings: string[]): number {
  const units = scan.interiorUnits;
  if (units > 0) findings.push(`sector ${scan.index}: ${units} program units fail their frame CRC between records (damage, not a power cut)`);
  return units;
}
