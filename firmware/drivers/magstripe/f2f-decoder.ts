import { searchCells, type CellChoices, type CellGrid, type CellSearch } from './f2f-cell-search.js';
import { fitCellPhase, type CellPhase } from './f2f-phase-fit.js';

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
 * - First search (f2f-cell-search.ts): each transition is either the next cell boundary or the
 *   mid-cell transition of a 1, and both readings are kept (a two-state Viterbi search). Each
 *   reading keeps its own grid, corrected after every transition by a second-order loop (phase
 *   and period), so a +/-50% change of speed within the swipe is followed. Its gains are high so
 *   that it never loses the track; the jitter that lets through is for the next step.
 * - Fitted searches: with every transition given a place by the first search, a local curve of
 *   place against time through the neighbours on both sides (f2f-phase-fit.ts) says where each
 *   transition lies on the grid, free of the loop's lag and most of its noise. The same search
 *   then runs against that grid, twice (the second fit starts from fewer misplaced transitions).
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
  /** The same for the first, loop-locked search (default 0.7: its grid carries lag and noise). */
  lockAcceptance?: number;
  /** Share of a transition's deviation that corrects the locked grid's phase (default 0.35). */
  phaseGain?: number;
  /**
   * Share of a transition's deviation that corrects the locked grid's bit period (default 0.12):
   * high enough to follow the speed changing by half within a few dozen cells.
   */
  smoothing?: number;
  /** Transitions on each side of one that the fitted grid uses (default 24: about 16 cells). */
  fitNeighbours?: number;
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
  lockAcceptance: 0.7,
  phaseGain: 0.35,
  smoothing: 0.12,
  fitNeighbours: 24,
};

/**
 * Two readings of a cell whose costs (sums of squared deviations, cells^2) differ by less than
 * this are a close call: about two transitions each 0.05 cell nearer the other reading's places.
 */
const CLOSE_CALL = 0.05;

/** Searches against a fitted grid after the locked one; a third changed nothing measurable. */
const FITTED_SEARCHES = 2;

interface LockedPlace {
  /** Ideal time of the reading's last cell boundary, microseconds. */
  boundaryUs: number;
  periodUs: number;
}

export function decodeF2F(edgeTimesUs: ArrayLike<number>, options: F2fOptions = {}): F2fDecode {
  const { syncIntervals, syncTolerance, acceptance, lockAcceptance, phaseGain, smoothing, fitNeighbours } = { ...DEFAULTS, ...options };
  if (!(syncIntervals >= 2 && acceptance > 0 && lockAcceptance > 0 && phaseGain > 0 && phaseGain <= 1 && smoothing > 0 && smoothing <= 1 && fitNeighbours >= 2)) {
    throw new RangeError('F2F options: syncIntervals >= 2, acceptances > 0, 0 < phaseGain <= 1, 0 < smoothing <= 1, fitNeighbours >= 2');
  }
  const edges = edgeTimesUs;
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i]! - edges[i - 1]! > 0)) throw new RangeError(`edge times must increase (edge ${i})`);
  }

  const sync = findClockingZeros(edges, syncIntervals, syncTolerance);
  if (sync === undefined) return { bits: new Uint8Array(0), closeCalls: 0, synced: false };

  // First search: a grid locked to the transitions as they come.
  const locked: CellGrid<LockedPlace> = {
    deviation: (place, edge, cells) => (edges[edge]! - place.boundaryUs) / place.periodUs - cells,
    advance: (place, _edge, cells, deviation) => ({
      boundaryUs: place.boundaryUs + ((cells === 1 ? 1 : 0) + phaseGain * deviation) * place.periodUs,
      periodUs: place.periodUs * (1 + smoothing * deviation),
    }),
  };
  const first = searchCells(locked, { boundaryUs: sync.startUs, periodUs: sync.periodUs }, sync.startEdge, edges.length, lockAcceptance);

  // Then against the grid fitted to the whole read.
  const { reading: second, phase } = fittedSearches(edges, sync.startEdge, first.midCell, first.lastEdge + 1, sync.periodUs, acceptance, fitNeighbours);
  const fault = second.fault ?? first.fault;
  const read = {
    bits: second.bits,
    closeCalls: second.closeCalls,
    synced: true,
    choices: second.choices,
    boundaries: second.boundaries,
    labels: { startEdge: sync.startEdge, midCell: second.midCell },
  };
  if (!fault) return read;
  return {
    ...read,
    fault: {
      atBit: fault.atBit,
      atEdge: fault.atEdge,
      intervalUs: edges[fault.unplacedEdge]! - edges[fault.atEdge]!,
      referenceUs: phase.periodUs[Math.min(fault.atEdge, first.lastEdge) - sync.startEdge]!,
    },
  };
}

