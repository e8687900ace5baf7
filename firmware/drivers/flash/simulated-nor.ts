import { SeededRandom } from '../../hal/seeded-random.js';
import {
  FlashRuleViolation,
  PowerCut,
  type FlashCounters,
  type FlashDevice,
  type FlashGeometry,
} from './flash-device.js';
import { checkGeometry, checkProgramRange, checkReadRange, checkSector, sectorCount } from './geometry.js';

/**
 * What an interrupted operation leaves behind:
 * - `none`: the operation did not happen at all;
 * - `prefix`: the first n bytes landed (program: n bytes of data; erase: n bytes erased);
 * - `somebits`: a random subset of the bits the operation would change did change;
 * - `half-erase`: the range holds random content (a program may only clear bits, so it is ANDed in).
 */
export type CutMode = 'none' | 'prefix' | 'somebits' | 'half-erase';
export const CUT_MODES: readonly CutMode[] = ['none', 'prefix', 'somebits', 'half-erase'];

export interface SimulatedNorOptions {
  size: number;
  sectorSize: number;
  programUnit: number;
  /** Seeds the torn content of cuts; print it with a failure so the run can be replayed. */
  seed?: number;
}

type Surface = { image: Uint8Array; programmedUnits: Uint8Array };

export type StagedOperation = { kind: 'program'; offset: number; data: Uint8Array } | { kind: 'erase'; sector: number };

/**
 * The image plus which units were programmed since their last erase (the NOR once-per-erase rule),
 * and what is still in the volatile stage (the durable image and the unsynced operations), so a
 * restored device loses exactly what the original would have lost.
 */
export interface NorSnapshot {
  readonly image: Uint8Array;
  readonly programmedUnits: Uint8Array;
  readonly stage?: { readonly durable: NorSnapshot; readonly unsynced: readonly StagedOperation[] };
}

/**
 * In-memory NOR flash that enforces NOR rules and injects power cuts. Operations (programs and
 * erases) are numbered from 1 over the device's life; `armCut(k, mode)` interrupts operation k the
 * way `mode` says, and from then on every call throws PowerCut until `reboot()`.
 *
 * Volatile stage (like a serial NOR behind a write-back cache, or a file behind the page cache):
 * programs and erases are visible to reads at once but durable only after `sync()`. A cut tears
 * operation k as `mode` says and gives every earlier unsynced operation a random fate (dropped,
 * landed whole, or torn in a random mode), applying them in a random order, so a caller that
 * returns before syncing, or syncs in the wrong order, loses data under the sweep.
 */
export class SimulatedNorFlash implements FlashDevice {
  readonly geometry: FlashGeometry;
  /** What reads see: the durable image with the unsynced operations applied. */
  private image: Uint8Array;
  private programmedUnits: Uint8Array;
  /** What survives a cut: the image as of the last sync. */
  private durable: NorSnapshot;
  private unsynced: StagedOperation[] = [];
  private readonly random: SeededRandom;
  private operations = 0;
  private cut: { at: number; mode: CutMode } | undefined;
  private poweredOffAt: number | undefined;
  private readonly stats: FlashCounters;

  constructor(options: SimulatedNorOptions) {
    this.geometry = {
      size: options.size,
      sectorSize: options.sectorSize,
      programUnit: options.programUnit,
      erasedValue: 0xff,
      needsErase: true,
    };
    checkGeometry(this.geometry);
    this.image = new Uint8Array(options.size).fill(0xff);
    this.programmedUnits = new Uint8Array(options.size / options.programUnit);
    this.durable = this.imageSnapshot();
    this.random = new SeededRandom(options.seed ?? 1);
    this.stats = { programs: 0, erases: 0, bytesProgrammed: 0, syncs: 0, eraseCountPerSector: new Array(sectorCount(this.geometry)).fill(0) };
  }

  /** Programs and erases not yet made durable by a sync. */
  get unsyncedOperations(): number {
    return this.unsynced.length;
  }

