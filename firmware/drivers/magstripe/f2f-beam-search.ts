/**
 * The first reading of a track's transitions: which are cell boundaries and which are the mid-cell
 * transitions of 1 bits, found by a beam search in which every reading carries its own motion
 * filter (f2f-place-model.ts) and pays for each transition what the filter makes of it.
 *
 * Why a beam and not the two-state search alone (f2f-cell-search.ts): when the card speeds up or
 * brakes hard, the right reading can look worse than a wrong one for a few cells until the filter
 * has caught up with the new speed. Keeping only the better reading into each state then loses the
 * right one for good, and the read slips (zeros taken for 1s at twice the period, or a run half a
 * cell off). Here readings are told apart by their state, their cell count and their grid phase
 * (to 0.05 cell), and every reading within `spread` of the best survives, so a reading that was
 * briefly behind is still there when the following transitions show it right. Few survive in
 * practice (about four on average), so the search costs a few filter steps per transition.
 *
 * A reading's cost is the negative log-likelihood of the transition *times* given its grid:
 * residual^2 / S + ln S - 2 ln v (the last term converts the density of a place into a density of
 * a time). Without that term a reading that takes the cells to be twice as long sees every jitter
 * halved, in its own cells, and wins every run of zeros by reading them as 1s.
 */
import type { F2fLabels } from './f2f-decoder.js';
import { STATE_SIZE, jerkAt, predictPlace, updatePlace, type PlaceModel } from './f2f-place-model.js';

export interface BeamOptions {
  model: PlaceModel;
  /** A transition farther than this (cells) from where a reading expects it ends that reading. */
  gate: number;
  /** Readings costing more than the best by this are dropped (log-likelihood units). */
  spread: number;
  /** At most this many readings survive a transition. */
  width: number;
}

/** The clocking zeros' grid: transition `startEdge` is a cell boundary; cells of `periodUs` from `startUs`. */
export interface GridStart {
  startEdge: number;
  startUs: number;
  periodUs: number;
}

/** How sure the clocking zeros make the starting speed (variance, per period) and acceleration. */
const START_SPEED_VARIANCE = 0.003;
const START_ACCELERATION_VARIANCE = 1e-4;
/** Readings whose grid phase differs by less than this (cells) at the same place and state are one. */
const PHASE_BIN = 0.05;

/** Labels from `start.startEdge` to the last transition any reading could place. */
export function beamSearchLabels(edgeTimesUs: ArrayLike<number>, start: GridStart, options: BeamOptions): F2fLabels {
  const { model, gate, spread, width } = options;
  const { startEdge } = start;
  const timeOf = (edge: number): number => (edgeTimesUs[edge]! - start.startUs) / start.periodUs;
  const layers = edgeTimesUs.length - startEdge;
  // Per layer and surviving reading: which reading it came from, and whether it is mid-cell.
  const parents = new Int32Array(layers * width);
  const mids = new Uint8Array(layers * width);

  let states = new Float64Array(width * STATE_SIZE);
  let costs = new Float64Array(width);
  let places = new Float64Array(width);
  let count = 1;
  states.set([timeOf(startEdge), 1, 0, model.jitter, 0, 0, START_SPEED_VARIANCE, 0, START_ACCELERATION_VARIANCE]);

  const spare = { states: new Float64Array(width * STATE_SIZE), costs: new Float64Array(width), places: new Float64Array(width) };
  const kids = 2 * width;
  const kidStates = new Float64Array(kids * STATE_SIZE);
  const kidCosts = new Float64Array(kids);
  const kidPlaces = new Float64Array(kids);
  const kidMid = new Uint8Array(kids);
  const kidParent = new Int32Array(kids);
  const kidKeys = new Float64Array(kids);
  const order: number[] = [];
  const predicted = new Float64Array(STATE_SIZE);
  const keptKeys = new Float64Array(width);

  let layer = 0;
  for (let edge = startEdge + 1; edge < edgeTimesUs.length; edge++) {
    const dt = timeOf(edge) - timeOf(edge - 1);
    let kidCount = 0;
    for (let h = 0; h < count; h++) {
      const base = h * STATE_SIZE;
      predictPlace(states, base, dt, jerkAt(model, states[base + 1]!), predicted, 0);
      const s = predicted[3]! + model.jitter;
      const speed = predicted[1]!;
      if (!(speed > 0)) continue;
      const priorCost = costs[h]! + Math.log(s) - 2 * Math.log(speed);
      const mid = mids[layer * width + h] === 1;
      // From mid-cell only the boundary half a cell on; from a boundary the next one or mid-cell.
      for (let option = mid ? 1 : 0; option < 2; option++) {
        const isMid = option === 0;
        const place = places[h]! + (mid || isMid ? 0.5 : 1);
        const residual = place - predicted[0]!;
        if (Math.abs(residual) > gate) continue;
        const k = kidCount++;
        for (let i = 0; i < STATE_SIZE; i++) kidStates[k * STATE_SIZE + i] = predicted[i]!;
        updatePlace(kidStates, k * STATE_SIZE, place, model.jitter);
        kidCosts[k] = priorCost + (residual * residual) / s;
        kidPlaces[k] = place;
        kidMid[k] = isMid ? 1 : 0;
        kidParent[k] = h;
        kidKeys[k] = (place * 4 + (isMid ? 1 : 0)) * 4096 + Math.round((kidStates[k * STATE_SIZE]! - place) / PHASE_BIN);
      }
    }
    if (kidCount === 0) break;

    order.length = kidCount;
    for (let k = 0; k < kidCount; k++) order[k] = k;
    order.sort((a, b) => kidCosts[a]! - kidCosts[b]!);
    const best = kidCosts[order[0]!]!;
    layer++;
    let kept = 0;
    for (let i = 0; i < kidCount && kept < width; i++) {
      const k = order[i]!;
      if (kidCosts[k]! > best + spread) break;
      let duplicate = false;
      for (let j = 0; j < kept && !duplicate; j++) duplicate = keptKeys[j] === kidKeys[k];
      if (duplicate) continue;
      keptKeys[kept] = kidKeys[k]!;
      for (let j = 0; j < STATE_SIZE; j++) spare.states[kept * STATE_SIZE + j] = kidStates[k * STATE_SIZE + j]!;
      spare.costs[kept] = kidCosts[k]!;
      spare.places[kept] = kidPlaces[k]!;
      parents[layer * width + kept] = kidParent[k]!;
      mids[layer * width + kept] = kidMid[k]!;
      kept++;
    }
    [states, spare.states] = [spare.states, states];
    [costs, spare.costs] = [spare.costs, costs];
    [places, spare.places] = [spare.places, places];
    count = kept;
  }

  // The cheapest reading that reached the last placed transition, traced back.
  let reading = 0;
  for (let h = 1; h < count; h++) if (costs[h]! < costs[reading]!) reading = h;
  const midCell = new Uint8Array(layer + 1);
  for (let l = layer; l > 0; l--) {
    midCell[l] = mids[l * width + reading]!;
    reading = parents[l * width + reading]!;
  }
  return { startEdge, midCell };
}
