/**
 * One track's F2F read -> its characters, trying the next-cheapest readings when the best one is
 * refused. At +/-20% jitter a transition lies up to 0.2 cells from its place and the fitted grid
 * carries a few hundredths of error of its own, so now and then one 0-1 pair is read as 1-0 (or a
 * run of 1s half a cell off): the best reading then fails parity or the LRC by one such swap. The
 * search knows which of its choices were close (f2f-cell-search.ts, CellChoices), so the readings
 * that differ from the best at one or two of the closest choices are decoded too.
 *
 * Why this does not guess: a swap keeps a character's parity, and two swaps in the same bit
 * positions of two characters keep the LRC as well (the discretionary data has no other check).
 * So every reading within reach is checked - the best one too, even when it passes - and the
 * cheapest reading that passes parity, the LRC, a clean end and the card checks (format, Luhn)
 * is accepted only when no reading with other content passes at less than `ambiguityGap` more
 * cost, and when every close call was among the choices tried. Otherwise the track is refused,
 * and the caller tries no further reads of it (swipe-decoder.ts). Tracks whose content no card
 * check covers accept only an unchallenged best reading.
 */
import { traceCells, type CellChoices } from './f2f-cell-search.js';
import type { SwipeDirection, TrackDecode } from './track-decoder.js';

export interface CandidateLimits {
  /** The closest choices whose losing reading is tried, singly and in pairs. */
  maxDetours: number;
  /** A detour costing more than this (cells^2 over the best reading) is not a plausible misread. */
  maxExtraCost: number;
  /** A choice decided by less than this (cells^2) is a close call: a coin toss. */
  closeCall: number;
  /**
   * Close calls the best reading may hold. Each is a coin toss that the checks settle, so every
   * one must be among the detours tried (at most `maxDetours`); 0 where no card check backs the
   * track's own parity and LRC. Refusing at two on track 2 (the rule before these readings) cost
   * 6 points of the bench's success for no wrong read seen without it.
   */
  maxCloseCalls: number;
  /** Another passing reading this little costlier than the cheapest makes the track ambiguous. */
  ambiguityGap: number;
  /**
   * Accept only the best reading, with no close call on it and no other reading within reach
   * passing: for tracks whose content no card check covers (the track 1 name), where a double
   * swap (V->N and P->H in the same two bit positions) passes parity and the LRC.
   */
  bestOnly: boolean;
}

/**
 * Track 2: its PAN is under Luhn, every field under the format check. At +/-24% jitter a gap of 0.1
 * let one double swap in the discretionary data through in 1,000 swipes (seed 5); 0.2 none.
 */
export const CANDIDATE_LIMITS: CandidateLimits = { maxDetours: 10, maxExtraCost: 0.35, closeCall: 0.05, maxCloseCalls: 10, ambiguityGap: 0.2, bestOnly: false };
/** Tracks 1 and 3: the name and track 3's data have no check beyond parity and the LRC. */
export const UNCHECKED_TRACK_LIMITS: CandidateLimits = { ...CANDIDATE_LIMITS, maxCloseCalls: 0, bestOnly: true };

export type CandidateOutcome =
  | { ok: true; content: string; direction: SwipeDirection; readings: number }
  | {
      ok: false;
      ambiguous: boolean;
      detail: string;
      best: TrackDecode;
      /** Contents that passed every check but could not be told apart: witnesses for other tracks. */
      passing: string[];
    };

/**
 * `decode` turns a reading's bits (in the order the search read them) into a track; `plausible`
 * applies the card-level checks to its content.
 */
export function decodeCandidates(
  choices: CellChoices,
  boundaries: readonly number[],
  decode: (bits: Uint8Array) => TrackDecode,
  plausible: (content: string) => boolean,
  limits: CandidateLimits = CANDIDATE_LIMITS,
): CandidateOutcome {
  const detours = boundaries
    .filter((edge) => choices.margin[edge]! <= limits.maxExtraCost)
    .sort((a, b) => choices.margin[a]! - choices.margin[b]!);
  const best = decode(traceCells(choices).bits);
  const closeCalls = detours.filter((edge) => choices.margin[edge]! < limits.closeCall).length;
  if (closeCalls > limits.maxCloseCalls) {
    return { ok: false, ambiguous: true, detail: `${closeCalls} cells were close calls between a 0-1 and a 1-0 reading`, best, passing: [] };
  }
  const tried = detours.slice(0, limits.maxDetours);
  const sets: number[][] = [[]];
  for (let i = 0; i < tried.length; i++) {
    sets.push([tried[i]!]);
    for (let j = i + 1; j < tried.length; j++) sets.push([tried[i]!, tried[j]!]);
  }

  // Every reading within reach that passes, cheapest first; one content counted once.
  const passing: PassingReading[] = [];
  for (const set of sets) {
    const read = set.length === 0 ? best : decode(traceCells(choices, new Set(set)).bits);
    if (!read.ok || !read.cleanEnd || !plausible(read.content)) continue;
    const extraCost = set.reduce((sum, edge) => sum + choices.margin[edge]!, 0);
    const same = passing.find((p) => p.content === read.content && p.direction === read.direction);
    if (same) same.extraCost = Math.min(same.extraCost, extraCost);
    else passing.push({ content: read.content, direction: read.direction, extraCost });
  }
  passing.sort((a, b) => a.extraCost - b.extraCost);
  const [first, second] = passing;
  if (first === undefined) return { ok: false, ambiguous: false, detail: 'no reading within reach passes the checks', best, passing: [] };
  if (limits.bestOnly && (first.extraCost > 0 || second !== undefined)) {
    return { ok: false, ambiguous: true, detail: 'the best reading is not the only one within reach', best, passing: passing.map((p) => p.content) };
  }
  if (second !== undefined && second.extraCost - first.extraCost < limits.ambiguityGap) {
    return { ok: false, ambiguous: true, detail: 'two different readings pass every check', best, passing: passing.map((p) => p.content) };
  }
  return { ok: true, content: first.content, direction: first.direction, readings: passing.length };
}

interface PassingReading {
  content: string;
  direction: SwipeDirection;
  /** Over the best reading, cells^2. */
  extraCost: number;
}
