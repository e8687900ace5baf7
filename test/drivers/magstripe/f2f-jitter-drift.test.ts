/**
 * The F2F and track decoders against swipes from bench:magstripe's independent ISO/IEC 7811
 * encoder (tools/bench/iso7811-swipe.ts shares no code or tables with the firmware): seeded random
 * cards, directions, speeds, +/-50% speed drift within a swipe and per-transition jitter. No
 * timing is measured here; bench:magstripe reports the rates over 10,000 swipes.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import type { SwipeResult } from '../../../firmware/drivers/magstripe/card-read.js';
import { decodeSwipeEdges } from '../../../firmware/drivers/magstripe/swipe-decoder.js';
import { randomCard } from '../../../firmware/drivers/magstripe/synthetic-card.js';
import { iso7811SwipeEdges } from '../../../tools/bench/iso7811-swipe.js';

interface Swipe {
  track2: string;
  pan: string;
  direction: 'forward' | 'backward';
  edges: Partial<Record<1 | 2 | 3, Float64Array>>;
}

function randomSwipe(random: SeededRandom, jitter: number, drift: number, direction?: 'forward' | 'backward'): Swipe {
  const card = randomCard(random);
  const tail = `${card.expiry}${card.serviceCode}${card.discretionary}`;
  const track1 = card.cardholderName === undefined ? undefined : `B${card.pan}^${card.cardholderName}^${tail}`;
  const track2 = `${card.pan}=${tail}`;
  const swipeDirection = direction ?? (random.chance(0.5) ? 'forward' : 'backward');
  const startCmPerS = 13 + random.next() * (150 - 13);
  const edges = iso7811SwipeEdges({ 1: track1, 2: track2, 3: card.track3 }, { direction: swipeDirection, startCmPerS, drift, jitter, random });
  return { track2, pan: card.pan, direction: swipeDirection, edges };
}

/** Accepted with exactly the card's track 2, PAN and direction; anything else accepted is wrong. */
function isRight(result: SwipeResult & { ok: true }, swipe: Swipe): boolean {
  return result.track2 === swipe.track2 && result.pan === swipe.pan && result.direction === swipe.direction;
}

function readRate(seed: number, swipes: number, jitter: number, drift: number): { decoded: number; wrong: number } {
  const random = new SeededRandom(seed);
  let decoded = 0;
  let wrong = 0;
  for (let i = 0; i < swipes; i++) {
    const swipe = randomSwipe(random, jitter, drift);
    const result = decodeSwipeEdges(swipe.edges);
    if (!result.ok) continue;
    decoded++;
    if (!isRight(result, swipe)) wrong++;
  }
  return { decoded, wrong };
}

describe('F2F decoding of independently encoded swipes', () => {
  it('reads every swipe at +/-10% jitter and +/-50% speed drift', () => {
    expect(readRate(101, 60, 0.1, 0.5)).toEqual({ decoded: 60, wrong: 0 });
  });

  it('at +/-20% jitter and +/-50% drift reads nearly every swipe and never a wrong card (bench:magstripe measures the rate)', () => {
    const { decoded, wrong } = readRate(202, 100, 0.2, 0.5);
    expect(wrong).toBe(0);
    // 99 of these 100; the phase-locked loop before read 98.
    expect(decoded).toBeGreaterThanOrEqual(97);
  });

  it('a corrupted swipe is refused, never accepted as another card', () => {
    const random = new SeededRandom(303);
    // Dropping or adding a transition changes the bits; moving one a quarter cell may not.
    const refused = [0, 0, 0];
    const trials = 60;
    for (let i = 0; i < trials; i++) {
      const swipe = randomSwipe(random, 0.05, 0.2, 'forward');
      const edges = Float64Array.from(swipe.edges[2]!);
      // Inside track 2's data (it starts about 20 transitions in): drop a transition, add one
      // mid-cell, or move one by half a cell.
      const at = random.int(30, Math.min(edges.length - 20, 150));
      const cell = edges[at + 1]! - edges[at - 1]!;
      const kind = i % 3;
      let corrupted: Float64Array;
      if (kind === 0) corrupted = Float64Array.from([...edges.subarray(0, at), ...edges.subarray(at + 1)]);
      else if (kind === 1) corrupted = Float64Array.from([...edges.subarray(0, at + 1), (edges[at]! + edges[at + 1]!) / 2, ...edges.subarray(at + 1)]);
      else {
        corrupted = edges.slice();
        corrupted[at] = Math.min(edges[at + 1]! - 1, Math.max(edges[at - 1]! + 1, edges[at]! + (random.chance(0.5) ? 0.25 : -0.25) * cell));
      }
      const result = decodeSwipeEdges({ 2: corrupted });
      if (result.ok) expect(isRight(result, swipe), `corruption ${kind} at transition ${at}`).toBe(true);
      else refused[kind]!++;
    }
    expect(refused[0]! + refused[1]!).toBeGreaterThanOrEqual(((2 * trials) / 3) * 0.9);
    expect(refused[2]).toBeGreaterThan(0);
  });
});
