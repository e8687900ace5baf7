/**
 * Head-job planner (pure): dot rows -> the operations a bare head needs, each with its duration.
 *
 * Per dot row the dots are burnt in "burns" that never draw more than the supply allows
 * (dots x Vp / R_head <= I_max). Two ways to cut a row, the cheaper is taken:
 *  - dynamic division: shift the row once, then strobe sets of whole groups whose dots fit the limit
 *    together, one set after another (possible when no single group is over the limit);
 *  - dot runs: cut the row left to right into runs of at most the limit, each shifted and latched on its
 *    own (so a group too dense to fire at once is split further).
 * The stepper advances the paper by `halfStepsPerRow` half-steps spread evenly over the row; the row
 * takes max(burn time, half-steps x minimum half-step period). The first half-step of a row comes
 * before its burns, so the paper position tells which row a burn lands on.
 */
import { DEFAULT_HEAD_CONFIG, maxDotsAtOnce, validateHeadConfig, type HeadConfig } from './head-config.js';
import { HEAD_DOTS, ROW_BYTES, countDots, dotAt, setDot, type DotRow } from './rasteriser.js';

export type HeadOp =
  /** Clock 384 bits into the shift register (dot 0 first). */
  | { op: 'shift'; data: DotRow }
  /** Pulse /LAT: the register is copied to the latch that the strobes fire from. */
  | { op: 'latch' }
  /** Strobe lines on or off; `groups` is a bit mask (bit g = group g). */
  | { op: 'strobe'; groups: number; on: boolean }
  /** Energise the coils for half-step phase 0..7 of the 4-phase sequence. */
  | { op: 'step'; phase: number }
  /** De-energise the stepper (end of job: no holding current, no heat). */
  | { op: 'release' }
  | { op: 'wait'; ms: number };

/** Coil pattern [A, B, A', B'] per half-step phase: A, AB, B, BA', A', A'B', B', B'A. */
export const HALF_STEP_COILS: readonly (readonly [0 | 1, 0 | 1, 0 | 1, 0 | 1])[] = [
  [1, 0, 0, 0],
  [1, 1, 0, 0],
  [0, 1, 0, 0],
  [0, 1, 1, 0],
  [0, 0, 1, 0],
  [0, 0, 1, 1],
  [0, 0, 0, 1],
  [1, 0, 0, 1],
];

export interface HeadPlan {
  ops: HeadOp[];
  /** Stepper phase after the last step, to continue from on the next call. */
  endPhase: number;
  durationMs: number;
}

export function opDurationMs(op: HeadOp, config: HeadConfig): number {
  switch (op.op) {
    case 'shift':
      return (HEAD_DOTS * config.shiftMicrosPerBit) / 1000;
    case 'latch':
      return config.latchMicros / 1000;
    case 'wait':
      return op.ms;
    default:
      return 0;
  }
}

interface Burn {
  /** Data to shift and latch first; undefined = fire from what is already latched. */
  shift?: DotRow;
  groups: number;
}

