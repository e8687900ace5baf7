import type { FlashDevice } from '../drivers/flash/flash-device.js';
import { encodeFrame, frameBytes, MAX_PAYLOAD_BYTES } from './frame.js';
import type { RecordEffect } from './journal-state.js';
import type { ImageScan, SectorState } from './log-scan.js';
import { dataEnd, dataStart, encodeRetireMark, encodeSectorHeader, FLAG_PREVIOUS_ENDS_TORN, retireSlotOffset } from './sector-header.js';

/**
 * The ring of sectors the journal appends to, and its garbage collector. Sectors in the log are
 * ordered by their header's sequence number; records are appended to the newest (the head). When the
 * head is full and only FREE_SECTORS_KEPT sectors are free, the oldest sector (the tail) is collected:
 * 1. copy each live record whose only instance is in the tail to the head, verbatim (same sequence
 *    number, so replay order does not change and a duplicate is recognised), in one program call
 *    per sector they land in, and sync;
 * 2. program the tail's retire slot (mount ignores a retired sector);
 * 3. erase the tail once that is synced.
 * A cut at any step leaves either the tail still in the log (the copies are duplicates) or the
 * tail out of the log with every live record already copied. See FORMAT.md.
 *
 * Syncs are where an order on flash matters, and nowhere else (each one is a flush of the device):
 * - an operation on a sector waits for every earlier one on that sector (erase before header,
 *   header before frames, retire mark before erase): see `unsynced`;
 * - copies before the tail's retire mark, and a retire before the next collection (which decides
 *   what to copy from where the retired sector's records no longer count);
 * - the record before the call returns; the erase of a retired sector rides on that sync.
 * So a sector change costs one sync more than an append (retire mark and the next header share
 * it), not four.
 */
/**
 * Free sectors a normal append leaves behind: one for GC to copy into, and one more because a cut
 * during GC leaves the sector it was copying into closed (its tail is torn) with the tail sector
 * still to collect.
 */
export const FREE_SECTORS_KEPT = 2;

export interface LogEntry {
  seq: number;
  /** Absolute offset of the frame on the device. */
  offset: number;
  length: number;
  effect: RecordEffect;
}

export interface RingSector {
  index: number;
  state: SectorState;
  seq: number;
  eraseCount: number | undefined;
  /** Next free byte, relative to the sector; records may only go there when `appendable`. */
  end: number;
  appendable: boolean;
  entries: LogEntry[];
  /** Which retire slots (start 1, start 2, end) can still be programmed. */
  retireSlotsErased: [boolean, boolean, boolean];
  /** Ends in a torn write of `tailUnits` units: the next write here starts with a skip marker naming them. */
  tornTail: boolean;
  tailUnits: number;
  /** In the log by its frames only (both header copies unreadable): collected at the next append. */
  orphan: boolean;
}

/** What GC asks the journal's state about a record before it retires the record's sector. */
export interface RecordLiveness {
  /** The record can still change the state: copy it. */
  isLive(entry: LogEntry): boolean;
  /** Removed transactions whose status this dead record decides (copy it while their begin survives). */
  decidesRemovedStatus(entry: LogEntry): number[];
}

/** GC went a full lap without freeing a sector: live data exceeds what capacity() promised. */
export class RingExhausted extends Error {
  constructor() {
    super('journal ring exhausted: live records fill the flash (capacity accounting bug)');
    this.name = 'RingExhausted';
  }
}

export class LogRing {
  private readonly instances = new Map<number, number>();
  /** Sectors programmed or erased since the last sync: the next operation on one of them syncs first. */
  private readonly unsynced = new Set<number>();
  /**
   * Records GC has copied forward since mount, by kind (the sweeps report them to show the copy
   * path ran; the journal sweep requires 'printed' copies on the days meant to make them).
   */
  readonly copiedByKind: Partial<Record<RecordEffect['kind'], number>> = {};
  private readonly sectorSize: number;
  /** Where the record area ends: the last slot of a sector is the end retire mark. */
  private readonly recordsEnd: number;
  private readonly unit: number;
  /** The largest frame a record can make: the room prepare() keeps in the head. */
  private readonly largestFrame: number;

