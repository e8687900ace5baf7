/**
 * The motion model behind the F2F decoder (f2f-place-model.ts) and the grid fitted to a whole read
 * from it (f2f-phase-smoother.ts).
 */
import { describe, expect, it } from 'vitest';
import { STATE_SIZE, jerkAt, predictPlace, updatePlace } from '../../../firmware/drivers/magstripe/f2f-place-model.js';
import { placesOf, smoothCellPhase } from '../../../firmware/drivers/magstripe/f2f-phase-smoother.js';
import { f2fEdgeTimes } from '../../../firmware/drivers/magstripe/f2f-encoder.js';
import { encodeTrackBits } from '../../../firmware/drivers/magstripe/track-encoder.js';
import { TRACK_FORMATS } from '../../../firmware/drivers/magstripe/track-format.js';

const MODEL = { jerk: 1e-5, jitter: 0.0133 };
const TRACK2 = '4352378366824999=051020110000882';
const BITS = encodeTrackBits(TRACK_FORMATS[2], TRACK2, { leadingZeros: 22, trailingZeros: 20 });

/** Per transition: 1 when it is the mid-cell transition of a 1 (the encoder's layout). */
function midCellOf(bits: ArrayLike<number>): Uint8Array {
  const labels: number[] = [];
  for (let i = 0; i < bits.length; i++) labels.push(...(bits[i] === 1 ? [0, 1] : [0]));
  labels.push(0); // the closing boundary
  return Uint8Array.from(labels);
}

describe('F2F motion model', () => {
  it('learns a steadily accelerating card from the places of its transitions and then predicts the next', () => {
    const state = new Float64Array(STATE_SIZE);
    state.set([0, 1, 0, 1, 0, 0, 1, 0, 1]);
    // x(t) = 0.5 t + 0.02 t^2 cells: the card speeds up; a transition every half cell of time.
    const placeAt = (t: number): number => 0.5 * t + 0.02 * t * t;
    let last = 0;
    for (let t = 0.5; t <= 20; t += 0.5) {
      predictPlace(state, 0, t - last, jerkAt(MODEL, state[1]!), state, 0);
      updatePlace(state, 0, placeAt(t), 1e-6);
      last = t;
    }
    predictPlace(state, 0, 0.5, jerkAt(MODEL, state[1]!), state, 0);
    expect(state[0]).toBeCloseTo(placeAt(20.5), 3);
    expect(state[1]).toBeCloseTo(0.5 + 0.04 * 20.5, 3);
    expect(state[2]).toBeCloseTo(0.04, 3);
  });

  it('predicting back in time undoes predicting forward; jerk widens the uncertainty both ways', () => {
    const start = Float64Array.from([3, 1.2, 0.05, 0.01, 0.001, 0, 0.002, 0, 1e-4]);
    const forward = new Float64Array(STATE_SIZE);
    const back = new Float64Array(STATE_SIZE);
    predictPlace(start, 0, 2, 0, forward, 0);
    predictPlace(forward, 0, -2, 0, back, 0);
    for (let i = 0; i < 3; i++) expect(back[i]).toBeCloseTo(start[i]!, 12);
    // Without jerk the covariance comes back too; with it, each way adds to the place's variance.
    for (let i = 3; i < STATE_SIZE; i++) expect(back[i]).toBeCloseTo(start[i]!, 12);
    // From a state known exactly, jerk alone: the place grows as uncertain either way, but going
    // back in time a speed error moves the place the other way (the covariance's odd terms flip).
    const known = Float64Array.from([3, 1.2, 0.05, 0, 0, 0, 0, 0, 0]);
    predictPlace(known, 0, 2, 1e-3, forward, 0);
    predictPlace(known, 0, -2, 1e-3, back, 0);
    expect(forward[3]).toBeGreaterThan(0);
    expect(back[3]).toBeCloseTo(forward[3]!, 15);
    expect(back[5]).toBeCloseTo(forward[5]!, 15);
    expect(forward[4]).toBeGreaterThan(0);
    expect(back[4]).toBeCloseTo(-forward[4]!, 15);
    expect(back[7]).toBeCloseTo(-forward[7]!, 15);
  });

  it('lets a faster card change its acceleration faster (jerk grows as v^3), and a near-stopped one a little', () => {
    expect(jerkAt(MODEL, 2) / jerkAt(MODEL, 1)).toBeCloseTo(8, 9);
    expect(jerkAt(MODEL, 0)).toBeCloseTo(jerkAt(MODEL, 0.1), 15);
    expect(jerkAt(MODEL, 0)).toBeGreaterThan(0);
  });
});

describe('F2F grid fitted to a whole read', () => {
  const edges = f2fEdgeTimes(BITS, { bitsPerInch: 75, startInches: 0, speed: { cmPerS: [20, 60, 30], travelInches: 3.37 } });
  const midCell = midCellOf(BITS);
  const rough = (edges[edges.length - 1]! - edges[0]!) / BITS.length;

  it('puts every transition of a jitter-free swipe that triples its speed and halves it again at its own place', () => {
    const places = placesOf(midCell);
    const phase = smoothCellPhase(edges, 0, midCell, rough, MODEL);
    let worst = 0;
    for (let i = 0; i < midCell.length; i++) worst = Math.max(worst, Math.abs(phase.cells[i]! - places[i]!));
    expect(worst).toBeLessThan(0.02);
    // The local period follows the card: 40 cells in (0.53 in of the 1.685 in over which it speeds
    // up from 20 to 60 cm/s) it moves at 32.7 cm/s, 1036 us a cell at 75 bpi.
    const at = midCell.findIndex((_, i) => placesOf(midCell)[i] === 40);
    expect(phase.periodUs[at]! / (2.54e6 / (20 + (40 * (40 / 75)) / 1.685) / 75)).toBeCloseTo(1, 2);
  });

  it('shows a displaced transition its whole displacement (it is left out of its own fit) and barely moves its neighbours', () => {
    // A cell boundary between two zeros, inside the data: a whole cell on either side.
    let at = 150;
    while (midCell[at - 1] === 1 || midCell[at] === 1 || midCell[at + 1] === 1) at++;
    const cell = edges[at + 1]! - edges[at]!;
    const moved = Float64Array.from(edges);
    moved[at] = moved[at]! + 0.2 * cell;
    const clean = smoothCellPhase(edges, 0, midCell, rough, MODEL);
    const shifted = smoothCellPhase(moved, 0, midCell, rough, MODEL);
    const places = placesOf(midCell);
    // Later in time: the neighbours place it further along the grid than its label says.
    expect(shifted.cells[at]! - places[at]!).toBeGreaterThan(0.17);
    for (const neighbour of [at - 2, at - 1, at + 1, at + 2]) {
      expect(Math.abs(shifted.cells[neighbour]! - clean.cells[neighbour]!)).toBeLessThan(0.06);
    }
  });
});
