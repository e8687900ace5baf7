/**
 * Stripe bits -> the flux-transition times a read head would see: a transition at every cell
 * boundary and mid-cell for a 1, laid out at the track's density and timed by a swipe whose speed
 * changes along its travel, each transition displaced by random timing jitter. For the synthetic
 * swipes of tests, the benchmark and the simulated terminal.
 */
import type { SeededRandom } from '../../hal/seeded-random.js';

export interface SwipeSpeedProfile {
  /** Speeds (cm/s) at evenly spaced points of the travel, first at its start; linear in between. */
  cmPerS: readonly number[];
  /** Length of the travel the profile spans, inches (the card length). */
  travelInches: number;
}

export interface F2fEncodeOptions {
  bitsPerInch: number;
  /** Where along the travel the first bit cell begins, inches. */
  startInches: number;
  speed: SwipeSpeedProfile;
  /** Each transition moves by up to +/- this fraction of the local bit period (uniform); below 0.25. */
  jitter?: number;
  /** Required when jitter is not 0. */
  random?: SeededRandom;
}

const CM_PER_INCH = 2.54;

/** Transition times in microseconds from the moment the travel starts. */
export function f2fEdgeTimes(bits: ArrayLike<number>, options: F2fEncodeOptions): Float64Array {
  const jitter = options.jitter ?? 0;
  const { cmPerS, travelInches } = options.speed;
  if (!(options.bitsPerInch > 0) || !(travelInches > 0)) throw new RangeError('density and travel must be positive');
  if (!(options.startInches >= 0)) throw new RangeError('the first cell cannot start before the travel does');
  if (cmPerS.length === 0 || cmPerS.some((v) => !(v > 0))) throw new RangeError('speed profile needs positive speeds');
  if (!(jitter >= 0 && jitter < 0.25)) throw new RangeError('jitter must be in [0, 0.25) so transitions keep their order');
  if (jitter > 0 && !options.random) throw new RangeError('jitter needs a seeded random source');

  const speedAt = (inches: number): number => {
    if (cmPerS.length === 1) return cmPerS[0]!;
    const position = Math.min(Math.max(inches / travelInches, 0), 1) * (cmPerS.length - 1);
    const k = Math.min(Math.floor(position), cmPerS.length - 2);
    return cmPerS[k]! + (cmPerS[k + 1]! - cmPerS[k]!) * (position - k);
  };
  const usPerInchAt = (inches: number): number => (CM_PER_INCH / speedAt(inches)) * 1e6;
  const halfCellInches = 0.5 / options.bitsPerInch;
  /** Microseconds to cross half a cell centred at `inches`. */
  const halfCellUs = (inches: number): number => halfCellInches * usPerInchAt(inches);

  // Time to reach the first cell (midpoint rule, half-cell steps).
  const steps = Math.ceil(options.startInches / halfCellInches);
  let time = 0;
  for (let s = 0; s < steps; s++) {
    const step = options.startInches / steps;
    time += step * usPerInchAt((s + 0.5) * step);
  }

  const edges: number[] = [];
  const emit = (at: number, bitPeriodUs: number): void => {
    const displacement = jitter === 0 ? 0 : (options.random!.next() * 2 - 1) * jitter * bitPeriodUs;
    edges.push(at + displacement);
  };
  let inches = options.startInches;
  for (let i = 0; i < bits.length; i++) {
    const firstHalf = halfCellUs(inches + halfCellInches / 2);
    const secondHalf = halfCellUs(inches + (3 * halfCellInches) / 2);
    const period = firstHalf + secondHalf;
    emit(time, period);
    if (bits[i] === 1) emit(time + firstHalf, period);
    time += period;
    inches += 2 * halfCellInches;
  }
  emit(time, halfCellUs(inches) * 2);
  return Float64Array.from(edges);
}