export function planHeadRows(
  rows: readonly DotRow[],
  strobeMs: number,
  startPhase = 0,
  config: HeadConfig = DEFAULT_HEAD_CONFIG,
): HeadPlan {
  validateHeadConfig(config);
  if (!(strobeMs > 0)) throw new RangeError(`strobe time must be > 0 ms (got ${strobeMs})`);
  if (!Number.isInteger(startPhase) || startPhase < 0 || startPhase > 7) {
    throw new RangeError(`stepper phase must be 0-7 (got ${startPhase})`);
  }
  const ops: HeadOp[] = [];
  let phase = startPhase;
  let durationMs = 0;
  for (const row of rows) {
    if (row.length !== ROW_BYTES) throw new RangeError(`a dot row is ${ROW_BYTES} bytes (got ${row.length})`);
    const timed: { t: number; op: HeadOp }[] = [];
    let t = 0;
    for (const burn of planBurns(row, strobeMs, config)) {
      if (burn.shift) {
        for (const op of [{ op: 'shift', data: burn.shift }, { op: 'latch' }] as HeadOp[]) {
          timed.push({ t, op });
          t += opDurationMs(op, config);
        }
      }
      timed.push({ t, op: { op: 'strobe', groups: burn.groups, on: true } });
      t += strobeMs;
      timed.push({ t, op: { op: 'strobe', groups: burn.groups, on: false } });
    }
    const rowMs = Math.max(t, config.halfStepsPerRow * config.minHalfStepMs);
    const stepPeriod = rowMs / config.halfStepsPerRow;
    const steps = Array.from({ length: config.halfStepsPerRow }, (_, j) => {
      phase = (phase + 1) % 8;
      return { t: j * stepPeriod, op: { op: 'step', phase } as HeadOp };
    });
    // Steps first on a tie: a row's first half-step precedes its burns.
    const events = [...steps, ...timed].sort((a, b) => a.t - b.t);
    let cursor = 0;
    for (const event of events) {
      if (event.t > cursor + 1e-9) {
        ops.push({ op: 'wait', ms: event.t - cursor });
        cursor = event.t;
      }
      ops.push(event.op);
      cursor += opDurationMs(event.op, config);
    }
    if (rowMs > cursor + 1e-9) ops.push({ op: 'wait', ms: rowMs - cursor });
    durationMs += Math.max(rowMs, cursor);
  }
  return { ops, endPhase: phase, durationMs };
}

function planBurns(row: DotRow, strobeMs: number, config: HeadConfig): Burn[] {
  const limit = maxDotsAtOnce(config);
  const total = countDots(row);
  if (total === 0) return [];
  const byGroups = dynamicDivision(row, limit, config.strobeGroups);
  const byRuns = dotRuns(row, limit, config.strobeGroups);
  const shiftMs = opDurationMs({ op: 'shift', data: row }, config) + opDurationMs({ op: 'latch' }, config);
  const costGroups = byGroups ? shiftMs + byGroups.length * strobeMs : Infinity;
  const costRuns = byRuns.length * (shiftMs + strobeMs);
  if (byGroups && costGroups <= costRuns) {
    return byGroups.map((groups, i) => (i === 0 ? { shift: row, groups } : { groups }));
  }
  return byRuns;
}

/** First-fit-decreasing packing of whole groups into strobe sets; undefined if a group is over the limit. */
function dynamicDivision(row: DotRow, limit: number, groupCount: number): number[] | undefined {
  const groupDots = HEAD_DOTS / groupCount;
  const counts = Array.from({ length: groupCount }, (_, g) => {
    let n = 0;
    for (let x = g * groupDots; x < (g + 1) * groupDots; x++) if (dotAt(row, x)) n++;
    return n;
  });
  if (counts.some((n) => n > limit)) return undefined;
  const sets: { mask: number; dots: number }[] = [];
  const order = counts.map((n, g) => ({ n, g })).filter((c) => c.n > 0).sort((a, b) => b.n - a.n || a.g - b.g);
  for (const { n, g } of order) {
    const set = sets.find((s) => s.dots + n <= limit);
    if (set) {
      set.mask |= 1 << g;
      set.dots += n;
    } else {
      sets.push({ mask: 1 << g, dots: n });
    }
  }
  return sets.map((s) => s.mask);
}

/** Left-to-right runs of at most `limit` dots, each with its own data and the groups it touches. */
function dotRuns(row: DotRow, limit: number, groupCount: number): Burn[] {
  const groupDots = HEAD_DOTS / groupCount;
  const burns: Burn[] = [];
  let data = new Uint8Array(ROW_BYTES);
  let groups = 0;
  let n = 0;
  for (let x = 0; x < HEAD_DOTS; x++) {
    if (!dotAt(row, x)) continue;
    setDot(data, x);
    groups |= 1 << Math.floor(x / groupDots);
    if (++n === limit) {
      burns.push({ shift: data, groups });
      data = new Uint8Array(ROW_BYTES);
      groups = 0;
      n = 0;
    }
  }
  if (n > 0) burns.push({ shift: data, groups });
  return burns;
}