  /** Program and erase operations started so far (the index a cut refers to). */
  get operationCount(): number {
    return this.operations;
  }

  get powered(): boolean {
    return this.poweredOffAt === undefined;
  }

  /** Interrupts operation number `operation` (1-based, absolute) in the given mode. */
  armCut(operation: number, mode: CutMode): void {
    if (!Number.isInteger(operation) || operation <= this.operations) {
      throw new RangeError(`cannot cut at operation ${operation}: ${this.operations} operations already happened`);
    }
    this.cut = { at: operation, mode };
  }

  disarmCut(): void {
    this.cut = undefined;
  }

  /** Power comes back: calls work again on whatever the cut left. */
  reboot(): void {
    this.poweredOffAt = undefined;
    this.cut = undefined;
  }

  snapshot(): NorSnapshot {
    const stage =
      this.unsynced.length > 0
        ? { durable: { image: this.durable.image.slice(), programmedUnits: this.durable.programmedUnits.slice() }, unsynced: [...this.unsynced] }
        : undefined;
    return { ...this.imageSnapshot(), ...(stage ? { stage } : {}) };
  }

  private imageSnapshot(): NorSnapshot {
    return { image: this.image.slice(), programmedUnits: this.programmedUnits.slice() };
  }

  restore(snapshot: NorSnapshot): void {
    if (snapshot.image.length !== this.image.length) {
      throw new RangeError(`snapshot is ${snapshot.image.length} bytes, device is ${this.image.length}`);
    }
    this.image = snapshot.image.slice();
    this.programmedUnits = snapshot.programmedUnits.slice();
    const staged = snapshot.stage?.durable;
    this.durable = staged ? { image: staged.image.slice(), programmedUnits: staged.programmedUnits.slice() } : this.imageSnapshot();
    this.unsynced = [...(snapshot.stage?.unsynced ?? [])];
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.assertPowered();
    checkReadRange(this.geometry, offset, length);
    return this.image.slice(offset, offset + length);
  }

  async program(offset: number, data: Uint8Array): Promise<void> {
    this.assertPowered();
    checkProgramRange(this.geometry, offset, data.length);
    const unit = this.geometry.programUnit;
    for (let u = offset / unit; u < (offset + data.length) / unit; u++) {
      if (this.programmedUnits[u]) {
        throw new FlashRuleViolation(`unit at ${u * unit} programmed twice without an erase`);
      }
    }
    const operation = ++this.operations;
    this.stats.programs++;
    const staged: StagedOperation = { kind: 'program', offset, data: data.slice() };
    if (this.cut?.at === operation) this.powerCut(operation, staged, this.cut.mode);
    this.landProgram(offset, data);
    this.unsynced.push(staged);
    this.stats.bytesProgrammed += data.length;
  }

  async erase(sector: number): Promise<void> {
    this.assertPowered();
    checkSector(this.geometry, sector);
    const operation = ++this.operations;
    this.stats.erases++;
    this.stats.eraseCountPerSector[sector]!++;
    const staged: StagedOperation = { kind: 'erase', sector };
    if (this.cut?.at === operation) this.powerCut(operation, staged, this.cut.mode);
    this.landErase(sector);
    this.unsynced.push(staged);
  }

  async sync(): Promise<void> {
    this.assertPowered();
    this.stats.syncs++;
    if (this.unsynced.length === 0) return;
    // Bring the durable copy up to date operation by operation (copying the image per sync is slow).
    for (const op of this.unsynced) {
      if (op.kind === 'program') this.landProgram(op.offset, op.data, this.durable);
      else this.landErase(op.sector, this.durable);
    }
    this.unsynced = [];
  }

  counters(): FlashCounters {
    return { ...this.stats, eraseCountPerSector: [...this.stats.eraseCountPerSector] };
  }

  private assertPowered(): void {
    if (this.poweredOffAt !== undefined) throw new PowerCut(this.poweredOffAt);
  }

