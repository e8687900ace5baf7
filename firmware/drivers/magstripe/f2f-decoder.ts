import { beamSearchLabels, type GridStart } from './f2f-beam-search.js';
import { searchCells, type CellChoices, type CellGrid, type CellSearch, type CellSearchFault } from './f2f-cell-search.js';
import { smoothCellPhase, type CellPhase } from './f2f-phase-smoother.js';
import type { PlaceModel } from './f2f-place-model.js';

/**
 * F2F (Aiken biphase) decoding from flux-transition times. Every bit cell starts with a transition;
 * a 1 has a second one mid-cell.
 *
 * Why not classify intervals: each transition is displaced on its own (head noise, media, the
 * card's motion), so an interval carries the error of both its ends. At +/-20% of a cell per
 * transition a half cell spans 0.1..0.9 cells and a whole cell 0.6..1.4: about one interval in
 * fourteen falls on the wrong side of the usual 3/4-cell threshold, however well the bit period
 * is known. The transition's place against the cell grid carries only its own error (a mid-cell
 * transition lies 0.3..0.7 cells after the ideal cell start, a cell boundary 0.8..1.2), so this
 * decoder tracks the grid, not the previous transition:
 *
 * - The bit period and the grid's phase are learnt from the clocking zeros (a straight-line fit
 *   through a run of similar intervals).
 * - First search (f2f-beam-search.ts): each transition is either the next cell boundary or the
 *   mid-cell transition of a 1; every reading carries its own motion filter (place, speed and its
 *   rate of change: f2f-place-model.ts), so a card that speeds up or brakes by half within the
 *   swipe is followed without lag, and readings that are briefly behind survive until the
 *   following transitions decide.
 * - Fitted searches: with every transition given a place by the first search, the motion filtered
 *   forwards and backwards through those places (f2f-phase-smoother.ts) says where each
 *   transition lies on the grid, from its neighbours on both sides. A two-state search
 *   (f2f-cell-search.ts) then reads the transitions against that grid, twice (the second fit
 *   starts from fewer misplaced transitions).
 * - A mid-cell transition must be followed by the boundary half a cell later, and a transition
 *   far from every place the grid allows is a timing fault: the read stops there and the track
 *   decoder's parity and LRC checks refuse whatever came out.
 */

export interface F2fOptions {
  /** Consecutive similar intervals that identify the clocking zeros (default 8). */
  syncIntervals?: number;
  /** How far each of those may stray from their mean (default 0.45: two transitions of +/-20%). */
  syncTolerance?: number;
  /**
   * How far, in cells, a transition may lie from the place the fitted grid expects before a
   * reading is dropped (default 0.45: beyond +/-20% jitter plus the fit's own error; a transition
   * half a cell off fits neither reading).
   */
  acceptance?: number;
  /**
   * How freely the card's acceleration may change (the motion model's jerk density at the starting
   * speed, default 1e-5). Larger follows harder changes of speed and lets more jitter through.
   */
  motionNoise?: number;
}

export interface F2fLabels {
  startEdge: number;
  /** Per transition from `startEdge`: 1 when mid-cell. */
  midCell: Uint8Array;
}

export interface F2fTimingFault {
  /** Index of the bit that could not be read. */
  atBit: number;
  /** Index of the transition that began it. */
  atEdge: number;
  /** From the start of that bit to the transition no reading could place, microseconds. */
  intervalUs: number;
  referenceUs: number;
}

export interface F2fDecode {
  bits: Uint8Array;
  /** Cells the final search decided by less than CLOSE_CALL (see f2f-cell-search.ts). */
  closeCalls: number;
  /** False when no run of clocking zeros was found, so nothing was decoded. */
  synced: boolean;
  /**
   * The final search's decisions and the contested boundaries of its best reading, so a caller
   * whose checks refuse `bits` can trace the next-cheapest readings (traceCells).
   */
  choices?: CellChoices;
  boundaries?: number[];
  /** Which transitions the final reading took as mid-cell, from `startEdge` (a cell boundary) on. */
  labels?: F2fLabels;
  fault?: F2fTimingFault;
}

const DEFAULTS = {
  syncIntervals: 8,
  syncTolerance: 0.45,
  acceptance: 0.45,
  motionNoise: 1e-5,
};

/** Variance of uniform +/-20% jitter, cells^2: what the motion filters expect of a transition. */
const JITTER_VARIANCE = 0.0133;

