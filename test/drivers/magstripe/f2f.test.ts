import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import { decodeF2F } from '../../../firmware/drivers/magstripe/f2f-decoder.js';
import { f2fEdgeTimes } from '../../../firmware/drivers/magstripe/f2f-encoder.js';
import { headSignalToEdges } from '../../../firmware/drivers/magstripe/head-signal-edges.js';
import { decodeHeadSamples, decodeSwipeEdges } from '../../../firmware/drivers/magstripe/swipe-decoder.js';
import { syntheticSwipeEdges } from '../../../firmware/drivers/magstripe/synthetic-swipe.js';
import { encodeTrackBits } from '../../../firmware/drivers/magstripe/track-encoder.js';
import { TRACK_FORMATS } from '../../../firmware/drivers/magstripe/track-format.js';
import { synthesizeHeadSignal } from './head-signal-synth.js';

const TRACK2 = '4352378366824999=051020110000882';
const bits = encodeTrackBits(TRACK_FORMATS[2], TRACK2, { leadingZeros: 22, trailingZeros: 20 });
const speed = (cmPerS: number[]) => ({ cmPerS, travelInches: 3.37 });

describe('F2F encoder', () => {
  it('puts a transition at every cell boundary and mid-cell for a 1', () => {
    // 75 bpi at 2.54 cm/s: one inch per second, a cell every 13333 us.
    const edges = f2fEdgeTimes([0, 1, 0], { bitsPerInch: 75, startInches: 0, speed: speed([2.54]) });
    const cell = 1e6 / 75;
    expect([...edges].map((t) => Math.round(t))).toEqual([0, cell, 1.5 * cell, 2 * cell, 3 * cell].map(Math.round));
  });

  it('refuses jitter that could reorder transitions, jitter without randomness and bad speeds', () => {
    const base = { bitsPerInch: 75, startInches: 0, speed: speed([50]) };
    expect(() => f2fEdgeTimes(bits, { ...base, jitter: 0.3, random: new SeededRandom(1) })).toThrow(/jitter must be in/);
    expect(() => f2fEdgeTimes(bits, { ...base, jitter: 0.1 })).toThrow(/seeded random/);
    expect(() => f2fEdgeTimes(bits, { ...base, speed: speed([50, 0]) })).toThrow(/positive speeds/);
    expect(() => f2fEdgeTimes(bits, { ...base, startInches: -1 })).toThrow(/before the travel/);
  });
});

