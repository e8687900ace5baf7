/**
 * bench:magstripe — synthetic swipes through the F2F decoder and the track decoder.
 *
 * Random Luhn-valid cards (track 1 with a name, track 2, track 3 on 30%), swiped forwards or
 * backwards at 13-150 cm/s, the speed changing by up to +/-50% along the swipe (three control
 * points, linear between, all kept within 13-150 cm/s), every flux transition displaced by up to
 * +/-10% of the local bit period. Only decoding is timed. A swipe counts as wrong when it is
 * accepted but any field differs from the card (a name left out after a failed track 1 is not a
 * difference). Prints one JSON line; `--seed N` and `--swipes N` replay or resize a run.
 */
import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import type { SwipeResult } from '../../firmware/drivers/magstripe/card-read.js';
import { decodeSwipeEdges } from '../../firmware/drivers/magstripe/swipe-decoder.js';
import { randomCard, type SyntheticCard } from '../../firmware/drivers/magstripe/synthetic-card.js';
import { syntheticSwipeEdges } from '../../firmware/drivers/magstripe/synthetic-swipe.js';
import type { SwipeDirection } from '../../firmware/drivers/magstripe/track-decoder.js';

const MIN_CM_PER_S = 13;
const MAX_CM_PER_S = 150;
const SPEED_CHANGE = 0.5;
const JITTER = 0.1;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`--${name} needs a non-negative integer`);
  return value;
}

function speedProfile(random: SeededRandom): number[] {
  const clamp = (v: number): number => Math.min(MAX_CM_PER_S, Math.max(MIN_CM_PER_S, v));
  const start = MIN_CM_PER_S + random.next() * (MAX_CM_PER_S - MIN_CM_PER_S);
  const change = (): number => clamp(start * (1 + (random.next() * 2 - 1) * SPEED_CHANGE));
  return [start, change(), change()];
}

function isWrong(result: SwipeResult & { ok: true }, card: SyntheticCard, direction: SwipeDirection): boolean {
  const track2 = `${card.pan}=${card.expiry}${card.serviceCode}${card.discretionary}`;
  return (
    result.pan !== card.pan ||
    result.expiry !== card.expiry ||
    result.serviceCode !== card.serviceCode ||
    result.track2 !== track2 ||
    result.direction !== direction ||
    (result.track3 !== undefined && result.track3 !== card.track3) ||
    (result.cardholderName !== undefined && result.cardholderName !== card.cardholderName)
  );
}

const seed = argument('seed', 20261122);
const swipes = argument('swipes', 10_000);
const random = new SeededRandom(seed);
let decoded = 0;
let wrong = 0;
let decodeMs = 0;
for (let i = 0; i < swipes; i++) {
  const card = randomCard(random);
  const direction: SwipeDirection = random.chance(0.5) ? 'forward' : 'backward';
  const edges = syntheticSwipeEdges(card, { direction, cmPerS: speedProfile(random), jitter: JITTER, random });
  const started = performance.now();
  const result = decodeSwipeEdges(edges);
  decodeMs += performance.now() - started;
  if (!result.ok) continue;
  decoded++;
  if (isWrong(result, card, direction)) wrong++;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
console.log(
  JSON.stringify({
    bench: 'magstripe',
    swipes,
    decoded,
    wrong,
    success_rate: round(swipes === 0 ? 0 : (decoded - wrong) / swipes, 5),
    swipes_per_s: Math.round(swipes / (decodeMs / 1000)),
  }),
);
