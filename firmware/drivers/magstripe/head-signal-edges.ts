/**
 * Sampled read-head voltage -> flux-transition times. The head sees a pulse at every transition,
 * alternating in polarity, with an amplitude that grows with swipe speed. A pulse starts when the
 * signal crosses the threshold in the polarity after the previous one and ends at the next zero
 * crossing; its peak (refined by a parabola through the three top samples) is the transition time.
 * The threshold follows the last peak so slow and fast swipes both read, with a floor above noise.
 */

export interface HeadSignalOptions {
  /** Absolute threshold below which nothing counts (the noise floor), in sample units. */
  noiseFloor: number;
  /** Threshold as a fraction of the previous peak's amplitude (default 0.35). */
  peakFraction?: number;
}

/** Returns transition times in microseconds from the first sample. */
export function headSignalToEdges(samples: ArrayLike<number>, sampleRateHz: number, options: HeadSignalOptions): Float64Array {
  if (!(sampleRateHz > 0)) throw new RangeError('sample rate must be positive');
  if (!(options.noiseFloor > 0)) throw new RangeError('noise floor must be positive');
  const peakFraction = options.peakFraction ?? 0.35;
  const usPerSample = 1e6 / sampleRateHz;

  const edges: number[] = [];
  let threshold = options.noiseFloor;
  /** Polarity of the pulse being followed (0: none), and of the last completed one. */
  let polarity = 0;
  let lastPolarity = 0;
  let peakIndex = 0;
  let peakValue = 0;

  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    if (polarity === 0) {
      const sign = x > threshold ? 1 : x < -threshold ? -1 : 0;
      if (sign !== 0 && sign !== lastPolarity) {
        polarity = sign;
        peakIndex = i;
        peakValue = x;
      }
      continue;
    }
    if (x * polarity > peakValue * polarity) {
      peakIndex = i;
      peakValue = x;
    } else if (x * polarity <= 0) {
      edges.push(refinedPeak(samples, peakIndex) * usPerSample);
      threshold = Math.max(options.noiseFloor, peakFraction * Math.abs(peakValue));
      lastPolarity = polarity;
      polarity = 0;
    }
  }
  if (polarity !== 0) edges.push(refinedPeak(samples, peakIndex) * usPerSample);
  return Float64Array.from(edges);
}

function refinedPeak(samples: ArrayLike<number>, index: number): number {
  if (index <= 0 || index >= samples.length - 1) return index;
  const before = samples[index - 1]!;
  const peak = samples[index]!;
  const after = samples[index + 1]!;
  const curvature = before - 2 * peak + after;
  return curvature === 0 ? index : index + (0.5 * (before - after)) / curvature;
}
