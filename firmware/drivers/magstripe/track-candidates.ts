/**
 * One track's F2F read -> its characters, trying the next-cheapest readings when the best one is
 * refused. At +/-20% jitter a transition lies up to 0.2 cells from its place and the fitted grid
 * carries a few hundredths of error of its own, so now and then one 0-1 pair is read as 1-0 (or a
 * run of 1s half a cell off): the best reading then fails parity or the LRC by one such swap. The
 * search knows which of its choices were close (f2f-cell-search.ts, CellChoices), so the readings
 * that differ from the best at one or two of its choices are decoded too.
 *
 * Why this does not guess: a swap keeps a character's parity, and two swaps in the same bit
 * positions of two characters keep the LRC as well (the discretionary data has no other check).
 * So every reading within reach is checked - the best one too, even when it passes - and each
 * that passes parity, the LRC, a clean end and the card checks (format, Luhn) is judged on a grid
 * fitted to its own labels (`fitCost`, f2f-decoder.ts labelsFitCost): the costs the search
 * reports are against the grid fitted to the best reading, which leans towards that reading, and
 * a wrong best reading then looks safer than it is (f2f-candidates.test.ts, seed 8077: two 0-1
 * pairs read 1-0 in the same bit positions; the card's own reading costs 0.216 more on the
 * search's grid, 0.029 more on its own). The reading that fits best is accepted only when no
 * reading with other content fits within the gap (the larger of `ambiguityGap` and
 * `gapPerJitter` times the read's own jitter), when it is itself within `acceptExtraCost` of the
 * best reading (only the best reading itself on a noisy read), and when every close call was
 * among the choices tried. Otherwise the track is refused, and the caller tries no further reads
 * of it (swipe-decoder.ts). Tracks whose content no card check covers accept only an
 * unchallenged best reading.
 */
import { traceCells, type CellChoices } from './f2f-cell-search.js';
import type { SwipeDirection, TrackDecode } from './track-decoder.js';

export interface CandidateLimits {
  /** The closest choices whose losing reading is tried, singly and in pairs. */
  maxDetours: number;
  /**
   * Readings costing more than this over the best one (cells^2, the search's costs) are not
   * tried. It reaches beyond `acceptExtraCost` so that a reading that could be accepted meets
   * the rivals just past it.
   */
  maxExtraCost: number;
  /** A reading costing more than this over the best one is a rival, never the one accepted. */
  acceptExtraCost: number;
  /** A choice decided by less than this (cells^2) is a close call: a coin toss. */
  closeCall: number;
  /**
   * Close calls the best reading may hold. Each is a coin toss that the checks settle, so every
   * one must be among the detours tried (at most `maxDetours`); 0 where no card check backs the
   * track's own parity and LRC. Refusing at two on track 2 (the rule before these readings) cost
   * 6 points of the bench's success for no wrong read seen without it.
   */
  maxCloseCalls: number;
  /**
   * Another passing content whose own fit costs less than this many times the read's jitter
   * measure more (the best reading's fit per transition, cells^2), or less than `ambiguityGap`
   * more, makes the track ambiguous. In those units the difference is twice the log-likelihood
   * ratio of the two readings (the jitter measure is a transition's variance about its fitted place).
   */
  gapPerJitter: number;
  ambiguityGap: number;
  /**
   * A read whose jitter measure exceeds this is noisy: its jitter comes close to the quarter cell
   * at which a transition sits nearer another reading's place than its own, several misjudged
   * transitions become likely, and mending one of them is as likely to make another passing
   * content as the card's. A noisy read accepts only its best reading.
   */
  noisyJitter: number;
  /**
   * Accept only the best reading, with no close call on it and no other reading within reach
   * passing: for tracks whose content no card check covers (the track 1 name), where a double
   * swap (V->N and P->H in the same two bit positions) passes parity and the LRC.
   */
  bestOnly: boolean;
}

/**
 * Track 2: its PAN is under Luhn, every field under the format check. Measured on track 2 alone,
 * forward then reversed reads:
 * - 3,000 bench swipes at +/-22% jitter: judged on the search's costs with a gap of 0.2 and rivals
 *   only among the 10 closest choices up to 0.35 (the rule before), 4 reads accepted a wrong track
 *   whose rival lay further out; with rivals out to 0.6 judged on their own fit with a gap of 0.1,
 *   none, and 31 swipes were refused as ambiguous instead of 66.
 * - A gap of 0.1 still took a double swap at +/-22% whose rival fitted 9 jitter measures worse
 *   (f2f-candidates.test.ts, seed 1798); 10 measures refuse it. At +/-20% the measure is about
 *   0.0144, a gap of about 0.14.
 * - At +/-24% (measure about 0.021) mending readings took 2 wrong cards in 1,000 bench swipes
 *   (seed 5, success 0.942); reads above 0.0175 accepting only their best reading took none
 *   (success 0.704). At +/-20% 80% of reads measure 0.0134-0.0154.
 */
export const CANDIDATE_LIMITS: CandidateLimits = {
  maxDetours: 24,
  maxExtraCost: 0.6,
  acceptExtraCost: 0.35,
  closeCall: 0.05,
  maxCloseCalls: 10,
  gapPerJitter: 10,
  ambiguityGap: 0.1,
  noisyJitter: 0.0175,
  bestOnly: false,
};
/**
 * Tracks 1 and 3: the name and track 3's data have no check beyond parity and the LRC, so only an
 * unchallenged best reading is accepted; the rivals looked for are those the rule before looked
 * for (the 10 closest choices, up to 0.35), as at 210 bpi every further one costs three times
 * track 2's.
 */
