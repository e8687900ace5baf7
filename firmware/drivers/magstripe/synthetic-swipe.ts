/**
 * A whole synthetic swipe: a card's tracks laid out as on a real card (clocking zeros from the
 * leading edge to 0.293 in, the data, zeros to the trailing edge) and read in either direction at
 * a changing speed with jitter, as per-track bit strings or per-track transition times.
 */
import type { SeededRandom } from '../../hal/seeded-random.js';
import { f2fEdgeTimes, type SwipeSpeedProfile } from './f2f-encoder.js';
import { trackTextsOf, type SyntheticCard } from './synthetic-card.js';
import { encodeTrackBits } from './track-encoder.js';
import { TRACK_FORMATS, bitsPerChar, type TrackData } from './track-format.js';
import type { SwipeDirection } from './track-decoder.js';

export const CARD_LENGTH_INCHES = 3.37;
/** ISO 7811: the start sentinel begins 0.293 in from the card's leading edge. */
const LEAD_IN_INCHES = 0.293;
/** Margin kept free at the trailing edge. */
const TRAIL_MARGIN_INCHES = 0.05;

/** Each track's bits in the order the head meets them. */
export function syntheticSwipeBits(card: SyntheticCard, direction: SwipeDirection): TrackData<Uint8Array> {
  const texts = trackTextsOf(card);
  const out: TrackData<Uint8Array> = {};
  for (const [track, content] of [[1, texts.track1], [2, texts.track2], [3, texts.track3]] as const) {
    if (content === undefined) continue;
    const format = TRACK_FORMATS[track];
    const leadingZeros = Math.round(LEAD_IN_INCHES * format.bitsPerInch);
    const dataBits = (content.length + 3) * bitsPerChar(format);
    const cells = Math.floor((CARD_LENGTH_INCHES - TRAIL_MARGIN_INCHES) * format.bitsPerInch);
    const bits = encodeTrackBits(format, content, { leadingZeros, trailingZeros: Math.max(8, cells - leadingZeros - dataBits) });
    out[track] = direction === 'forward' ? bits : bits.slice().reverse();
  }
  return out;
}

export interface SwipeMotion {
  direction: SwipeDirection;
  /** Speeds (cm/s) at evenly spaced points of the card's travel past the head. */
  cmPerS: readonly number[];
  /** Each transition moves by up to +/- this fraction of the local bit period. */
  jitter: number;
  random: SeededRandom;
}

/** Each track's transition times (microseconds) as the head sees them. */
export function syntheticSwipeEdges(card: SyntheticCard, motion: SwipeMotion): TrackData<Float64Array> {
  const speed: SwipeSpeedProfile = { cmPerS: motion.cmPerS, travelInches: CARD_LENGTH_INCHES };
  const out: TrackData<Float64Array> = {};
  const bitsByTrack = syntheticSwipeBits(card, motion.direction);
  for (const track of [1, 2, 3] as const) {
    const bits = bitsByTrack[track];
    if (!bits) continue;
    const format = TRACK_FORMATS[track];
    // Backwards, the card's trailing edge meets the head first and the tracks' layout is mirrored.
    const startInches =
      motion.direction === 'forward' ? 0 : Math.max(0, CARD_LENGTH_INCHES - bits.length / format.bitsPerInch);
    out[track] = f2fEdgeTimes(bits, { bitsPerInch: format.bitsPerInch, startInches, speed, jitter: motion.jitter, random: motion.random });
  }
  return out;
}
