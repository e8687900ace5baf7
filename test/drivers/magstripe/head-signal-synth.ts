/**
 * Test helper: a read head's voltage for given transition times. Each transition is a Lorentzian
 * pulse of alternating polarity whose width is fixed on the stripe (so shorter in time when the
 * card moves faster) and whose height grows with speed, plus Gaussian noise.
 */
import type { SeededRandom } from '../../../firmware/hal/seeded-random.js';

export interface HeadSignalSpec {
  sampleRateHz: number;
  /** Pulse half-width at half height as a fraction of the local bit period. */
  pulseWidth: number;
  /** Noise standard deviation as a fraction of the smallest pulse height. */
  noise: number;
  random: SeededRandom;
}

export function synthesizeHeadSignal(edgesUs: ArrayLike<number>, spec: HeadSignalSpec): Float64Array {
  const usPerSample = 1e6 / spec.sampleRateHz;
  const last = edgesUs[edgesUs.length - 1]!;
  const samples = new Float64Array(Math.ceil((last + 2000) / usPerSample));
  const localPeriod = (k: number): number => {
    const before = k > 0 ? edgesUs[k]! - edgesUs[k - 1]! : Infinity;
    const after = k + 1 < edgesUs.length ? edgesUs[k + 1]! - edgesUs[k]! : Infinity;
    // A 1 has two half-cell intervals; the longer neighbour interval is near a full cell.
    return Math.max(Math.min(before, after) * 2, Math.max(before === Infinity ? 0 : before, after === Infinity ? 0 : after));
  };
  let smallest = Infinity;
  for (let k = 0; k < edgesUs.length; k++) {
    const period = localPeriod(k);
    const height = 1000 / period;
    smallest = Math.min(smallest, height);
    const width = spec.pulseWidth * period;
    const polarity = k % 2 === 0 ? 1 : -1;
    const from = Math.max(0, Math.floor((edgesUs[k]! - 15 * width) / usPerSample));
    const to = Math.min(samples.length - 1, Math.ceil((edgesUs[k]! + 15 * width) / usPerSample));
    for (let i = from; i <= to; i++) {
      const x = (i * usPerSample - edgesUs[k]!) / width;
      samples[i]! += (polarity * height) / (1 + x * x);
    }
  }
  for (let i = 0; i < samples.length; i++) samples[i]! += gaussian(spec.random) * spec.noise * smallest;
  return samples;
}

function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