/**
 * The first search drops a reading whose transition lies farther than this from where it expects
 * one (cells): its filter's own prediction error comes on top of the jitter. About the +/-60% of a
 * reference bit length that speed-tracking decoders accept (hardware.md). 0.45 would also stop at a
 * half-cell slip of an otherwise steady grid, but read track 2 in 973 instead of 994 of 1,000
 * bench swipes on the first read: the right reading strays that far after the hardest changes of speed.
 */
const BEAM_GATE = 0.6;
/**
 * Readings costing more than the best by this survive no longer (log-likelihood units: a reading
 * that has taken one transition half a cell off pays about 19). On 1,000 bench swipes the first
 * read alone read track 2 in 933 with 8, 994 with 20, 994 with 30.
 */
const BEAM_SPREAD = 20;
/** Most readings kept per transition: on 500 bench swipes 3.8 on average, 12 at the 99th percentile, 29 at most. */
const BEAM_WIDTH = 32;

/**
 * Two readings of a cell whose costs (sums of squared deviations, cells^2) differ by less than
 * this are a close call: about two transitions each 0.05 cell nearer the other reading's places.
 */
const CLOSE_CALL = 0.05;

/**
 * Searches against a fitted grid. After the first search one, two and three read the first read
 * of 1,000 bench swipes alike (994); two are kept so that labels joined from two reads
 * (f2f-splice.ts), rougher than the first search's, are fitted again from the first fit's reading.
 */
const FITTED_SEARCHES = 2;

export function decodeF2F(edgeTimesUs: ArrayLike<number>, options: F2fOptions = {}): F2fDecode {
  const { syncIntervals, syncTolerance, acceptance, motionNoise, model } = settingsOf(options);
  if (!(syncIntervals >= 2 && acceptance > 0 && motionNoise > 0)) {
    throw new RangeError('F2F options: syncIntervals >= 2, acceptance > 0, motionNoise > 0');
  }
  const edges = edgeTimesUs;
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i]! - edges[i - 1]! > 0)) throw new RangeError(`edge times must increase (edge ${i})`);
  }

  const sync = findClockingZeros(edges, syncIntervals, syncTolerance);
  if (sync === undefined) return { bits: new Uint8Array(0), closeCalls: 0, synced: false };

  const first = beamSearchLabels(edges, sync, { model, gate: BEAM_GATE, spread: BEAM_SPREAD, width: BEAM_WIDTH });
  const firstEnd = sync.startEdge + first.midCell.length;
  const fitted = fittedSearches(edges, sync.startEdge, first.midCell, firstEnd, sync.periodUs, acceptance, model);
  if (!fitted.reading.fault && firstEnd < edges.length) {
    // The first search could place no reading on transition `firstEnd`: the bit begun at the last
    // boundary before it could not be read.
    const atEdge = lastBoundary(fitted.reading.midCell, sync.startEdge);
    fitted.reading.fault = { atBit: fitted.reading.bits.length, atEdge, unplacedEdge: firstEnd };
  }
  return decodeOf(edges, sync.startEdge, fitted);
}

/**
 * The fitted searches alone, starting from labels found some other way (f2f-splice.ts joins the
 * good ends of a forward and a reversed read); `labels.startEdge` must be a cell boundary.
 */
export function decodeF2FFromLabels(edgeTimesUs: ArrayLike<number>, labels: F2fLabels, options: F2fOptions = {}): F2fDecode {
  const { acceptance, model } = settingsOf(options);
  const { startEdge, midCell } = labels;
  const fitted = fittedSearches(edgeTimesUs, startEdge, midCell, startEdge + midCell.length, roughPeriodOf(edgeTimesUs, labels), acceptance, model);
  return decodeOf(edgeTimesUs, startEdge, fitted);
}

/**
 * How far the places that `labels` give its transitions lie from where their neighbours put them
 * (cells^2, summed): what a reading costs against a grid fitted to itself, so that readings with
 * different labels are judged each on its own grid (track-candidates.ts).
 */
export function labelsFitCost(edgeTimesUs: ArrayLike<number>, labels: F2fLabels, options: F2fOptions = {}): number {
  const { model } = settingsOf(options);
  return smoothCellPhase(edgeTimesUs, labels.startEdge, labels.midCell, roughPeriodOf(edgeTimesUs, labels), model).cost;
}