  private constructor(
    private readonly device: FlashDevice,
    readonly sectors: RingSector[],
    private readonly liveness: RecordLiveness,
    /** Sectors the mount took as erased from blank headers alone (mount-read.ts): read whole before use. */
    private readonly unverifiedErased: Set<number>,
  ) {
    this.sectorSize = device.geometry.sectorSize;
    this.recordsEnd = dataEnd(this.sectorSize, device.geometry.programUnit);
    this.unit = device.geometry.programUnit;
    this.largestFrame = frameBytes(MAX_PAYLOAD_BYTES, this.unit);
    for (const sector of sectors) for (const entry of sector.entries) this.countInstance(entry.seq, 1);
  }

  /** Builds the ring from a scan; `effects` gives what each sequence number did during replay. */
  static fromScan(
    device: FlashDevice,
    scan: ImageScan,
    effects: ReadonlyMap<number, RecordEffect>,
    liveness: RecordLiveness,
    unverifiedErased: ReadonlySet<number> = new Set(),
  ): LogRing {
    const sectors: RingSector[] = scan.sectors.map((s) => ({
      index: s.index,
      state: s.state,
      seq: s.seq,
      eraseCount: s.eraseCount,
      end: s.end,
      appendable: false,
      entries: [],
      retireSlotsErased: s.retireSlotsErased,
      tornTail: s.tornTail,
      tailUnits: s.tailUnits,
      orphan: s.orphan,
    }));
    for (const frame of scan.frames) {
      const effect = effects.get(frame.seq);
      if (effect) sectors[frame.sector]!.entries.push({ seq: frame.seq, offset: frame.offset, length: frame.length, effect });
    }
    const ring = new LogRing(device, sectors, liveness, new Set(unverifiedErased));
    // Only the newest sector is appended to, from where its erased tail starts; not when one of its
    // header copies is damaged (a cut tore its header program): frames behind a damaged copy are
    // what rot looks like, so the next append opens a fresh sector instead.
    const head = ring.head();
    if (head && !scan.sectors[head.index]!.headerCopyDamaged) head.appendable = true;
    return ring;
  }

  /** Appends one frame durably (programmed, then synced), collecting garbage first when needed. */
  async append(frame: Uint8Array, seq: number, effect: RecordEffect): Promise<void> {
    const head = this.plainAppendHead(frame.length);
    if (head) {
      // The common case, without the general path's passes over the sectors and layers of awaits
      // (each costs on every commit): the same program and sync the general path would make.
      const offset = head.index * this.sectorSize + head.end;
      await this.device.program(offset, frame);
      this.unsynced.add(head.index);
      this.noteFrame(head, { seq, offset, length: frame.length, effect });
      head.end += frame.length;
      await this.sync();
      return;
    }
    for (const sector of this.sectors) if (sector.orphan) await this.collect(sector);
    await this.makeRoom(frame.length);
    await this.write([{ frame, entry: { seq, offset: 0, length: frame.length, effect } }]);
    // A retired sector whose mark is durable is erased now, so that this sync covers the erase too.
    await this.eraseRetired();
    await this.sync();
  }

