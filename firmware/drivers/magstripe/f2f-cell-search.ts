/**
 * The search behind the F2F decoder: which flux transitions are cell boundaries and which are the
 * mid-cell transitions of 1 bits. Two readings stay alive after every transition (a two-state
 * Viterbi search): "the last transition was a cell boundary" and "it was mid-cell". From a
 * boundary the next transition is the next boundary (the cell held a 0) or mid-cell; from a
 * mid-cell transition it must be the boundary half a cell later (the cell held a 1). Each reading
 * pays the squared distance, in cells, between a transition and the place its grid expects it,
 * and the cheaper reading into each state survives. A transition near the 3/4 point is thus
 * settled by the ones after it, since the wrong reading puts them half a cell off its grid.
 *
 * Where the grid comes from is the caller's: f2f-decoder.ts fits it to the whole read first
 * (f2f-phase-smoother.ts).
 */

/** A bit-cell grid: where a reading expects the next transition, and the reading after it. */
export interface CellGrid<Place> {
  /**
   * How far (in cells) transition `edge` lies from where `place` expects a transition `cells`
   * after its last cell boundary (1: the next boundary; 0.5: mid-cell). Positive is late.
   */
  deviation(place: Place, edge: number, cells: 0.5 | 1): number;
  /** The reading's grid once transition `edge` is taken as that place. */
  advance(place: Place, edge: number, cells: 0.5 | 1, deviation: number): Place;
}

export interface CellSearchFault {
  /** Index of the bit that could not be read. */
  atBit: number;
  /** Index of the transition that began it. */
  atEdge: number;
  /** The transition no reading could place. */
  unplacedEdge: number;
}

export interface CellSearch {
  /** Bits of the best reading, whole cells only. */
  bits: Uint8Array;
  /**
   * Per transition from the start through `lastEdge`: 1 when the best reading takes it as a
   * mid-cell transition, else 0. A final mid-cell transition has no bit in `bits`.
   */
  midCell: Uint8Array;
  /** Last transition the search placed. */
  lastEdge: number;
  /**
   * Cells on the best reading whose two readings cost within `closeCall` of each other: a 0 then a
   * 1 read as a 1 then a 0 keeps every character's parity, so two such swaps in the same bit
   * positions of two characters would pass the LRC as well.
   */
  closeCalls: number;
  /** Every decision the search made, for tracing readings other than the best (traceCells). */
  choices: CellChoices;
  /** Transitions the best reading takes as cell boundaries reached by a choice between two readings. */
  boundaries: number[];
  fault?: CellSearchFault;
}

/**
 * The search's decisions. Into each boundary came two readings at most: the winner (from the
 * boundary before, a 0, or from a mid-cell transition, closing a 1) and a loser that cost
 * `margin` more. Following the loser at one boundary and the winners everywhere else is the
 * cheapest reading that differs there: the detour a misjudged transition would have needed.
 */
export interface CellChoices {
  startEdge: number;
  lastEdge: number;
  endsMidCell: boolean;
  /** Per transition: 1 when the boundary reading there closed a 1 (came from mid-cell). */
  closedOne: Uint8Array;
  /** Per transition: how much more the losing reading into that boundary cost (Infinity: none). */
  margin: Float64Array;
}

export interface TracedCells {
  bits: Uint8Array;
  /** Per transition from `startEdge` through `lastEdge`: 1 when read as mid-cell. */
  midCell: Uint8Array;
  /** Boundaries on this reading where a losing reading exists (finite margin). */
  boundaries: number[];
}

/**
 * Walks back from the last transition, taking the winner into every boundary except those in
 * `detours` (where a loser exists), whose loser is taken instead.
 */