  /**
   * Power fails during `interrupted`: flash holds the durable image plus, in a random order, each
   * earlier unsynced operation dropped, landed or torn, and the interrupted one torn as `mode` says.
   */
  private powerCut(operation: number, interrupted: StagedOperation, mode: CutMode): never {
    const fates: { op: StagedOperation; fate: 'drop' | 'land' | CutMode }[] = this.unsynced.map((op) => ({
      op,
      fate: this.random.pick(['drop', 'land', ...CUT_MODES] as const),
    }));
    fates.push({ op: interrupted, fate: mode });
    for (let i = fates.length - 1; i > 0; i--) {
      const j = this.random.int(0, i);
      [fates[i], fates[j]] = [fates[j]!, fates[i]!];
    }
    this.image = this.durable.image.slice();
    this.programmedUnits = this.durable.programmedUnits.slice();
    for (const { op, fate } of fates) {
      if (fate === 'drop' || fate === 'none') continue;
      if (fate === 'land') {
        if (op.kind === 'program') this.landProgram(op.offset, op.data);
        else this.landErase(op.sector);
      } else if (op.kind === 'program') {
        this.tearProgram(op.offset, op.data, fate);
      } else {
        this.tearErase(op.sector * this.geometry.sectorSize, fate);
      }
    }
    this.durable = this.imageSnapshot();
    this.unsynced = [];
    this.poweredOffAt = operation;
    this.cut = undefined;
    throw new PowerCut(operation);
  }

  private landProgram(offset: number, data: Uint8Array, target: Surface = this.surface()): void {
    const unit = this.geometry.programUnit;
    target.image.set(data.map((b, i) => b & target.image[offset + i]!), offset);
    target.programmedUnits.fill(1, offset / unit, (offset + data.length) / unit);
  }

  private landErase(sector: number, target: Surface = this.surface()): void {
    const start = sector * this.geometry.sectorSize;
    target.image.fill(0xff, start, start + this.geometry.sectorSize);
    const unit = this.geometry.programUnit;
    target.programmedUnits.fill(0, start / unit, (start + this.geometry.sectorSize) / unit);
  }

  /** What reads see, as a target for landProgram/landErase. */
  private surface(): Surface {
    return { image: this.image, programmedUnits: this.programmedUnits };
  }

  private tearProgram(offset: number, data: Uint8Array, mode: CutMode): void {
    const landed = data.slice();
    if (mode === 'none') return;
    if (mode === 'prefix') {
      landed.fill(0xff, this.random.int(0, data.length - 1));
    } else if (mode === 'somebits') {
      // Each bit the program would clear is cleared with probability 1/2.
      for (let i = 0; i < landed.length; i++) landed[i] = ~(~data[i]! & this.random.nextUint32()) & 0xff;
    } else {
      landed.set(this.random.bytes(data.length));
    }
    for (let i = 0; i < landed.length; i++) this.image[offset + i]! &= landed[i]!;
    this.markTornUnits(offset, data.length);
  }

  private tearErase(start: number, mode: CutMode): void {
    const size = this.geometry.sectorSize;
    if (mode === 'none') return;
    if (mode === 'prefix') {
      this.image.fill(0xff, start, start + this.random.int(0, size - 1));
    } else if (mode === 'somebits') {
      for (let i = start; i < start + size; i++) this.image[i]! |= this.random.nextUint32() & 0xff;
    } else {
      this.image.set(this.random.bytes(size), start);
    }
    this.markTornUnits(start, size);
  }

  /** After a cut a unit counts as programmed exactly when it no longer reads erased. */
  private markTornUnits(offset: number, length: number): void {
    const unit = this.geometry.programUnit;
    for (let u = offset / unit; u < (offset + length) / unit; u++) {
      let erased = true;
      for (let i = u * unit; i < (u + 1) * unit && erased; i++) erased = this.image[i] === 0xff;
      this.programmedUnits[u] = erased ? 0 : 1;
    }
  }
}