  /**
   * Idle-time housekeeping (Journal.housekeep): the flash work the next appends would otherwise do
   * inside a customer's commit, done while the terminal waits for the cashier. On NOR flash a
   * sector erase takes tens to hundreds of milliseconds (W25Q-class 4 KiB erase: 45 ms typical,
   * 400 ms max), which a cashier would feel as a late receipt.
   * - orphans are collected and retired sectors erased;
   * - while fewer than FREE_SECTORS_KEPT sectors are free (a cut during GC), the tail is collected;
   * - when the head has less room than one largest frame, the ring moves to the next sector now,
   *   collecting first if it must: capacity.ts already counts one largest frame per sector as
   *   unused, so closing a sector that early never breaks what capacity() promised;
   * - it ends synced, so the next append is one program and one sync (plainAppendHead).
   * It writes no record: a cut anywhere in it is a cut during GC or a sector change, as in append.
   */
  async prepare(): Promise<void> {
    for (const sector of this.sectors) if (sector.orphan) await this.collect(sector);
    // Unconditionally: besides a head without room for a largest frame, a cut during GC (after its
    // copies opened a sector, before the tail's retire mark) leaves one free sector short with room
    // in the head, and makeRoom's first loop collects that tail now rather than in the next commit.
    await this.makeRoom(this.largestFrame);
    // Retire marks written just now must be durable before their sectors are erased.
    if (this.unsynced.size > 0) await this.sync();
    await this.eraseRetired();
    if (this.unsynced.size > 0) await this.sync();
  }

  /**
   * The head, when an append of `length` bytes is one program and one sync and nothing else: nothing
   * unsynced (no barrier), no orphan to collect, no retired sector to erase, enough free sectors
   * (no collection), no skip marker owed, and room in the head. Otherwise undefined.
   */
  private plainAppendHead(length: number): RingSector | undefined {
    if (this.unsynced.size > 0) return undefined;
    let head: RingSector | undefined;
    let free = 0;
    for (const s of this.sectors) {
      if (s.orphan || s.state === 'dirty') return undefined;
      if (s.state !== 'active') free++;
      else if (!head || s.seq > head.seq) head = s;
    }
    if (free < FREE_SECTORS_KEPT || !head || !head.appendable || head.tornTail) return undefined;
    return head.end + length <= this.recordsEnd ? head : undefined;
  }

  freeSectors(): number {
    let free = 0;
    for (const s of this.sectors) if (s.state !== 'active') free++;
    return free;
  }

  private head(): RingSector | undefined {
    let head: RingSector | undefined;
    for (const s of this.sectors) if (s.state === 'active' && !s.orphan && (!head || s.seq > head.seq)) head = s;
    return head;
  }

  private tail(): RingSector | undefined {
    let tail: RingSector | undefined;
    for (const s of this.sectors) if (s.state === 'active' && !s.orphan && (!tail || s.seq < tail.seq)) tail = s;
    return tail;
  }

  private fitsHead(length: number): boolean {
    const head = this.head();
    return head !== undefined && head.appendable && head.end + this.markerBytes(head) + length <= this.recordsEnd;
  }

  /** A skip marker, written before the first frame after a torn write, naming the units it left. */
  private markerBytes(head: RingSector): number {
    return head.tornTail ? frameBytes(0, this.unit) : 0;
  }

  private async makeRoom(length: number): Promise<void> {
    let collections = 0;
    // A cut during GC, after its copies opened a sector and before the tail was erased, leaves one
    // free sector fewer. Collections made only when the head is full open a sector for their copies
    // and free one, so they never win it back; collect now, while the head still has room for copies.
    while (this.freeSectors() < FREE_SECTORS_KEPT) {
      if (++collections > 2 * this.sectors.length) throw new RingExhausted();
      await this.collect(this.tail()!);
    }
    while (!this.fitsHead(length)) {
      if (this.freeSectors() >= FREE_SECTORS_KEPT + 1) {
        await this.openNextSector();
        continue;
      }
      if (++collections > 2 * this.sectors.length) throw new RingExhausted();
      await this.collect(this.tail()!);
    }
  }

