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

/** Transition times in microseconds, per track. */
export function decodeSwipeEdges(tracks: TrackData<ArrayLike<number>>, options?: F2fOptions): SwipeResult {
  const outcomes: TrackData<TrackOutcome> = {};
  for (const track of presentTracks(tracks)) {
    const edges = tracks[track]!;
    const f2f = decodeF2F(edges, options);
    if (!f2f.synced) {
      outcomes[track] =
        edges.length < 16
          ? { ok: false, reason: 'no-data', detail: `track ${track}: ${edges.length} flux transitions` }
          : { ok: false, reason: 'timing', detail: `track ${track}: no steady run of clocking zeros in ${edges.length} transitions` };
      continue;
    }
    const decoded = decodeTrackBits(TRACK_FORMATS[track], f2f.bits);
    const fault = f2f.fault;
    if (decoded.ok || !fault) {
      outcomes[track] = decoded;
      continue;
    }
    outcomes[track] = {
      ok: false,
      reason: 'timing',
      detail:
        `track ${track}: bit ${fault.atBit} lasted ${fault.intervalUs.toFixed(0)} us against a reference of ` +
        `${fault.referenceUs.toFixed(0)} us, so the read stopped (${decoded.detail})`,
    };
  }
  return combineTracks(outcomes);
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