/**
 * The fitted searches alone, starting from labels found some other way (f2f-splice.ts joins the
 * good ends of a forward and a reversed read); `labels.startEdge` must be a cell boundary.
 */
export function decodeF2FFromLabels(edgeTimesUs: ArrayLike<number>, labels: F2fLabels, options: F2fOptions = {}): F2fDecode {
  const { acceptance, fitNeighbours } = { ...DEFAULTS, ...options };
  const { startEdge, midCell } = labels;
  const endEdge = startEdge + midCell.length;
  let cells = 0;
  for (let i = 1; i < midCell.length; i++) cells += midCell[i] === 0 && midCell[i - 1] === 0 ? 1 : 0.5;
  const roughPeriodUs = (edgeTimesUs[endEdge - 1]! - edgeTimesUs[startEdge]!) / Math.max(1, cells);
  const { reading } = fittedSearches(edgeTimesUs, startEdge, midCell, endEdge, roughPeriodUs, acceptance, fitNeighbours);
  const read: F2fDecode = {
    bits: reading.bits,
    closeCalls: reading.closeCalls,
    synced: true,
    choices: reading.choices,
    boundaries: reading.boundaries,
    labels: { startEdge, midCell: reading.midCell },
  };
  if (reading.fault) {
    read.fault = { atBit: reading.fault.atBit, atEdge: reading.fault.atEdge, intervalUs: edgeTimesUs[reading.fault.unplacedEdge]! - edgeTimesUs[reading.fault.atEdge]!, referenceUs: roughPeriodUs };
  }
  return read;
}

/** Fit the grid to a reading's places, search against it, and again from that search's reading. */
function fittedSearches(
  edges: ArrayLike<number>,
  startEdge: number,
  midCell: Uint8Array,
  endEdge: number,
  roughPeriodUs: number,
  acceptance: number,
  fitNeighbours: number,
): { reading: CellSearch; phase: CellPhase } {
  let reading: CellSearch | undefined;
  let phase = fitCellPhase(edges, startEdge, midCell, fitNeighbours, roughPeriodUs);
  for (let pass = 0; pass < FITTED_SEARCHES; pass++) {
    if (reading) phase = fitCellPhase(edges, startEdge, reading.midCell, fitNeighbours, roughPeriodUs);
    const cells = phase.cells;
    const fitted: CellGrid<number> = {
      deviation: (boundaryCell, edge, half) => cells[edge - startEdge]! - boundaryCell - half,
      advance: (boundaryCell, _edge, half) => (half === 1 ? boundaryCell + 1 : boundaryCell),
    };
    reading = searchCells(fitted, 0, startEdge, endEdge, acceptance, CLOSE_CALL);
  }
  return { reading: reading!, phase };
}

/**
 * The first run of `count` intervals that all lie within `tolerance` of their mean: the clocking
 * zeros. A least-squares line through its transitions gives the period and the grid's phase at
 * the run's first transition, both far steadier than any single interval.
 */
function findClockingZeros(
  edges: ArrayLike<number>,
  count: number,
  tolerance: number,
): { startEdge: number; startUs: number; periodUs: number } | undefined {
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