  /**
   * Programs frames back to back at the head, as few program calls as the head allows (one when
   * they fit), opening a sector without collecting when they do not: GC's copies use this too.
   */
  private async write(frames: readonly { frame: Uint8Array; entry: LogEntry }[]): Promise<void> {
    let next = 0;
    while (next < frames.length) {
      if (!this.fitsHead(frames[next]!.frame.length)) await this.openNextSector();
      const head = this.head()!;
      const batch: { frame: Uint8Array; entry: LogEntry }[] = [];
      const marker = head.tornTail ? encodeFrame(head.tailUnits, new Uint8Array(0), this.unit) : undefined;
      let length = marker?.length ?? 0;
      while (next < frames.length && head.end + length + frames[next]!.frame.length <= this.recordsEnd) {
        batch.push(frames[next]!);
        length += frames[next++]!.frame.length;
      }
      const bytes = !marker && batch.length === 1 ? batch[0]!.frame : concat(marker, batch, length);
      const start = head.index * this.sectorSize + head.end;
      await this.program(head.index, [{ offset: start, bytes }]);
      let at = marker?.length ?? 0;
      head.tornTail = false;
      head.tailUnits = 0;
      for (const { frame, entry } of batch) {
        this.noteFrame(head, { seq: entry.seq, offset: start + at, length: entry.length, effect: entry.effect });
        at += frame.length;
      }
      head.end += length;
    }
  }

  /** A frame now programmed in `sector`. */
  private noteFrame(sector: RingSector, entry: LogEntry): void {
    sector.entries.push(entry);
    this.countInstance(entry.seq, 1);
  }

  private async openNextSector(): Promise<void> {
    const head = this.head();
    const start = head ? head.index + 1 : 0;
    let next: RingSector | undefined;
    for (let i = 0; i < this.sectors.length && !next; i++) {
      const candidate = this.sectors[(start + i) % this.sectors.length]!;
      if (candidate.state !== 'active') next = candidate;
    }
    if (!next) throw new RingExhausted();
    if (next.state === 'erased' && this.unverifiedErased.delete(next.index)) {
      // Opened, not mounted, is when a free sector is checked: a torn erase can leave old frames behind a blank header.
      const { sectorSize, erasedValue } = this.device.geometry;
      const body = await this.device.read(next.index * sectorSize, sectorSize);
      if (body.some((b) => b !== erasedValue)) next.state = 'dirty';
    }
    if (next.state === 'dirty') await this.eraseSector(next);
    // Frames the head still owes a sync (GC copies that spill into the next sector) must be durable
    // before a newer header can be: a cut could otherwise keep the new sector and tear the head's
    // last frame, and a torn frame anywhere but the newest sector reads as damage.
    if (head && this.unsynced.has(head.index)) await this.sync();
    const eraseCount = next.eraseCount ?? this.highestKnownEraseCount();
    const seq = head ? head.seq + 1 : 1;
    if (head) head.appendable = false;
    const flags = head?.tornTail ? FLAG_PREVIOUS_ENDS_TORN : 0;
    // Synced before the first frame goes in (`unsynced`): frames behind no header would read as an orphan.
    await this.program(next.index, [{ offset: next.index * this.sectorSize, bytes: encodeSectorHeader(seq, eraseCount, this.unit, flags) }]);
    Object.assign(next, {
      state: 'active',
      seq,
      eraseCount,
      end: dataStart(this.unit),
      appendable: true,
      entries: [],
      retireSlotsErased: [true, true, true],
      tornTail: false,
      tailUnits: 0,
      orphan: false,
    });
  }

