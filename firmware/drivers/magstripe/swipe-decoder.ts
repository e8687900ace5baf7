/**
 * A swipe's raw tracks -> SwipeResult, from whichever layer the reader delivers: bits (clock/data
 * readers), flux-transition times (F2F) or sampled head voltage. Track 2 decides the result (field
 * 35 needs it); tracks 1 and 3 are added when they decode and are cross-checked by cardFromTracks.
 */
import type { SwipeErrorReason, SwipeResult } from './card-read.js';
import { cardFromTracks, swipeError, type TrackTexts } from './card-from-tracks.js';
import { decodeF2F, type F2fOptions } from './f2f-decoder.js';
import { headSignalToEdges, type HeadSignalOptions } from './head-signal-edges.js';
import { decodeTrackBits, type SwipeDirection } from './track-decoder.js';
import { TRACK_FORMATS, type TrackData, type TrackNumber } from './track-format.js';

type TrackOutcome =
  | { ok: true; content: string; direction: SwipeDirection }
  | { ok: false; reason: SwipeErrorReason; detail: string };

export function decodeSwipeBits(tracks: TrackData<ArrayLike<number>>): SwipeResult {
  const outcomes: TrackData<TrackOutcome> = {};
  for (const track of presentTracks(tracks)) outcomes[track] = decodeTrackBits(TRACK_FORMATS[track], tracks[track]!);
  return combineTracks(outcomes);
}

/**
 * Ways to read one track's transitions, tried in turn until one gives a track that passes parity,
 * LRC and its sentinels: the F2F decoder's default loop (narrow: best against jitter), a wide loop
 * (follows a card that speeds up or brakes hard, e.g. 20 -> 150 cm/s within half the card), and
 * each again on the transitions taken in reverse time, whose loop starts from the other end of the
 * track. Each is a complete reading of the same flux; the stripe's own checks pick.
 */
const F2F_READINGS: readonly { options: F2fOptions; reversed: boolean }[] = [
  { options: {}, reversed: false },
  { options: {}, reversed: true },
  { options: { smoothing: 0.3 }, reversed: false },
  { options: { smoothing: 0.3 }, reversed: true },
];

/**
 * Close calls (f2f-decoder.ts) a track read may hold and still be trusted: none. Parity and the LRC
 * catch one 0-1/1-0 swap but not two in the same bit positions; allowing one close call on track 2
 * read 4 wrong cards in 10,000 bench swipes at +/-24% jitter (1 with none), for 3.7 points more
 * success at +/-20%. Per track, so a track whose misread costs less can be relaxed.
 */
const MAX_CLOSE_CALLS: Readonly<Record<TrackNumber, number>> = { 1: 0, 2: 0, 3: 0 };

/** Transition times in microseconds, per track; `options` replaces the readings tried. */
export function decodeSwipeEdges(tracks: TrackData<ArrayLike<number>>, options?: F2fOptions): SwipeResult {
  const readings = options ? [{ options, reversed: false }] : F2F_READINGS;
  const outcomes: TrackData<TrackOutcome> = {};
  for (const track of presentTracks(tracks)) {
    let firstFailure: TrackOutcome | undefined;
    for (const reading of readings) {
      const outcome = decodeTrackEdges(track, tracks[track]!, reading.options, reading.reversed);
      firstFailure ??= outcome;
      if (outcome.ok) {
        outcomes[track] = outcome;
        break;
      }
      outcomes[track] = firstFailure;
    }
  }
  return combineTracks(outcomes);
}

function decodeTrackEdges(track: TrackNumber, edges: ArrayLike<number>, options: F2fOptions, reversed: boolean): TrackOutcome {
  const f2f = decodeF2F(reversed ? reverseTime(edges) : edges, options);
  if (!f2f.synced) {
    return edges.length < 16
      ? { ok: false, reason: 'no-data', detail: `track ${track}: ${edges.length} flux transitions` }
      : { ok: false, reason: 'timing', detail: `track ${track}: no steady run of clocking zeros in ${edges.length} transitions` };
  }
  const decoded = decodeTrackBits(TRACK_FORMATS[track], reversed ? f2f.bits.slice().reverse() : f2f.bits);
  if (decoded.ok && !decoded.cleanEnd) {
    // A whole track is followed by clocking zeros to the card's edge; more flux after the LRC means
    // a misread character passed for the end sentinel and a chance LRC (1 in 16 on tracks 2 and 3).
    return { ok: false, reason: 'no-end-sentinel', detail: `track ${track} (${decoded.direction}): flux follows the LRC` };
  }
  if (decoded.ok && f2f.closeCalls > MAX_CLOSE_CALLS[track]) {
    return { ok: false, reason: 'timing', detail: `track ${track}: ${f2f.closeCalls} cells were close calls between a 0-1 and a 1-0 reading` };
  }
  const fault = f2f.fault;
  if (decoded.ok || !fault) return decoded;
  return {
    ok: false,
    reason: 'timing',
    detail:
      `track ${track}: bit ${fault.atBit} lasted ${fault.intervalUs.toFixed(0)} us against a reference of ` +
      `${fault.referenceUs.toFixed(0)} us, so the read stopped (${decoded.detail})`,
  };
}

/** The same transitions as the head would meet them with the card moving the other way. */
function reverseTime(edges: ArrayLike<number>): Float64Array {
  const last = edges[edges.length - 1]!;
  const out = new Float64Array(edges.length);
  for (let i = 0; i < edges.length; i++) out[i] = last - edges[edges.length - 1 - i]!;
  return out;
}

/** Sampled head voltage per track, all at `sampleRateHz`. */
export function decodeHeadSamples(
  tracks: TrackData<ArrayLike<number>>,
  sampleRateHz: number,
  signal: HeadSignalOptions,
  f2f?: F2fOptions,
): SwipeResult {
  const edges: TrackData<Float64Array> = {};
  for (const track of presentTracks(tracks)) edges[track] = headSignalToEdges(tracks[track]!, sampleRateHz, signal);
  return decodeSwipeEdges(edges, f2f);
}

function presentTracks<T>(tracks: TrackData<T>): TrackNumber[] {
  return ([1, 2, 3] as const).filter((track) => tracks[track] !== undefined);
}

function combineTracks(outcomes: TrackData<TrackOutcome>): SwipeResult {
  const track2 = outcomes[2];
  if (!track2) return swipeError('no-data', 'the reader delivered no track 2');
  if (!track2.ok) {
    const track1 = outcomes[1];
    if (track2.reason === 'no-data' && track1 && !track1.ok && track1.reason === 'no-data') {
      return swipeError('no-data', `${track2.detail}; ${track1.detail}`);
    }
    return swipeError(track2.reason, track2.detail);
  }
  // A track 1 or 3 that failed its own checks is left out; track 2 has passed parity, LRC and Luhn.
  const texts: TrackTexts = { track2: track2.content };
  const track1 = outcomes[1];
  if (track1?.ok) texts.track1 = track1.content;
  const track3 = outcomes[3];
  if (track3?.ok) texts.track3 = track3.content;
  return cardFromTracks(texts, track2.direction);
}
