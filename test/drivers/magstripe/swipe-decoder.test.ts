import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import { decodeSwipeBits, decodeSwipeEdges } from '../../../firmware/drivers/magstripe/swipe-decoder.js';
import type { SyntheticCard } from '../../../firmware/drivers/magstripe/synthetic-card.js';
import { randomCard, trackTextsOf } from '../../../firmware/drivers/magstripe/synthetic-card.js';
import { syntheticSwipeBits, syntheticSwipeEdges } from '../../../firmware/drivers/magstripe/synthetic-swipe.js';
import { iso7811SwipeEdges } from '../../../tools/bench/iso7811-swipe.js';

const CARD: SyntheticCard = {
  pan: '4352378366824999',
  expiry: '0510',
  serviceCode: '201',
  cardholderName: 'TEST/CARD',
  discretionary: '10000882',
};

describe('swipe decoder (bits)', () => {
  it('synthetic track texts match the reader example', () => {
    expect(trackTextsOf(CARD)).toEqual({ track1: 'B4352378366824999^TEST/CARD^051020110000882', track2: '4352378366824999=051020110000882' });
  });

  it('decodes both directions into the same card', () => {
    for (const direction of ['forward', 'backward'] as const) {
      expect(decodeSwipeBits(syntheticSwipeBits(CARD, direction))).toEqual({
        ok: true,
        pan: CARD.pan,
        expiry: '0510',
        serviceCode: '201',
        cardholderName: 'TEST/CARD',
        track2: '4352378366824999=051020110000882',
        direction,
      });
    }
  });

  it('a failed track 1 leaves the name out; a failed track 2 fails the swipe with its reason', () => {
    const bits = syntheticSwipeBits(CARD, 'forward');
    const track1 = bits[1]!.slice();
    track1[80] ^= 1;
    const withoutName = decodeSwipeBits({ ...bits, 1: track1 });
    expect(withoutName).toMatchObject({ ok: true, pan: CARD.pan });
    expect(withoutName.ok && withoutName.cardholderName).toBeUndefined();

    const track2 = bits[2]!.slice();
    track2[40] ^= 1;
    expect(decodeSwipeBits({ ...bits, 2: track2 })).toMatchObject({ ok: false, reason: 'parity', detail: expect.stringContaining('track 2') });
  });

  it('no flux on either track is no-data; no track 2 at all is no-data', () => {
    expect(decodeSwipeBits({ 1: new Uint8Array(100), 2: new Uint8Array(100) })).toMatchObject({ ok: false, reason: 'no-data' });
    expect(decodeSwipeBits({ 1: syntheticSwipeBits(CARD, 'forward')[1]! })).toMatchObject({ ok: false, reason: 'no-data' });
  });

  it('every decoded random card equals the card (seeded)', () => {
    const random = new SeededRandom(7);
    for (let i = 0; i < 300; i++) {
      const card = randomCard(random);
      const direction = random.chance(0.5) ? 'forward' : 'backward';
      const result = decodeSwipeBits(syntheticSwipeBits(card, direction));
      expect(result).toMatchObject({ ok: true, pan: card.pan, expiry: card.expiry, cardholderName: card.cardholderName, direction });
      expect(result.ok && result.track3).toBe(card.track3 ?? undefined);
    }
  });
});

describe('swipe decoder (F2F edges)', () => {
  it('decodes a swipe that speeds up and slows down, with jitter, both ways', () => {
    const random = new SeededRandom(11);
    for (const direction of ['forward', 'backward'] as const) {
      for (const cmPerS of [[13, 19, 10], [150, 75, 110], [40, 60, 30, 55]]) {
        const edges = syntheticSwipeEdges(CARD, { direction, cmPerS, jitter: 0.1, random });
        expect(decodeSwipeEdges(edges)).toMatchObject({ ok: true, pan: CARD.pan, cardholderName: 'TEST/CARD', direction });
      }
    }
  });

  it('a stall mid-swipe is a timing error that says where', () => {
    const random = new SeededRandom(3);
    const edges = syntheticSwipeEdges(CARD, { direction: 'forward', cmPerS: [50], jitter: 0, random });
    const track2 = Float64Array.from(edges[2]!);
    // The card stops for 20 ms after the 60th transition.
    for (let i = 60; i < track2.length; i++) track2[i]! += 20_000;
    expect(decodeSwipeEdges({ ...edges, 2: track2 })).toMatchObject({
      ok: false,
      reason: 'timing',
      detail: expect.stringMatching(/^track 2: bit \d+ lasted \d+ us against a reference of \d+ us/),
    });
  });

  it('too few transitions is no-data; no run of clocking zeros is a timing error', () => {
    expect(decodeSwipeEdges({ 2: [0, 100, 200] })).toMatchObject({ ok: false, reason: 'no-data' });
    const random = new SeededRandom(5);
    const chaos = Array.from({ length: 200 }, () => random.int(50, 400));
    let t = 0;
    const edges = chaos.map((d, i) => (t += i % 2 === 0 ? d : d * 3));
    expect(decodeSwipeEdges({ 2: edges })).toMatchObject({ ok: false, reason: 'timing', detail: expect.stringContaining('clocking zeros') });
  });
});

describe('swipe decoder: an ambiguous track 2 and track 1', () => {
  it('takes the track 2 reading whose PAN, expiry and service code track 1 confirms', () => {
    // Seed 256: on its own this track 2 is refused, two readings passing every check; track 1,
    // read from its own flux, has the fields of one of them only.
    const random = new SeededRandom(256);
    const card = randomCard(random);
    const texts = trackTextsOf(card);
    const direction = random.chance(0.5) ? 'forward' : 'backward';
    const startCmPerS = 13 + random.next() * 137;
    const edges = iso7811SwipeEdges({ 1: texts.track1, 2: texts.track2 }, { direction, startCmPerS, drift: 0.5, jitter: 0.2, random });
    expect(decodeSwipeEdges({ 2: edges[2]! })).toMatchObject({ ok: false, detail: expect.stringContaining('two different readings') });
    expect(decodeSwipeEdges(edges)).toMatchObject({ ok: true, track2: texts.track2, pan: card.pan, direction });
  });
});
