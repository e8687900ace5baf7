/**
 * The F2F decoder's first search (f2f-beam-search.ts): readings that each carry a motion filter,
 * several kept alive at once. Swipes from bench:magstripe's independent ISO/IEC 7811 encoder
 * (tools/bench/iso7811-swipe.ts), seeded so that each is the same swipe on every run.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import { decodeF2F } from '../../../firmware/drivers/magstripe/f2f-decoder.js';
import { decodeSwipeEdges } from '../../../firmware/drivers/magstripe/swipe-decoder.js';
import { encodeTrackBits } from '../../../firmware/drivers/magstripe/track-encoder.js';
import { TRACK_FORMATS } from '../../../firmware/drivers/magstripe/track-format.js';
import { iso7811SwipeEdges } from '../../../tools/bench/iso7811-swipe.js';

const TRACK2 = '4111111111111111=2512101000000000';
/** Start sentinel through LRC, as the stripe holds them. */
const DATA_BITS = [...encodeTrackBits(TRACK_FORMATS[2], TRACK2, { leadingZeros: 0, trailingZeros: 0 })].join('');

/** A forward swipe of TRACK2 starting at `startCmPerS`, +/-50% drift and +/-20% jitter from `seed`. */
function swipe(seed: number, startCmPerS: number): Float64Array {
  const random = new SeededRandom(seed);
  return iso7811SwipeEdges({ 2: TRACK2 }, { direction: 'forward', startCmPerS, drift: 0.5, jitter: 0.2, random })[2]!;
}

describe('F2F first search', () => {
  it('follows a card that slows to 25 cm/s and then more than doubles its speed within a quarter of the card', () => {
    // Seed 65: 40 cm/s at the leading edge, 24.8 at a quarter, 54 at half way, 36.8, 52. The
    // phase-locked loop before read it only as far as bit 112 (a cell of 1288 us against the
    // 853 us it expected) and none of its 18 fallback readings read the card.
    const edges = swipe(65, 40);
    const decoded = decodeF2F(edges);
    expect(decoded.fault).toBeUndefined();
    expect([...decoded.bits].join('')).toContain(DATA_BITS);
    expect(decodeSwipeEdges({ 2: edges })).toMatchObject({ ok: true, track2: TRACK2, direction: 'forward' });
  });

  it('weighs readings by the likelihood of the transition times, so runs of zeros are not read as 1s of twice the length', () => {
    // Scoring each reading by its squared deviations in its own cells alone (without the
    // -2 ln(speed) term) reads both of these swipes wrong: a reading whose cells are twice as long
    // halves every deviation.
    for (const seed of [21, 29]) {
      expect([...decodeF2F(swipe(seed, 60)).bits].join(''), `seed ${seed}`).toContain(DATA_BITS);
    }
  });
});
