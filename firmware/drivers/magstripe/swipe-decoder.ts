/**
 * A swipe's raw tracks -> SwipeResult, from whichever layer the reader delivers: bits (clock/data
 * readers), flux-transition times (F2F) or sampled head voltage. Track 2 decides the result (field
 * 35 needs it); tracks 1 and 3 are added when they decode and are cross-checked by cardFromTracks.
 */
import type { SwipeErrorReason, SwipeResult } from './card-read.js';
import { cardFromTracks, swipeError, track2ConfirmedByTrack1, trackContentPlausible, type TrackTexts } from './card-from-tracks.js';
import { decodeF2F, decodeF2FFromLabels, labelsFitCost, type F2fDecode, type F2fOptions } from './f2f-decoder.js';
import { spliceLabels } from './f2f-splice.js';
import { headSignalToEdges, type HeadSignalOptions } from './head-signal-edges.js';
import { CANDIDATE_LIMITS, UNCHECKED_TRACK_LIMITS, decodeCandidates } from './track-candidates.js';
import { decodeTrackBits, type SwipeDirection, type TrackDecode } from './track-decoder.js';
import { TRACK_FORMATS, type TrackData, type TrackNumber } from './track-format.js';

type TrackOutcome =
  | {
      ok: true;
      content: string;
      direction: SwipeDirection;
      /** Not the read's best reading but one mended at some of its choices (track-candidates.ts). */
      mended?: boolean;
    }
  | {
      ok: false;
      reason: SwipeErrorReason;
      detail: string;
      ambiguous?: true;
      /** Contents that passed every check but could not be told apart, and the directions they were read in. */
      witnesses?: string[];
      witnessDirections?: SwipeDirection[];
      /** Every content that passed every check in this read, accepted or not. */
      passed?: string[];
    };

export function decodeSwipeBits(tracks: TrackData<ArrayLike<number>>): SwipeResult {
  const outcomes: TrackData<TrackOutcome> = {};
  for (const track of presentTracks(tracks)) outcomes[track] = decodeTrackBits(TRACK_FORMATS[track], tracks[track]!);
  return combineTracks(outcomes);
}

/**
 * Ways to read one track's transitions, tried in turn until one gives a track that passes parity,
 * LRC, its sentinels and the card checks: the F2F decoder with its default motion model on the
 * transitions as they came and in reverse time (its first search then starts from the other end
 * of the track); the two joined where they disagree (f2f-splice.ts: each is often right on its own
 * side of a hard change of speed); then a stiffer motion model (motionNoise 1e-6: less jitter let
 * through where the speed is steady) and a looser one (1e-4: harder changes of speed), each way.
 * Each is a complete reading of the same flux; the stripe's own checks pick. A reading refused as
 * ambiguous (two contents pass) ends the search: a later read that happens to pick one of them is
 * no evidence. Of 2,000 bench swipes at +/-20% (seed 7, track 2 alone) the first read takes
 * 1,978, the reversed read 7 more, the splice none, the stiffer model 3 and the looser 2; 9 are
 * refused as ambiguous.
 */
type F2fReading = { options: F2fOptions; reversed: boolean } | { splice: readonly [number, number] };
const F2F_READINGS: readonly F2fReading[] = [
  { options: {}, reversed: false },
  { options: {}, reversed: true },
  { splice: [0, 1] },
  { options: { motionNoise: 1e-6 }, reversed: false },
  { options: { motionNoise: 1e-6 }, reversed: true },
  { options: { motionNoise: 1e-4 }, reversed: false },
  { options: { motionNoise: 1e-4 }, reversed: true },
];

/**
 * Tracks 1 and 3 only add the cardholder name and track 3 to a swipe that track 2 decides, and
 * at 210 bpi they cost three times track 2 to read: they get the default reads and the splice.
 */
const OPTIONAL_TRACK_READINGS = 3;

/** Transition times in microseconds, per track; `options` replaces the readings tried. */
export function decodeSwipeEdges(tracks: TrackData<ArrayLike<number>>, options?: F2fOptions): SwipeResult {
  const outcomes: TrackData<TrackOutcome> = {};
  // Track 2 first: without it the swipe fails, and tracks 1 and 3 need not be read (unless track 1
  // may settle an ambiguous track 2: combineTracks).
  for (const track of ([2, 1, 3] as const).filter((t) => tracks[t] !== undefined)) {
    const track2 = outcomes[2];
    if (track !== 2 && track2?.ok === false && track2.reason !== 'no-data' && !track2.witnesses?.length) break;
    const readings: readonly F2fReading[] = options ? [{ options, reversed: false }] : track === 2 ? F2F_READINGS : F2F_READINGS.slice(0, OPTIONAL_TRACK_READINGS);
    outcomes[track] = readF2fTrack(track, tracks[track]!, readings);
  }
  return combineTracks(outcomes);
}

/**
 * One track's transitions -> the track, reading by reading (F2F_READINGS). A reading mended from
 * its read's best one (track-candidates.ts) has corrected what the read got wrong, and at the edge
 * of what parity and the LRC can vouch for; it is accepted only when the read with the same model
 * from the other end of the track passes no other content (bench:magstripe seed 5 at +/-22%
 * jitter, swipe 401: the forward read mended its way to a track 2 with one character too many,
 * while the reversed read's own best reading was the card's and fitted better).
 */