describe('F2F decoder', () => {
  it('decodes a steady swipe exactly', () => {
    const edges = f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0, speed: speed([60]) });
    const decoded = decodeF2F(edges);
    expect(decoded).toMatchObject({ synced: true });
    expect(decoded.fault).toBeUndefined();
    expect([...decoded.bits]).toEqual([...bits]);
  });

  it('follows a swipe that speeds up or slows down by 50% with 10% jitter', () => {
    const random = new SeededRandom(2);
    for (const profile of [[40, 60], [60, 40], [100, 150, 75], [13, 19.5, 13]]) {
      for (let run = 0; run < 20; run++) {
        const edges = f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0, speed: speed(profile), jitter: 0.1, random });
        const decoded = decodeF2F(edges);
        expect(decoded.fault).toBeUndefined();
        expect([...decoded.bits]).toEqual([...bits]);
      }
    }
  });

  it('follows a jitter-free swipe that accelerates from 13 to 150 cm/s or brakes from 150 to 13, with the default model', () => {
    for (const profile of [[13, 150], [150, 13], [20, 150, 13]]) {
      const decoded = decodeF2F(f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0, speed: speed(profile) }));
      expect(decoded.fault).toBeUndefined();
      expect([...decoded.bits]).toEqual([...bits]);
    }
  });

  it('reads a card that speeds up 7x within half its length in one read (the loop before needed a wider fallback loop)', () => {
    const edges = f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0, speed: speed([20, 150, 13]) });
    expect([...decodeF2F(edges).bits]).toEqual([...bits]);
    expect(decodeSwipeEdges({ 2: edges })).toMatchObject({ ok: true, pan: '4352378366824999', direction: 'forward' });
  });

  it('with a motion model that cannot change its acceleration, the same accelerating swipe fails', () => {
    const edges = f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0, speed: speed([13, 150]) });
    const frozen = decodeF2F(edges, { motionNoise: 1e-12 });
    expect(frozen.fault).toBeDefined();
  });

  it('stops at an interval beyond +/-60% of the reference and reports it', () => {
    const edges = Float64Array.from(f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0, speed: speed([50]) }));
    const cell = edges[1]! - edges[0]!;
    // Edge 15 is among the clocking zeros: interval 14 becomes 1.7 cells.
    for (let i = 15; i < edges.length; i++) edges[i]! += 0.7 * cell;
    const decoded = decodeF2F(edges);
    expect(decoded.fault).toMatchObject({ atEdge: 14, atBit: 14 });
    expect(decoded.fault!.intervalUs / decoded.fault!.referenceUs).toBeGreaterThan(1.6);
    expect(decoded.bits.length).toBe(decoded.fault!.atBit);
  });

  it('a half cell followed by whole ones (the grid slips half a cell) inside the data is never read as another card', () => {
    const clean = Float64Array.from(f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0, speed: speed([50]) }));
    const cell = clean[1]! - clean[0]!;
    // Data transitions that end a whole cell (a 0), so the slipped one still follows its predecessor.
    const slips = [40, 80, 120, 160].map((from) => {
      let at = from;
      while (clean[at]! - clean[at - 1]! < 0.75 * cell) at++;
      return at;
    });
    for (const at of slips) {
      // Transition `at` and all after it come half a cell early: one half cell, then whole ones.
      const slipped = Float64Array.from(clean, (t, i) => (i >= at ? t - cell / 2 : t));
      const result = decodeSwipeEdges({ 2: slipped });
      // The motion filter may take the jump for a sudden change of phase (its first search keeps
      // readings up to 0.6 cell off, for hard changes of speed); every later transition then sits
      // on its grid and the bits are the card's own. What it must never do is read other bits
      // that pass the checks.
      if (result.ok) expect(result, `slip at ${at}`).toMatchObject({ track2: TRACK2, pan: '4352378366824999' });
    }
  });

  it('counts close calls between a 0-1 and a 1-0 reading; a track 2 with two of them reads only as the card (every combination is checked)', () => {
    const clean = Float64Array.from(f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0, speed: speed([50]) }));
    const cell = clean[1]! - clean[0]!;
    // Cells holding a 0 then a 1, inside the data: bit index -> index of the transition ending the 0.
    const pairs: number[] = [];
    let edge = 0;
    for (let bit = 0; bit + 1 < bits.length; bit++) {
      edge += bits[bit] === 1 ? 2 : 1;
      if (bit > 30 && bits[bit] === 0 && bits[bit + 1] === 1 && pairs.length < 2 && (pairs.length === 0 || bit > 60)) pairs.push(edge);
    }
    expect(decodeF2F(clean).closeCalls).toBe(0);
    const blurred = clean.slice();
    for (const at of pairs) {
      // The 0's closing boundary and the 1's mid-cell transition both a quarter cell early: they sit
      // where a 1-0 would put its transitions a quarter cell late, so 0-1 and 1-0 read equally well.
      blurred[at] = blurred[at]! - cell / 4;
      blurred[at + 1] = blurred[at + 1]! - cell / 4;
    }
    expect(decodeF2F(blurred).closeCalls).toBeGreaterThanOrEqual(2);
    // Each of the four readings of the two coin tosses is decoded (track-candidates.ts): one swap
    // fails the LRC, both swaps fail the LRC or the card checks, so only the card's own passes.
    // Before those readings were tried, any two close calls were refused.
    expect(decodeSwipeEdges({ 2: blurred })).toMatchObject({ ok: true, track2: TRACK2 });
  });

  it('refuses edge times that do not increase and impossible options', () => {
    expect(() => decodeF2F([0, 10, 10, 20])).toThrow(/edge times must increase \(edge 2\)/);
    expect(() => decodeF2F([0, 10], { motionNoise: 0 })).toThrow(RangeError);
    expect(() => decodeF2F([0, 10], { acceptance: 0 })).toThrow(RangeError);
    expect(() => decodeF2F([0, 10], { syncIntervals: 1 })).toThrow(RangeError);
  });
});

describe('head signal -> edges', () => {
  it('finds every transition of a noisy head signal, slow and fast', () => {
    for (const cmPerS of [13, 150]) {
      const edges = f2fEdgeTimes(bits, { bitsPerInch: 75, startInches: 0.05, speed: speed([cmPerS]) });
      const signal = synthesizeHeadSignal(edges, { sampleRateHz: 200_000, pulseWidth: 0.08, noise: 0.05, random: new SeededRandom(4) });
      const found = headSignalToEdges(signal, 200_000, { noiseFloor: 0.3 * (1000 / (edges[1]! - edges[0]!)) });
      expect(found.length).toBe(edges.length);
      const cell = edges[1]! - edges[0]!;
      for (let i = 0; i < edges.length; i++) expect(Math.abs(found[i]! - edges[i]!)).toBeLessThan(0.05 * cell);
    }
  });

  it('decodes a whole swipe from sampled head signals of tracks 1 and 2, both directions', () => {
    const card = { pan: '4352378366824999', expiry: '0510', serviceCode: '201', cardholderName: 'TEST/CARD', discretionary: '10000882' };
    const random = new SeededRandom(9);
    for (const direction of ['forward', 'backward'] as const) {
      const edges = syntheticSwipeEdges(card, { direction, cmPerS: [40, 60, 30], jitter: 0.05, random });
      const spec = { sampleRateHz: 250_000, pulseWidth: 0.06, noise: 0.05, random };
      const samples = { 1: synthesizeHeadSignal(edges[1]!, spec), 2: synthesizeHeadSignal(edges[2]!, spec) };
      expect(decodeHeadSamples(samples, 250_000, { noiseFloor: 0.5 })).toMatchObject({ ok: true, pan: card.pan, cardholderName: 'TEST/CARD', direction });
    }
  });

  it('ignores noise below the floor and refuses bad parameters', () => {
    const random = new SeededRandom(1);
    const noise = Array.from({ length: 1000 }, () => (random.next() - 0.5) * 0.1);
    expect(headSignalToEdges(noise, 100_000, { noiseFloor: 0.2 })).toHaveLength(0);
    expect(() => headSignalToEdges(noise, 0, { noiseFloor: 0.2 })).toThrow(/sample rate/);
    expect(() => headSignalToEdges(noise, 100_000, { noiseFloor: 0 })).toThrow(/noise floor/);
  });
});
