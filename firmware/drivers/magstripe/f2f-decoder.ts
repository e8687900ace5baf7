/**
 * F2F (Aiken biphase) decoding from flux-transition times. Every bit cell starts with a transition;
 * a 1 has a second one mid-cell. Swipe speed varies, so the reference bit period is learnt from the
 * clocking zeros and updated after every bit: an interval shorter than 3/4 of the reference is a
 * half cell (two of them make a 1), a longer one a 0, and a bit whose length strays more than the
 * acceptance (about +/-60%) from the reference is a timing fault that ends the read.
 */

export interface F2fOptions {
  /** Consecutive similar intervals that identify the clocking zeros (default 8). */
  syncIntervals?: number;
  /** How far each of those may stray from their mean (default 0.35). */
  syncTolerance?: number;
  /** How far a bit's length may stray from the reference before it is a timing fault (default 0.6). */
  acceptance?: number;
  /** Weight of the newest bit in the reference period (default 0.25): low enough to average out jitter. */
  smoothing?: number;
}

export interface F2fTimingFault {
  /** Index of the bit that could not be read. */
  atBit: number;
  /** Index of the transition that began it. */
  atEdge: number;
  /** Length of the offending bit (or half cell), microseconds. */
  intervalUs: number;
  referenceUs: number;
}

export interface F2fDecode {
  bits: Uint8Array;
  /** False when no run of clocking zeros was found, so nothing was decoded. */
  synced: boolean;
  fault?: F2fTimingFault;
}

const HALF_CELL_THRESHOLD = 0.75;

export function decodeF2F(edgeTimesUs: ArrayLike<number>, options: F2fOptions = {}): F2fDecode {
  const syncIntervals = options.syncIntervals ?? 8;
  const syncTolerance = options.syncTolerance ?? 0.35;
  const acceptance = options.acceptance ?? 0.6;
  const smoothing = options.smoothing ?? 0.25;
  if (!(syncIntervals >= 2 && acceptance > 0 && smoothing > 0 && smoothing <= 1)) {
    throw new RangeError('F2F options: syncIntervals >= 2, acceptance > 0 and 0 < smoothing <= 1');
  }

  const intervals = new Float64Array(Math.max(0, edgeTimesUs.length - 1));
  for (let i = 0; i < intervals.length; i++) {
    intervals[i] = edgeTimesUs[i + 1]! - edgeTimesUs[i]!;
    if (!(intervals[i]! > 0)) throw new RangeError(`edge times must increase (edge ${i + 1})`);
  }

  const sync = findClockingZeros(intervals, syncIntervals, syncTolerance);
  if (sync === undefined) return { bits: new Uint8Array(0), synced: false };

  const bits: number[] = [];
  let reference = sync.referenceUs;
  let i = sync.start;
  while (i < intervals.length) {
    const first = intervals[i]!;
    let bitLength: number;
    let bit: number;
    if (first >= HALF_CELL_THRESHOLD * reference) {
      bit = 0;
      bitLength = first;
    } else {
      // The card left the head mid-cell: nothing more to read.
      if (i + 1 >= intervals.length) break;
      const second = intervals[i + 1]!;
      if (second >= HALF_CELL_THRESHOLD * reference) {
        return { bits: Uint8Array.from(bits), synced: true, fault: { atBit: bits.length, atEdge: i, intervalUs: first, referenceUs: reference } };
      }
      bit = 1;
      bitLength = first + second;
    }
    if (Math.abs(bitLength - reference) > acceptance * reference) {
      return { bits: Uint8Array.from(bits), synced: true, fault: { atBit: bits.length, atEdge: i, intervalUs: bitLength, referenceUs: reference } };
    }
    bits.push(bit);
    reference += smoothing * (bitLength - reference);
    i += bit === 1 ? 2 : 1;
  }
  return { bits: Uint8Array.from(bits), synced: true };
}

/** The first window of `count` intervals that all lie within `tolerance` of their mean. */
function findClockingZeros(
  intervals: Float64Array,
  count: number,
  tolerance: number,
): { start: number; referenceUs: number } | undefined {
  for (let start = 0; start + count <= intervals.length; start++) {
    let sum = 0;
    for (let k = start; k < start + count; k++) sum += intervals[k]!;
    const mean = sum / count;
    let steady = true;
    for (let k = start; k < start + count && steady; k++) steady = Math.abs(intervals[k]! - mean) <= tolerance * mean;
    if (steady) return { start, referenceUs: mean };
  }
  return undefined;
}
