/**
 * A swipe's raw tracks -> SwipeResult, from whichever layer the reader delivers: bits (clock/data
 * readers), flux-transition times (F2F) or sampled head voltage. Track 2 decides the result (field
 * 35 needs it); tracks 1 and 3 are added when they decode and are cross-checked by cardFromTracks.
 */
import type { SwipeErrorReason, SwipeResult } from './card-read.js';
import { cardFromTracks, swipeError, trackContentPlausible, type TrackTexts } from './card-from-tracks.js';
import { decodeF2F, decodeF2FFromLabels, type F2fDecode, type F2fOptions } from './f2f-decoder.js';
import { spliceLabels } from './f2f-splice.js';
import { headSignalToEdges, type HeadSignalOptions } from './head-signal-edges.js';
import { CANDIDATE_LIMITS, UNCHECKED_TRACK_LIMITS, decodeCandidates } from './track-candidates.js';
import { decodeTrackBits, type SwipeDirection } from './track-decoder.js';
import { TRACK_FORMATS, type TrackData, type TrackNumber } from './track-format.js';

type TrackOutcome =
  | { ok: true; content: string; direction: SwipeDirection }
  | { ok: false; reason: SwipeErrorReason; detail: string; ambiguous?: true; witnesses?: string[] };

export function decodeSwipeBits(tracks: TrackData<ArrayLike<number>>): SwipeResult {
  const outcomes: TrackData<TrackOutcome> = {};
  for (const track of presentTracks(tracks)) outcomes[track] = decodeTrackBits(TRACK_FORMATS[track], tracks[track]!);
  return combineTracks(outcomes);
}

/**
 * Ways to read one track's transitions, tried in turn until one gives a track that passes parity,
 * LRC, its sentinels and the card checks: the F2F decoder's default loop (narrow: best against
 * jitter) on the transitions as they came and in reverse time (its loop starts from the other end
 * of the track); the two joined where they disagree (f2f-splice.ts: each is often right on its own
 * side of a hard change of speed); then loops that follow the period faster (smoothing 0.2, 0.3:
 * a card that speeds up or brakes hard, e.g. 20 -> 150 cm/s within half the card) or the phase
 * more slowly (phaseGain 0.2), each way, each pair joined, and joined with the default reads.
 * Each is a complete reading of the same flux; the stripe's own checks pick. A reading refused as
 * ambiguous (two contents pass) ends the search: a later read that happens to pick one of them
 * is no evidence. On the bench's swipes every later entry still adds a few reads in 1,000.
 */
type F2fReading = { options: F2fOptions; reversed: boolean } | { splice: readonly [number, number] };
const F2F_READINGS: readonly F2fReading[] = [
  { options: {}, reversed: false },
  { options: {}, reversed: true },
  { splice: [0, 1] },
  { options: { smoothing: 0.2 }, reversed: true },
  { options: { smoothing: 0.2 }, reversed: false },
  { splice: [4, 3] },
  { splice: [0, 3] },
  { splice: [4, 1] },
  { options: { phaseGain: 0.2 }, reversed: false },
  { options: { phaseGain: 0.2 }, reversed: true },
  { splice: [8, 9] },
  { splice: [8, 1] },
  { splice: [0, 9] },
  { options: { smoothing: 0.3 }, reversed: false },
  { options: { smoothing: 0.3 }, reversed: true },
  { splice: [13, 14] },
  { splice: [13, 1] },
  { splice: [0, 14] },
];

/**
 * Tracks 1 and 3 only add the cardholder name and track 3 to a swipe that track 2 decides, and
 * at 210 bpi they cost three times track 2 to read: they get the default reads and the splice.
 */
const OPTIONAL_TRACK_READINGS = 3;

