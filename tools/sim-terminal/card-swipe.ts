/**
 * A swipe of one of the host simulator's test cards, made the way a real head would see it (F2F
 * transitions at a changing hand speed, with jitter) and read back by the real track decoder.
 */
import type { SwipeResult } from '../../firmware/drivers/magstripe/card-read.js';
import { decodeSwipeEdges } from '../../firmware/drivers/magstripe/swipe-decoder.js';
import { syntheticSwipeEdges } from '../../firmware/drivers/magstripe/synthetic-swipe.js';
import type { SwipeDirection } from '../../firmware/drivers/magstripe/track-decoder.js';
import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import type { CardAccount } from '../host-sim/card-file.js';

export function swipeCard(card: CardAccount, direction: SwipeDirection, seed: number): SwipeResult {
  const edges = syntheticSwipeEdges(
    { pan: card.pan, expiry: card.expiry, serviceCode: card.serviceCode, discretionary: '00000000' },
    { direction, cmPerS: [18, 26, 32, 28], jitter: 0.03, random: new SeededRandom(seed) },
  );
  return decodeSwipeEdges(edges);
}
