/**
 * Properties the engine relies on: every SwipeError reason is reachable and names what failed;
 * corrupted swipes are refused, never accepted with a different card; details never quote a PAN.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import type { SwipeErrorReason, SwipeResult } from '../../../firmware/drivers/magstripe/card-read.js';
import { ReaderOutputAssembler } from '../../../firmware/drivers/magstripe/reader-output-assembler.js';
import { decodeSwipeBits, decodeSwipeEdges } from '../../../firmware/drivers/magstripe/swipe-decoder.js';
import { randomCard } from '../../../firmware/drivers/magstripe/synthetic-card.js';
import { syntheticSwipeBits, syntheticSwipeEdges } from '../../../firmware/drivers/magstripe/synthetic-swipe.js';
import { encodeTrackBits } from '../../../firmware/drivers/magstripe/track-encoder.js';
import { f2fEdgeTimes } from '../../../firmware/drivers/magstripe/f2f-encoder.js';
import { TRACK_FORMATS } from '../../../firmware/drivers/magstripe/track-format.js';

const EVERY_REASON = {
  'no-data': true,
  'no-start-sentinel': true,
  'no-end-sentinel': true,
  parity: true,
  lrc: true,
  'bad-format': true,
  'bad-pan': true,
  'reader-reported-error': true,
  timing: true,
} satisfies Record<SwipeErrorReason, true>;

const CARD = { pan: '4352378366824999', expiry: '0510', serviceCode: '201', cardholderName: 'TEST/CARD', discretionary: '10000882' };
const zeros = { leadingZeros: 20, trailingZeros: 20 };

function track2Bits(content: string, corrupt?: (bits: Uint8Array) => void): Uint8Array {
  const bits = encodeTrackBits(TRACK_FORMATS[2], content, zeros);
  corrupt?.(bits);
  return bits;
}

describe('swipe safety', () => {
  it('every SwipeError reason comes out of some bad swipe', () => {
    const stalled = Float64Array.from(syntheticSwipeEdges(CARD, { direction: 'forward', cmPerS: [50], jitter: 0, random: new SeededRandom(1) })[2]!);
    for (let i = 80; i < stalled.length; i++) stalled[i]! += 30_000;
    const scenarios: [SwipeErrorReason, SwipeResult][] = [
      ['no-data', decodeSwipeBits({ 2: new Uint8Array(64) })],
      ['no-start-sentinel', decodeSwipeBits({ 2: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0] })],
      ['no-end-sentinel', decodeSwipeBits({ 2: track2Bits('4352378366824999=051020110000882').slice(0, 100) })],
      ['parity', decodeSwipeBits({ 2: track2Bits('4352378366824999=051020110000882', (b) => void (b[50] ^= 1)) })],
      ['lrc', decodeSwipeBits({ 2: track2Bits('4352378366824999=051020110000882', (b) => void ((b[50] ^= 1), (b[51] ^= 1))) })],
      ['bad-format', decodeSwipeBits({ 2: track2Bits('4352378366824999') })],
      ['bad-pan', decodeSwipeBits({ 2: track2Bits('4352378366824998=051020110000882') })],
      ['reader-reported-error', new ReaderOutputAssembler({ expectedTracks: [2] }).acceptLine(';E?')[0]!],
      ['timing', decodeSwipeEdges({ 2: stalled })],
    ];
    for (const [reason, result] of scenarios) expect(result, reason).toMatchObject({ ok: false, reason, detail: expect.any(String) });
    expect(new Set(scenarios.map(([reason]) => reason))).toEqual(new Set(Object.keys(EVERY_REASON)));
  });

  it('a flux-transition read with more flux after its LRC is refused (a misread end sentinel and a chance LRC)', () => {
    const content = '4352378366824999=051020110000882';
    const clean = encodeTrackBits(TRACK_FORMATS[2], content, { leadingZeros: 20, trailingZeros: 12 });
    const speed = { cmPerS: [50], travelInches: 3.37 };
    expect(decodeSwipeEdges({ 2: f2fEdgeTimes(clean, { bitsPerInch: 75, startInches: 0, speed }) })).toMatchObject({ ok: true, pan: CARD.pan });
    const trailed = Uint8Array.from([...clean, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const result = decodeSwipeEdges({ 2: f2fEdgeTimes(trailed, { bitsPerInch: 75, startInches: 0, speed }) });
    expect(result).toMatchObject({ ok: false, reason: 'no-end-sentinel', detail: expect.stringContaining('flux follows the LRC') });
  });

  it('random bit corruption is refused, never accepted as another card, and no detail quotes the PAN', () => {
    const random = new SeededRandom(20261122);
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const card = randomCard(random);
      const direction = random.chance(0.5) ? 'forward' : 'backward';
      const tracks = syntheticSwipeBits(card, direction);
      // Corrupt track 2 (and track 1 half the time) with 1-4 flips inside the data.
      for (const track of random.chance(0.5) ? ([2] as const) : ([1, 2] as const)) {
        const bits = tracks[track]!;
        const first = bits.indexOf(1);
        const last = bits.lastIndexOf(1);
        for (let flips = random.int(1, 4); flips > 0; flips--) bits[random.int(first, last)] ^= 1;
      }
      const result = decodeSwipeBits(tracks);
      if (result.ok) {
        expect(result.pan).toBe(card.pan);
        expect(result.track2).toBe(`${card.pan}=${card.expiry}${card.serviceCode}${card.discretionary}`);
      } else {
        refused++;
        for (let k = 0; k + 6 <= card.pan.length; k++) expect(result.detail).not.toContain(card.pan.slice(k, k + 6));
      }
    }
    expect(refused).toBeGreaterThan(300);
  });
});