function readF2fTrack(track: TrackNumber, edges: ArrayLike<number>, readings: readonly F2fReading[]): TrackOutcome {
  const reversedEdges = reverseTime(edges);
  // Each reading's read and outcome, by its index in `readings`, made when first needed.
  const reads = new Map<number, F2fDecode>();
  const outcomes = new Map<number, TrackOutcome | undefined>();
  const outcomeOf = (index: number): TrackOutcome | undefined => {
    if (!outcomes.has(index)) outcomes.set(index, makeOutcome(index));
    return outcomes.get(index);
  };
  const makeOutcome = (index: number): TrackOutcome | undefined => {
    const reading = readings[index]!;
    if ('splice' in reading) {
      const [forward, reversed] = reading.splice.map((read) => (outcomeOf(read), reads.get(read)?.labels));
      if (!forward || !reversed) return undefined;
      let outcome: TrackOutcome | undefined;
      for (const labels of spliceLabels(forward, reversed, edges.length)) {
        outcome = readTrack(track, edges, decodeF2FFromLabels(edges, labels), false, {});
        if (outcome.ok || outcome.ambiguous) break;
      }
      return outcome;
    }
    const readEdges = reading.reversed ? reversedEdges : edges;
    const f2f = decodeF2F(readEdges, reading.options);
    reads.set(index, f2f);
    return readTrack(track, readEdges, f2f, reading.reversed, reading.options);
  };

  let firstFailure: TrackOutcome | undefined;
  for (let index = 0; index < readings.length; index++) {
    const outcome = outcomeOf(index);
    if (!outcome) continue;
    firstFailure ??= outcome;
    if (!outcome.ok) {
      if (outcome.ambiguous) return outcome;
      continue;
    }
    const other = outcome.mended ? counterpartOf(readings, index) : undefined;
    const secondOpinion = other === undefined ? undefined : outcomeOf(other);
    if (!secondOpinion || !contradicts(secondOpinion, outcome.content)) return outcome;
    return { ok: false, reason: 'timing', detail: `track ${track}: the reads from either end of the track pass different contents`, ambiguous: true };
  }
  return firstFailure ?? { ok: false, reason: 'no-data', detail: `track ${track}: nothing to read` };
}

/** The reading with the same model from the other end of the track, if the list has one. */
function counterpartOf(readings: readonly F2fReading[], index: number): number | undefined {
  const reading = readings[index]!;
  if ('splice' in reading) return undefined;
  const found = readings.findIndex((other) => !('splice' in other) && other.reversed !== reading.reversed && other.options.motionNoise === reading.options.motionNoise);
  return found < 0 ? undefined : found;
}

/** Whether a read passed, accepted or not, a content other than `content`. */
function contradicts(outcome: TrackOutcome, content: string): boolean {
  if (outcome.ok) return outcome.content !== content;
  return outcome.ambiguous === true || (outcome.passed ?? []).some((other) => other !== content);
}

/**
 * One F2F read of a track -> the track. `edges` are the transitions the read was made from (in
 * reverse time when `reversed`), `options` the read's, for fitting grids to other readings.
 */
function readTrack(track: TrackNumber, edges: ArrayLike<number>, f2f: F2fDecode, reversed: boolean, options: F2fOptions): TrackOutcome {
  const edgeCount = edges.length;
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
    (midCell) => labelsFitCost(edges, { startEdge: f2f.choices!.startEdge, midCell }, options),
    track === 2 ? CANDIDATE_LIMITS : UNCHECKED_TRACK_LIMITS,
  );
  if (candidates.ok) return { ok: true, content: candidates.content, direction: candidates.direction, mended: candidates.mended };
  if (candidates.ambiguous) {
    return {
      ok: false,
      reason: 'timing',
      detail: `track ${track}: ${candidates.detail}`,
      ambiguous: true,
      witnesses: candidates.passing,
      witnessDirections: candidates.directions,
      passed: candidates.passed,
    };
  }
  const refusal = bestReadingOutcome(track, f2f, candidates.best);
  return refusal.ok || candidates.passed.length === 0 ? refusal : { ...refusal, passed: candidates.passed };
}

/**
 * A read whose candidate readings gave no track: why its best reading is not one, or, when that
 * reading passed parity and the LRC but not the card checks, the reading, for cardFromTracks to name.
 */
function bestReadingOutcome(track: TrackNumber, f2f: F2fDecode, decoded: TrackDecode): TrackOutcome {
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

/**
 * An ambiguous track 2 settled by track 1 (card-from-tracks.ts track2ConfirmedByTrack1): a track 1
 * that passed its own checks, or one refused as ambiguous whose readings agree on the fields.
 * Any other outcome as it is.
 */
function settledByTrack1(track2: TrackOutcome | undefined, track1: TrackOutcome | undefined): TrackOutcome | undefined {
  if (!track2 || track2.ok || !track2.witnesses?.length || !track2.witnessDirections || !track1) return track2;
  const track1Readings = track1.ok ? [track1.content] : (track1.witnesses ?? []);
  const confirmed = track2ConfirmedByTrack1(track2.witnesses, track1Readings);
  if (confirmed === undefined) return track2;
  return { ok: true, content: track2.witnesses[confirmed]!, direction: track2.witnessDirections[confirmed]! };
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
  const track2 = settledByTrack1(outcomes[2], outcomes[1]);
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