/** Transition times in microseconds, per track; `options` replaces the readings tried. */
export function decodeSwipeEdges(tracks: TrackData<ArrayLike<number>>, options?: F2fOptions): SwipeResult {
  const outcomes: TrackData<TrackOutcome> = {};
  // Track 2 first: without it the swipe fails, and tracks 1 and 3 need not be read.
  for (const track of ([2, 1, 3] as const).filter((t) => tracks[t] !== undefined)) {
    if (track !== 2 && outcomes[2]?.ok === false && outcomes[2].reason !== 'no-data') break;
    const readings: readonly F2fReading[] = options ? [{ options, reversed: false }] : track === 2 ? F2F_READINGS : F2F_READINGS.slice(0, OPTIONAL_TRACK_READINGS);
    const edges = tracks[track]!;
    const reversedEdges = reverseTime(edges);
    // Each read so far, by its index in `readings`, for the splices.
    const reads: (F2fDecode | undefined)[] = [];
    let firstFailure: TrackOutcome | undefined;
    for (const reading of readings) {
      let outcome: TrackOutcome | undefined;
      if ('splice' in reading) {
        const forward = reads[reading.splice[0]]?.labels;
        const reversed = reads[reading.splice[1]]?.labels;
        reads.push(undefined);
        if (!forward || !reversed) continue;
        for (const labels of spliceLabels(forward, reversed, edges.length)) {
          outcome = readTrack(track, edges.length, decodeF2FFromLabels(edges, labels), false);
          if (outcome.ok || outcome.ambiguous) break;
        }
        if (!outcome) continue;
      } else {
        const f2f = decodeF2F(reading.reversed ? reversedEdges : edges, reading.options);
        reads.push(f2f);
        outcome = readTrack(track, edges.length, f2f, reading.reversed);
      }
      firstFailure ??= outcome;
      if (outcome.ok) {
        outcomes[track] = outcome;
        break;
      }
      outcomes[track] = firstFailure;
      if (outcome.ambiguous) {
        outcomes[track] = outcome;
        break;
      }
    }
  }
  return combineTracks(outcomes);
}

/** One F2F read of a track (of its transitions in reverse time when `reversed`) -> the track. */
function readTrack(track: TrackNumber, edgeCount: number, f2f: F2fDecode, reversed: boolean): TrackOutcome {
  if (!f2f.synced || !f2f.choices || !f2f.boundaries) {
    return edgeCount < 16
      ? { ok: false, reason: 'no-data', detail: `track ${track}: ${edgeCount} flux transitions` }
      : { ok: false, reason: 'timing', detail: `track ${track}: no steady run of clocking zeros in ${edgeCount} transitions` };
  }
  const format = TRACK_FORMATS[track];
  const readBits = (bits: Uint8Array) => decodeTrackBits(format, reversed ? bits.slice().reverse() : bits);
  // The best reading and the next-cheapest ones (track-candidates.ts says when one is accepted).
  const candidates = decodeCandidates(
    f2f.choices,
    f2f.boundaries,
    readBits,
    (content) => trackContentPlausible(track, content),
    track === 2 ? CANDIDATE_LIMITS : UNCHECKED_TRACK_LIMITS,
  );
  if (candidates.ok) return { ok: true, content: candidates.content, direction: candidates.direction };
  if (candidates.ambiguous) {
    return { ok: false, reason: 'timing', detail: `track ${track}: ${candidates.detail}`, ambiguous: true, witnesses: candidates.passing };
  }
  const decoded = candidates.best;
  // Passed parity and the LRC but not a clean end (more flux after the LRC means a misread character
  // passed for the end sentinel and a chance LRC, 1 in 16 on tracks 2 and 3), or passed all that
  // and failed the card checks, which cardFromTracks then names.
  if (decoded.ok && !decoded.cleanEnd) {
    return { ok: false, reason: 'no-end-sentinel', detail: `track ${track} (${decoded.direction}): flux follows the LRC` };
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
  else if (track1?.witnesses?.length) texts.track1Witnesses = track1.witnesses;
  const track3 = outcomes[3];
  if (track3?.ok) texts.track3 = track3.content;
  return cardFromTracks(texts, track2.direction);
}