export function traceCells(choices: CellChoices, detours: ReadonlySet<number> = NO_DETOURS): TracedCells {
  const { startEdge, lastEdge, closedOne, margin } = choices;
  const midCell = new Uint8Array(lastEdge - startEdge + 1);
  const reversedBits: number[] = [];
  const boundaries: number[] = [];
  let edge = lastEdge;
  // A read that ends mid-cell came from the boundary before it.
  if (choices.endsMidCell) {
    midCell[edge - startEdge] = 1;
    edge--;
  }
  while (edge > startEdge) {
    const contested = margin[edge]! < Infinity;
    if (contested) boundaries.push(edge);
    const one = contested && detours.has(edge) ? closedOne[edge] === 0 : closedOne[edge] === 1;
    if (one) {
      reversedBits.push(1);
      midCell[edge - 1 - startEdge] = 1;
      edge -= 2;
    } else {
      reversedBits.push(0);
      edge -= 1;
    }
  }
  return { bits: Uint8Array.from(reversedBits.reverse()), midCell, boundaries };
}

const NO_DETOURS: ReadonlySet<number> = new Set();

interface Reading<Place> {
  cost: number;
  place: Place;
  bits: number;
  /** Transition that began the current bit. */
  bitStartEdge: number;
}

/**
 * Searches transitions `startEdge + 1 .. endEdge - 1`, `startEdge` being a cell boundary at
 * `start`. A transition farther than `acceptance` cells from both places the readings allow is a
 * timing fault: the search stops before it.
 */
export function searchCells<Place>(
  grid: CellGrid<Place>,
  start: Place,
  startEdge: number,
  endEdge: number,
  acceptance: number,
  closeCall = 0,
): CellSearch {
  const follow = (reading: Reading<Place>, edge: number, cells: 0.5 | 1, deviation: number): Reading<Place> => ({
    cost: reading.cost + deviation * deviation,
    place: grid.advance(reading.place, edge, cells, deviation),
    bits: cells === 1 ? reading.bits + 1 : reading.bits,
    bitStartEdge: cells === 1 ? edge : reading.bitStartEdge,
  });

  // Which reading the boundary reading at each transition came from: a 1 closes a mid-cell reading.
  const closedOne = new Uint8Array(Math.max(0, endEdge));
  // How much the losing reading into each boundary cost more than the winner.
  const margin = new Float64Array(Math.max(0, endEdge)).fill(Infinity);
  let atBoundary: Reading<Place> | undefined = { cost: 0, place: start, bits: 0, bitStartEdge: startEdge };
  let atMid: Reading<Place> | undefined;
  let last = startEdge;
  let fault: CellSearchFault | undefined;
  for (let edge = startEdge + 1; edge < endEdge; edge++) {
    let nextBoundary: Reading<Place> | undefined;
    let nextMid: Reading<Place> | undefined;
    if (atBoundary) {
      const zero = grid.deviation(atBoundary.place, edge, 1);
      if (Math.abs(zero) <= acceptance) nextBoundary = follow(atBoundary, edge, 1, zero);
      const half = grid.deviation(atBoundary.place, edge, 0.5);
      if (Math.abs(half) <= acceptance) nextMid = follow(atBoundary, edge, 0.5, half);
    }
    if (atMid) {
      const one = grid.deviation(atMid.place, edge, 1);
      if (Math.abs(one) <= acceptance) {
        const candidate = follow(atMid, edge, 1, one);
        if (nextBoundary) margin[edge] = Math.abs(candidate.cost - nextBoundary.cost);
        if (!nextBoundary || candidate.cost < nextBoundary.cost) {
          nextBoundary = candidate;
          closedOne[edge] = 1;
        }
      }
    }
    if (!nextBoundary && !nextMid) {
      const best = atMid && (!atBoundary || atMid.cost < atBoundary.cost) ? atMid : atBoundary!;
      fault = { atBit: best.bits, atEdge: best.bitStartEdge, unplacedEdge: edge };
      break;
    }
    atBoundary = nextBoundary;
    atMid = nextMid;
    last = edge;
  }

  const choices: CellChoices = {
    startEdge,
    lastEdge: last,
    endsMidCell: atMid !== undefined && (atBoundary === undefined || atMid.cost < atBoundary.cost),
    closedOne,
    margin,
  };
  const best = traceCells(choices);
  const bits = best.bits;
  const midCell = best.midCell;
  let closeCalls = 0;
  for (const edge of best.boundaries) if (margin[edge]! < closeCall) closeCalls++;
  const found: CellSearch = { bits, midCell, lastEdge: last, closeCalls, choices, boundaries: best.boundaries };
  if (fault) found.fault = fault;
  return found;
}
