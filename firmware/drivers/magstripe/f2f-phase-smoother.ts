/**
 * The bit-cell grid of a whole read, fitted after the fact. A first search gives every transition
 * its place in cells (boundaries at whole cells, mid-cell transitions half a cell on); the card's
 * motion (f2f-place-model.ts) is then filtered once forwards and once backwards through those
 * places, and at each transition the two predictions, one from the transitions before it and one
 * from those after it, are combined. That says where on the grid the transition really lies from
 * its neighbours on both sides (not from itself, so its own jitter shows in full), without the lag
 * of a grid that only looks back. A neighbour the first search misplaced by half a cell moves the
 * estimate by only a share of that.
 *
 * Why filters rather than a local polynomial through a fixed window of neighbours: the window was
 * too short where the speed is steady (noise) and too long where it bends (bias); the filter's
 * weights follow from the motion model instead. Given the true places of bench:magstripe's track 2
 * (2,000 swipes), reading against the 24-neighbour cubic left 22 tracks ambiguous, against this 1.
 */
import { STATE_SIZE, jerkAt, predictPlace, updatePlace, type PlaceModel } from './f2f-place-model.js';

export interface CellPhase {
  /** Per transition from the first searched one: its place on the grid by its neighbours, in cells. */
  cells: Float64Array;
  /** Per transition: the local bit period the fit implies, microseconds. */
  periodUs: Float64Array;
  /** Sum over transitions of (place by the neighbours - place by the labels)^2, cells^2. */
  cost: number;
}

/** A start that says nothing: the filters learn place, speed and acceleration from the transitions. */
const UNKNOWN_START = [1e2, 0, 0, 1e1, 0, 1];

/**
 * `midCell[i]` says whether transition `startEdge + i` was read as mid-cell; `startEdge` is a cell
 * boundary at place 0. `roughPeriodUs` sets the time unit (the model's speed 1).
 */
export function smoothCellPhase(
  edgeTimesUs: ArrayLike<number>,
  startEdge: number,
  midCell: Uint8Array,
  roughPeriodUs: number,
  model: PlaceModel,
): CellPhase {
  const count = midCell.length;
  const place = placesOf(midCell);
  const cells = new Float64Array(count);
  const periodUs = new Float64Array(count).fill(roughPeriodUs);
  if (count < 4) {
    cells.set(place);
    return { cells, periodUs, cost: 0 };
  }
  const t0 = edgeTimesUs[startEdge]!;
  const time = new Float64Array(count);
  for (let i = 0; i < count; i++) time[i] = (edgeTimesUs[startEdge + i]! - t0) / roughPeriodUs;
  const speed = (place[count - 1]! - place[0]!) / (time[count - 1]! - time[0]!);

  // Each filter's prediction at every transition, before that transition is taken in.
  const forward = filterPredictions(time, place, 0, count, 1, speed, model);
  const backward = filterPredictions(time, place, count - 1, -1, -1, speed, model);

  // The two predictions combined: xf + Pf (Pf + Pb)^-1 (xb - xf), place and speed rows only.
  const sum = new Float64Array(6);
  const m = new Float64Array(6);
  let cost = 0;
  for (let i = 0; i < count; i++) {
    const at = i * STATE_SIZE;
    for (let k = 0; k < 6; k++) sum[k] = forward[at + 3 + k]! + backward[at + 3 + k]!;
    if (!invertSymmetric3(sum, m)) {
      cells[i] = forward[at]!;
      continue;
    }
    const d0 = backward[at]! - forward[at]!;
    const d1 = backward[at + 1]! - forward[at + 1]!;
    const d2 = backward[at + 2]! - forward[at + 2]!;
    // w = M d; then rows 0 and 1 of Pf w.
    const w0 = m[0]! * d0 + m[1]! * d1 + m[2]! * d2;
    const w1 = m[1]! * d0 + m[3]! * d1 + m[4]! * d2;
    const w2 = m[2]! * d0 + m[4]! * d1 + m[5]! * d2;
    const f00 = forward[at + 3]!;
    const f01 = forward[at + 4]!;
    const f02 = forward[at + 5]!;
    const f11 = forward[at + 6]!;
    const f12 = forward[at + 7]!;
    cells[i] = forward[at]! + f00 * w0 + f01 * w1 + f02 * w2;
    const v = forward[at + 1]! + f01 * w0 + f11 * w1 + f12 * w2;
    if (v > 0) periodUs[i] = roughPeriodUs / v;
    const deviation = cells[i]! - place[i]!;
    cost += deviation * deviation;
  }
  return { cells, periodUs, cost };
}

/** Grid places of labelled transitions: boundary after boundary a whole cell, else half a cell. */
export function placesOf(midCell: Uint8Array): Float64Array {
  const place = new Float64Array(midCell.length);
  for (let i = 1; i < midCell.length; i++) place[i] = place[i - 1]! + (midCell[i] === 0 && midCell[i - 1] === 0 ? 1 : 0.5);
  return place;
}

/** Runs the filter from transition `first` in steps of `step`; returns the predictions, by transition. */
function filterPredictions(time: Float64Array, place: Float64Array, first: number, end: number, step: 1 | -1, speed: number, model: PlaceModel): Float64Array {
  const out = new Float64Array(time.length * STATE_SIZE);
  const state = new Float64Array(STATE_SIZE);
  state[0] = place[first]!;
  state[1] = speed;
  for (let k = 0; k < UNKNOWN_START.length; k++) state[3 + k] = UNKNOWN_START[k]!;
  for (let i = first; i !== end; i += step) {
    const at = i * STATE_SIZE;
    if (i !== first) predictPlace(state, 0, time[i]! - time[i - step]!, jerkAt(model, state[1]!), state, 0);
    for (let k = 0; k < STATE_SIZE; k++) out[at + k] = state[k]!;
    updatePlace(state, 0, place[i]!, model.jitter);
  }
  return out;
}

/** Inverse of the symmetric 3x3 stored as p00 p01 p02 p11 p12 p22; false when singular. */
function invertSymmetric3(m: Float64Array, out: Float64Array): boolean {
  const a = m[0]!;
  const b = m[1]!;
  const c = m[2]!;
  const d = m[3]!;
  const e = m[4]!;
  const f = m[5]!;
  const c00 = d * f - e * e;
  const c01 = c * e - b * f;
  const c02 = b * e - c * d;
  const det = a * c00 + b * c01 + c * c02;
  if (!(Math.abs(det) > 1e-300)) return false;
  out[0] = c00 / det;
  out[1] = c01 / det;
  out[2] = c02 / det;
  out[3] = (a * f - c * c) / det;
  out[4] = (b * c - a * e) / det;
  out[5] = (a * d - b * b) / det;
  return true;
}
