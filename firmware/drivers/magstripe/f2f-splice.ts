/**
 * Joining the good parts of a forward and a reversed read of one track. A read goes wrong where
 * the card speeds up or brakes so hard, within a few dozen cells, that its grid takes the new
 * cells for cells of the old length (zeros read as 1s at twice the period, or a stretch read half
 * a cell off), and the fitted grid (f2f-phase-smoother.ts), built on those places, keeps the mistake.
 * A read from the other end meets that stretch with its grid already matched to the speed there,
 * but may go wrong somewhere else. Both reads label the same transitions (boundary or mid-cell),
 * so where they agree both are very likely right, and each stretch where they disagree is wrong in
 * one of them: the labelings that take each such stretch from one read or the other, with at
 * least one from each, give the fitted grid places that may be right everywhere. Nothing is
 * accepted on the strength of a splice: the fitted search re-reads the transitions from those
 * places, and parity, the LRC and the card checks judge it as any other read.
 */
import type { F2fLabels } from './f2f-decoder.js';

/** Disagreements closer than this many agreeing transitions are one stretch (chance agreement is short). */
const MIN_AGREEMENT = 6;
/** More disagreeing stretches than this: the reads are too far apart for a join to be worth trying. */
const MAX_STRETCHES = 3;

/**
 * `forward` labels transitions in time order; `reversed` labels the same `count` transitions
 * taken in reverse time (its index j is transition count-1-j). Returns forward-order labelings
 * starting at the forward read's start, each taking every disagreeing stretch from one read.
 */
export function spliceLabels(forward: F2fLabels, reversed: F2fLabels, count: number): F2fLabels[] {
  const start = forward.startEdge;
  const forwardEnd = start + forward.midCell.length - 1;
  // The reversed read in forward order covers `from`..`to`, `to` being its starting boundary.
  const to = count - 1 - reversed.startEdge;
  const from = to - reversed.midCell.length + 1;
  const end = Math.max(forwardEnd, to);
  if (from > forwardEnd + 1) return []; // a gap that neither read covers
  const forwardAt = (i: number): number => (i <= forwardEnd ? forward.midCell[i - start]! : -1);
  const reversedAt = (i: number): number => (i >= from && i <= to ? reversed.midCell[count - 1 - i - reversed.startEdge]! : -1);

  // Stretches where both reads label a transition and differ.
  const stretches: { first: number; last: number }[] = [];
  for (let i = start; i <= end; i++) {
    const f = forwardAt(i);
    const r = reversedAt(i);
    if (f < 0 || r < 0 || f === r) continue;
    const open = stretches[stretches.length - 1];
    if (open && i - open.last <= MIN_AGREEMENT) open.last = i;
    else stretches.push({ first: i, last: i });
  }
  if (stretches.length === 0 || stretches.length > MAX_STRETCHES) return [];

  const splices: F2fLabels[] = [];
  // Bit k of `choice` set: stretch k from the reversed read. All-forward and all-reversed are the
  // reads themselves (bar coverage), already tried.
  const all = (1 << stretches.length) - 1;
  for (let choice = 1; choice < all; choice++) splices.push(joined(choice));
  // When one read stopped short, the other's labels carry on past it: that join is new too.
  if (forwardEnd < to) splices.push(joined(0));
  if (from > start) splices.push(joined(all));
  return splices;

  function joined(choice: number): F2fLabels {
    const midCell = new Uint8Array(end - start + 1);
    let k = 0;
    for (let i = start; i <= end; i++) {
      while (k < stretches.length && i > stretches[k]!.last) k++;
      const inStretch = k < stretches.length && i >= stretches[k]!.first;
      const f = forwardAt(i);
      const r = reversedAt(i);
      const fromReversed = inStretch ? (choice >> k) & 1 : f < 0 ? 1 : 0;
      midCell[i - start] = fromReversed === 1 && r >= 0 ? r : f >= 0 ? f : r;
    }
    return { startEdge: start, midCell };
  }
}