export const UNCHECKED_TRACK_LIMITS: CandidateLimits = { ...CANDIDATE_LIMITS, maxDetours: 10, maxExtraCost: 0.35, maxCloseCalls: 0, bestOnly: true };

export type CandidateOutcome =
  | {
      ok: true;
      content: string;
      direction: SwipeDirection;
      readings: number;
      /** Not the best reading but one that differs from it at some of its choices. */
      mended: boolean;
    }
  | {
      ok: false;
      ambiguous: boolean;
      detail: string;
      best: TrackDecode;
      /** Contents that passed every check but could not be told apart: witnesses for other tracks. */
      passing: string[];
      /** The direction each of `passing` was read in. */
      directions: SwipeDirection[];
      /** Every content that passed every check, accepted or not: evidence against other reads. */
      passed: string[];
    };

/**
 * `decode` turns a reading's bits (in the order the search read them) into a track; `plausible`
 * applies the card-level checks to its content; `fitCost` says how well a reading's labels (per
 * transition from `choices.startEdge`, 1 = mid-cell) fit a grid of their own.
 */
export function decodeCandidates(
  choices: CellChoices,
  boundaries: readonly number[],
  decode: (bits: Uint8Array) => TrackDecode,
  plausible: (content: string) => boolean,
  fitCost: (midCell: Uint8Array) => number,
  limits: CandidateLimits = CANDIDATE_LIMITS,
): CandidateOutcome {
  const detours = boundaries
    .filter((edge) => choices.margin[edge]! <= limits.maxExtraCost)
    .sort((a, b) => choices.margin[a]! - choices.margin[b]!);
  const bestCells = traceCells(choices);
  const best = decode(bestCells.bits);
  const bestFit = fitCost(bestCells.midCell);
  const jitter = bestFit / Math.max(1, bestCells.midCell.length);
  const noisy = jitter > limits.noisyJitter;
  const gap = Math.max(limits.ambiguityGap, limits.gapPerJitter * jitter);
  const acceptExtraCost = noisy ? 0 : limits.acceptExtraCost;
  const closeCalls = detours.filter((edge) => choices.margin[edge]! < limits.closeCall).length;
  if (closeCalls > limits.maxCloseCalls) {
    return { ok: false, ambiguous: true, detail: `${closeCalls} cells were close calls between a 0-1 and a 1-0 reading`, best, passing: [], directions: [], passed: [] };
  }
  const tried = detours.slice(0, limits.maxDetours);
  const sets: number[][] = [[]];
  for (let i = 0; i < tried.length; i++) {
    sets.push([tried[i]!]);
    for (let j = i + 1; j < tried.length; j++) {
      if (choices.margin[tried[i]!]! + choices.margin[tried[j]!]! <= limits.maxExtraCost) sets.push([tried[i]!, tried[j]!]);
    }
  }

  // Every reading within reach that passes; one content counted once, at its cheapest and at its
  // best fit (readings of one content may differ where no character is, e.g. in the clocking zeros).
  const passing: PassingReading[] = [];
  for (const set of sets) {
    const traced = set.length === 0 ? bestCells : traceCells(choices, new Set(set));
    const read = set.length === 0 ? best : decode(traced.bits);
    if (!read.ok || !read.cleanEnd || !plausible(read.content)) continue;
    const extraCost = set.reduce((sum, edge) => sum + choices.margin[edge]!, 0);
    const fit = set.length === 0 ? bestFit : fitCost(traced.midCell);
    const same = passing.find((p) => p.content === read.content && p.direction === read.direction);
    if (!same) passing.push({ content: read.content, direction: read.direction, extraCost, fitCost: fit });
    else {
      same.extraCost = Math.min(same.extraCost, extraCost);
      same.fitCost = Math.min(same.fitCost, fit);
    }
  }
  passing.sort((a, b) => a.fitCost - b.fitCost);
  const [first, second] = passing;
  if (first === undefined) return { ok: false, ambiguous: false, detail: 'no reading within reach passes the checks', best, passing: [], directions: [], passed: [] };
  if (limits.bestOnly && (first.extraCost > 0 || second !== undefined)) {
    const contents = passing.map((p) => p.content);
    return { ok: false, ambiguous: true, detail: 'the best reading is not the only one within reach', best, passing: contents, directions: passing.map((p) => p.direction), passed: contents };
  }
  if (second !== undefined && second.fitCost - first.fitCost < gap) {
    // The contenders: the readings that fit within the gap of the best-fitting one.
    const contenders = passing.filter((p) => p.fitCost - first.fitCost < gap);
    return {
      ok: false,
      ambiguous: true,
      detail: 'two different readings pass every check',
      best,
      passing: contenders.map((p) => p.content),
      directions: contenders.map((p) => p.direction),
      passed: passing.map((p) => p.content),
    };
  }
  if (first.extraCost > acceptExtraCost) {
    // When the best reading passed too, it is a rival that fits worse: the flux holds two contents.
    const bestPassed = passing.some((p) => p.extraCost === 0);
    const detail = noisy ? 'the read is too noisy to trust any reading but the best' : 'the reading that passes is far from the best one';
    const witnesses = bestPassed ? passing : [];
    return {
      ok: false,
      ambiguous: bestPassed,
      detail,
      best,
      passing: witnesses.map((p) => p.content),
      directions: witnesses.map((p) => p.direction),
      passed: passing.map((p) => p.content),
    };
  }
  return { ok: true, content: first.content, direction: first.direction, readings: passing.length, mended: first.extraCost > 0 };
}

interface PassingReading {
  content: string;
  direction: SwipeDirection;
  /** Over the best reading, cells^2, on the search's grid. */
  extraCost: number;
  /** On a grid fitted to this reading's own labels, cells^2. */
  fitCost: number;
}