  /**
   * Copies what `tail` must keep to the head and retires it (see the class comment). The erase
   * comes later, after the retire mark is synced: at the end of the append, or when the sector is
   * opened again.
   */
  private async collect(tail: RingSector): Promise<void> {
    // What to copy is decided from which records still have another instance: a retire not yet
    // synced may still come back after a cut, with records this collection would count on.
    if (this.unsynced.size > 0) await this.sync();
    if (tail === this.head()) tail.appendable = false;
    const copies: { frame: Uint8Array; entry: LogEntry }[] = [];
    for (const entry of tail.entries) {
      if (this.instances.get(entry.seq) === 1 && this.mustCarry(entry, tail)) {
        copies.push({ frame: await this.device.read(entry.offset, entry.length), entry });
      }
    }
    if (copies.length > 0) {
      await this.write(copies);
      for (const { entry } of copies) this.copiedByKind[entry.effect.kind] = (this.copiedByKind[entry.effect.kind] ?? 0) + 1;
      await this.sync();
    }
    // A retire slot spoiled by a torn mark or rot cannot be programmed again: use the other. With
    // both spoiled the erase goes ahead unmarked (FORMAT.md, "Bit rot", explains the one risk).
    // The start and end marks need no order between them (either alone leaves the sector in the log).
    const slot = tail.retireSlotsErased.slice(0, 2).indexOf(true);
    const marks = [slot, 2]
      .filter((n) => n >= 0 && tail.retireSlotsErased[n])
      .map((n) => ({ offset: tail.index * this.sectorSize + retireSlotOffset(this.unit, n, this.sectorSize), bytes: encodeRetireMark(this.unit) }));
    await this.program(tail.index, marks);
    for (const entry of tail.entries) this.countInstance(entry.seq, -1);
    Object.assign(tail, { state: 'dirty', entries: [], appendable: false, orphan: false });
    // No start slot left to mark: only the erase takes the sector out of the log, so it goes now.
    if (slot < 0) {
      await this.eraseSector(tail);
      await this.sync();
    }
  }

  /**
   * A live record, or a status tombstone: a dead record deciding the status of a removed
   * transaction whose begin record has an instance outside `sector` (FORMAT.md, "Removal").
   */
  private mustCarry(entry: LogEntry, sector: RingSector): boolean {
    if (this.liveness.isLive(entry)) return true;
    return this.liveness.decidesRemovedStatus(entry).some((beginSeq) => {
      const inSector = sector.entries.filter((e) => e.seq === beginSeq).length;
      return (this.instances.get(beginSeq) ?? 0) > inSector;
    });
  }

  /** Erases every retired sector whose retire mark is durable (a mark not yet synced must stay first). */
  private async eraseRetired(): Promise<void> {
    for (const sector of this.sectors) {
      if (sector.state === 'dirty' && !this.unsynced.has(sector.index)) await this.eraseSector(sector);
    }
  }

  private async eraseSector(sector: RingSector): Promise<void> {
    await this.barrier(sector.index);
    await this.device.erase(sector.index);
    this.unsynced.add(sector.index);
    sector.eraseCount = (sector.eraseCount ?? this.highestKnownEraseCount()) + 1;
    Object.assign(sector, { state: 'erased', end: 0, appendable: false, entries: [], tornTail: false, tailUnits: 0, retireSlotsErased: [true, true, true] });
  }

  /** Programs into `sector` once every earlier operation on it is durable (`writes` in no order among themselves). */
  private async program(sector: number, writes: readonly { offset: number; bytes: Uint8Array }[]): Promise<void> {
    if (writes.length === 0) return;
    await this.barrier(sector);
    for (const { offset, bytes } of writes) await this.device.program(offset, bytes);
    this.unsynced.add(sector);
  }

  private async barrier(sector: number): Promise<void> {
    if (this.unsynced.has(sector)) await this.sync();
  }

  private async sync(): Promise<void> {
    await this.device.sync();
    this.unsynced.clear();
  }

  private highestKnownEraseCount(): number {
    return Math.max(0, ...this.sectors.map((s) => s.eraseCount ?? 0));
  }

  private countInstance(seq: number, delta: number): void {
    const n = (this.instances.get(seq) ?? 0) + delta;
    if (n > 0) this.instances.set(seq, n);
    else this.instances.delete(seq);
  }
}

/** A sector's worth of frames for one program call: the skip marker (if any), then the frames back to back. */
function concat(marker: Uint8Array | undefined, frames: readonly { frame: Uint8Array }[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let at = 0;
  if (marker) {
    bytes.set(marker);
    at = marker.length;
  }
  for (const { frame } of frames) {
    bytes.set(frame, at);
    at += frame.length;
  }
  return bytes;
}