function settingsOf(options: F2fOptions): Required<F2fOptions> & { model: PlaceModel } {
  const settings = { ...DEFAULTS, ...options };
  return { ...settings, model: { jerk: settings.motionNoise, jitter: JITTER_VARIANCE } };
}

/** The final search of a read, as the read's result; a fault's reference is the fitted local period. */
function decodeOf(edges: ArrayLike<number>, startEdge: number, { reading, phase }: { reading: CellSearch; phase: CellPhase }): F2fDecode {
  const read: F2fDecode = {
    bits: reading.bits,
    closeCalls: reading.closeCalls,
    synced: true,
    choices: reading.choices,
    boundaries: reading.boundaries,
    labels: { startEdge, midCell: reading.midCell },
  };
  const fault = reading.fault;
  if (fault) {
    read.fault = {
      atBit: fault.atBit,
      atEdge: fault.atEdge,
      intervalUs: edges[fault.unplacedEdge]! - edges[fault.atEdge]!,
      referenceUs: phase.periodUs[fault.atEdge - startEdge]!,
    };
  }
  return read;
}

/** Mean bit period over the labelled transitions. */
function roughPeriodOf(edgeTimesUs: ArrayLike<number>, labels: F2fLabels): number {
  const { startEdge, midCell } = labels;
  let cells = 0;
  for (let i = 1; i < midCell.length; i++) cells += midCell[i] === 0 && midCell[i - 1] === 0 ? 1 : 0.5;
  return (edgeTimesUs[startEdge + midCell.length - 1]! - edgeTimesUs[startEdge]!) / Math.max(1, cells);
}

/** Fit the grid to a reading's places, search against it, and again from that search's reading. */
function fittedSearches(
  edges: ArrayLike<number>,
  startEdge: number,
  midCell: Uint8Array,
  endEdge: number,
  roughPeriodUs: number,
  acceptance: number,
  model: PlaceModel,
): { reading: CellSearch; phase: CellPhase } {
  let reading: CellSearch | undefined;
  let phase: CellPhase | undefined;
  let fault: CellSearchFault | undefined;
  for (let pass = 0; pass < FITTED_SEARCHES; pass++) {
    phase = smoothCellPhase(edges, startEdge, reading ? reading.midCell : midCell, roughPeriodUs, model);
    const cells = phase.cells;
    const fitted: CellGrid<number> = {
      deviation: (boundaryCell, edge, half) => cells[edge - startEdge]! - boundaryCell - half,
      advance: (boundaryCell, _edge, half) => (half === 1 ? boundaryCell + 1 : boundaryCell),
    };
    // A later pass reads only as far as the one before it placed transitions, so it keeps that
    // pass's fault unless it meets one of its own first.
    reading = searchCells(fitted, 0, startEdge, Math.min(endEdge, startEdge + cells.length), acceptance, CLOSE_CALL);
    fault = reading.fault ?? fault;
  }
  return { reading: fault ? { ...reading!, fault } : reading!, phase: phase! };
}

/** The last transition the labels take as a cell boundary (where the next bit would begin). */
function lastBoundary(midCell: Uint8Array, startEdge: number): number {
  let i = midCell.length - 1;
  while (i > 0 && midCell[i] === 1) i--;
  return startEdge + i;
}

/**
 * The first run of `count` intervals that all lie within `tolerance` of their mean: the clocking
 * zeros. A least-squares line through its transitions gives the period and the grid's phase at
 * the run's first transition, both far steadier than any single interval.
 */
function findClockingZeros(edges: ArrayLike<number>, count: number, tolerance: number): GridStart | undefined {
  for (let start = 0; start + count < edges.length; start++) {
    const mean = (edges[start + count]! - edges[start]!) / count;
    let steady = true;
    for (let k = start; k < start + count && steady; k++) steady = Math.abs(edges[k + 1]! - edges[k]! - mean) <= tolerance * mean;
    if (!steady) continue;
    // Fit t = a + period * k over k = 0..count.
    const n = count + 1;
    const meanK = count / 2;
    let meanT = 0;
    for (let k = 0; k < n; k++) meanT += edges[start + k]!;
    meanT /= n;
    let num = 0;
    let den = 0;
    for (let k = 0; k < n; k++) {
      num += (k - meanK) * (edges[start + k]! - meanT);
      den += (k - meanK) * (k - meanK);
    }
    const periodUs = num / den;
    return { startEdge: start, startUs: meanT - periodUs * meanK, periodUs };
  }
  return undefined;
}
