/**
 * A model of the bare head that replays HeadOps: shift register, latch, strobe lines and paper position.
 * It records exactly the dots that were burnt and where, the elapsed time, and the most dots that ever
 * fired at once, so tests and the virtual printer check the planner against the physics, not against
 * the planner's own bookkeeping.
 */
import { DEFAULT_HEAD_CONFIG, type HeadConfig } from './head-config.js';
import { opDurationMs, type HeadOp } from './head-planner.js';
import { HEAD_DOTS, ROW_BYTES, countDots, type DotRow } from './rasteriser.js';

export class HeadSimulator {
  /** Burnt dots by paper row, from the first row of the first job on. */
  readonly burnt: DotRow[] = [];
  elapsedMs = 0;
  maxDotsFiring = 0;
  halfSteps = 0;
  private register = new Uint8Array(ROW_BYTES);
  private latched = new Uint8Array(ROW_BYTES);
  private strobes = 0;
  private readonly groupMasks: Uint8Array[];

  constructor(private readonly config: HeadConfig = DEFAULT_HEAD_CONFIG) {
    const groupDots = HEAD_DOTS / config.strobeGroups;
    this.groupMasks = Array.from({ length: config.strobeGroups }, (_, g) => {
      const mask = new Uint8Array(ROW_BYTES);
      for (let x = g * groupDots; x < (g + 1) * groupDots; x++) mask[x >> 3]! |= 0x80 >> (x & 7);
      return mask;
    });
  }

  /** The dot row the head sits over: row r once its first half-step has been taken. */
  get paperRow(): number {
    return Math.max(0, Math.ceil(this.halfSteps / this.config.halfStepsPerRow) - 1);
  }

  apply(ops: readonly HeadOp[]): void {
    for (const op of ops) this.applyOne(op);
  }

  private applyOne(op: HeadOp): void {
    this.elapsedMs += opDurationMs(op, this.config);
    switch (op.op) {
      case 'shift':
        this.register = Uint8Array.from(op.data);
        break;
      case 'latch':
        this.latched = Uint8Array.from(this.register);
        if (this.strobes !== 0) this.fire();
        break;
      case 'strobe':
        this.strobes = op.on ? this.strobes | op.groups : this.strobes & ~op.groups;
        if (op.on) this.fire();
        break;
      case 'step':
        this.halfSteps++;
        if (this.strobes !== 0) this.fire();
        break;
      case 'release':
      case 'wait':
        break;
    }
  }

  /** Burns the latched dots of the strobed groups at the current paper row. */
  private fire(): void {
    const firing = new Uint8Array(ROW_BYTES);
    for (let g = 0; g < this.groupMasks.length; g++) {
      if (!(this.strobes & (1 << g))) continue;
      const mask = this.groupMasks[g]!;
      for (let i = 0; i < ROW_BYTES; i++) firing[i]! |= this.latched[i]! & mask[i]!;
    }
    this.maxDotsFiring = Math.max(this.maxDotsFiring, countDots(firing));
    const row = this.paperRow;
    while (this.burnt.length <= row) this.burnt.push(new Uint8Array(ROW_BYTES));
    const target = this.burnt[row]!;
    for (let i = 0; i < ROW_BYTES; i++) target[i]! |= firing[i]!;
  }

  /** Paper fed past the head so far, in dot rows (blank rows included). */
  get rowsFed(): number {
    return Math.floor(this.halfSteps / this.config.halfStepsPerRow);
  }
}
