import { describe, expect, it } from 'vitest';
import { encodeTrackBits } from '../../../firmware/drivers/magstripe/track-encoder.js';
import { decodeTrackBits } from '../../../firmware/drivers/magstripe/track-decoder.js';
import { TRACK_FORMATS } from '../../../firmware/drivers/magstripe/track-format.js';

const TRACK1 = 'B4352378366824999^TEST/CARD^05102011000088200882000000';
const TRACK2 = '4352378366824999=051020110000882';
const layout = { leadingZeros: 20, trailingZeros: 20 };

/** Bits of a track written out by hand from ISO 7811, independent of the encoder. */
function handEncodedTrack2(content: string): number[] {
  const bits: number[] = Array(10).fill(0);
  const values = [...`;${content}?`].map((c) => c.charCodeAt(0) - 0x30);
  values.push(values.reduce((a, v) => a ^ v, 0));
  for (const v of values) {
    const data = [v & 1, (v >> 1) & 1, (v >> 2) & 1, (v >> 3) & 1];
    bits.push(...data, data.reduce((a, b) => a + b, 0) % 2 === 0 ? 1 : 0);
  }
  return [...bits, ...Array(10).fill(0)];
}

describe('track decoder', () => {
  it('refuses a track with nothing between its sentinels (noise makes one by chance)', () => {
    for (const track of [1, 2, 3] as const) {
      const bits = encodeTrackBits(TRACK_FORMATS[track], '', layout);
      expect(decodeTrackBits(TRACK_FORMATS[track], bits)).toMatchObject({ ok: false, reason: 'bad-format' });
    }
  });

  it('decodes hand-encoded track 2 bits (start sentinel 11010, LSB first, odd parity)', () => {
    const bits = handEncodedTrack2(TRACK2);
    expect(bits.slice(10, 15)).toEqual([1, 1, 0, 1, 0]);
    expect(decodeTrackBits(TRACK_FORMATS[2], bits)).toEqual({ ok: true, track: 2, content: TRACK2, direction: 'forward', cleanEnd: true });
  });

  it('encoder and decoder agree on all three tracks', () => {
    for (const [track, content] of [[1, TRACK1], [2, TRACK2], [3, `99${TRACK2}=1561560500050006001`]] as const) {
      const bits = encodeTrackBits(TRACK_FORMATS[track], content, layout);
      expect(decodeTrackBits(TRACK_FORMATS[track], bits)).toMatchObject({ ok: true, content, direction: 'forward' });
    }
  });

  it('track 1 start sentinel % is 1010001 on the stripe', () => {
    const bits = encodeTrackBits(TRACK_FORMATS[1], TRACK1, { leadingZeros: 0, trailingZeros: 0 });
    expect([...bits.slice(0, 7)]).toEqual([1, 0, 1, 0, 0, 0, 1]);
  });

  it('reads a backward swipe by reversing the bits', () => {
    for (const [track, content] of [[1, TRACK1], [2, TRACK2]] as const) {
      const bits = encodeTrackBits(TRACK_FORMATS[track], content, layout).reverse();
      expect(decodeTrackBits(TRACK_FORMATS[track], bits)).toMatchObject({ ok: true, content, direction: 'backward' });
    }
  });

  it('a backward swipe whose reversed LRC looks like a start sentinel still reads backwards', () => {
    // Found by the synthetic swipes: forward decoding of these reversed bits yields a short,
    // parity- and LRC-valid read of noise; the clean backward read must win.
    const content = '3533921331298122=390212131334';
    const bits = encodeTrackBits(TRACK_FORMATS[2], content, layout).reverse();
    expect(decodeTrackBits(TRACK_FORMATS[2], bits)).toMatchObject({ ok: true, content, direction: 'backward', cleanEnd: true });
  });

  it('reports no-data for a track of zeros', () => {
    expect(decodeTrackBits(TRACK_FORMATS[2], new Uint8Array(50))).toMatchObject({ ok: false, reason: 'no-data' });
  });

  it('reports no-start-sentinel when the first 1 bit does not begin one', () => {
    const bits = [...Array(10).fill(0), 1, 0, 0, 0, 0, ...Array(10).fill(0)];
    const result = decodeTrackBits(TRACK_FORMATS[2], bits);
    expect(result).toMatchObject({ ok: false, reason: 'no-start-sentinel' });
  });

  it('detects a flipped bit in every character by parity, naming the character', () => {
    const clean = encodeTrackBits(TRACK_FORMATS[2], TRACK2, layout);
    const chars = TRACK2.length + 2;
    for (let c = 1; c < chars - 1; c++) {
      for (let b = 0; b < 5; b++) {
        const bits = clean.slice();
        bits[layout.leadingZeros + c * 5 + b] ^= 1;
        expect(decodeTrackBits(TRACK_FORMATS[2], bits)).toMatchObject({
          ok: false,
          reason: 'parity',
          detail: expect.stringContaining(`(forward): odd parity fails at character ${c} `),
        });
      }
    }
    const bits = clean.slice();
    bits[layout.leadingZeros + 5 * 5 + 2] ^= 1;
    expect(decodeTrackBits(TRACK_FORMATS[2], bits)).toMatchObject({
      ok: false,
      reason: 'parity',
      detail: 'track 2 (forward): odd parity fails at character 5 (bit 45)',
    });
  });

  it('detects two flips in one character (parity passes) by the LRC', () => {
    const bits = encodeTrackBits(TRACK_FORMATS[2], TRACK2, layout);
    // Character 3 ('5' = 0101) -> flip data bits 0 and 1: '6' (0110), parity still odd.
    bits[layout.leadingZeros + 15] ^= 1;
    bits[layout.leadingZeros + 16] ^= 1;
    expect(decodeTrackBits(TRACK_FORMATS[2], bits)).toMatchObject({ ok: false, reason: 'lrc', detail: expect.stringContaining('LRC mismatch') });
  });

  it('detects a corrupted LRC character and a missing one', () => {
    const bits = encodeTrackBits(TRACK_FORMATS[2], TRACK2, layout);
    const lrcAt = layout.leadingZeros + (TRACK2.length + 2) * 5;
    const badParity = bits.slice();
    badParity[lrcAt + 4] ^= 1;
    expect(decodeTrackBits(TRACK_FORMATS[2], badParity)).toMatchObject({ ok: false, reason: 'lrc', detail: expect.stringContaining('own odd parity') });
    const missing = bits.slice(0, lrcAt);
    expect(decodeTrackBits(TRACK_FORMATS[2], missing)).toMatchObject({ ok: false, reason: 'lrc', detail: expect.stringContaining('missing') });
  });

  it('reports no-end-sentinel when the bits run out or the track is too long', () => {
    const bits = encodeTrackBits(TRACK_FORMATS[2], TRACK2, layout);
    const cut = bits.slice(0, layout.leadingZeros + 10 * 5);
    expect(decodeTrackBits(TRACK_FORMATS[2], cut)).toMatchObject({ ok: false, reason: 'no-end-sentinel' });
    // 45 digit characters and no end sentinel: longer than track 2 may be.
    const long = [...bits.slice(0, layout.leadingZeros + 5)];
    for (let i = 0; i < 45; i++) long.push(0, 0, 0, 0, 1);
    expect(decodeTrackBits(TRACK_FORMATS[2], long)).toMatchObject({ ok: false, reason: 'no-end-sentinel', detail: expect.stringContaining('within 40') });
  });

  it('never quotes track content in a failure detail', () => {
    const bits = encodeTrackBits(TRACK_FORMATS[2], TRACK2, layout);
    bits[layout.leadingZeros + 30] ^= 1;
    const result = decodeTrackBits(TRACK_FORMATS[2], bits);
    expect(result).toMatchObject({ ok: false, detail: expect.not.stringMatching(/4352|8366|4999/) });
  });

  it('the encoder refuses characters a track cannot hold and content that does not fit', () => {
    expect(() => encodeTrackBits(TRACK_FORMATS[2], '4352A', layout)).toThrow(/cannot encode the character at position 5/);
    expect(() => encodeTrackBits(TRACK_FORMATS[2], '1'.repeat(38), layout)).toThrow(/at most 37 fit/);
    expect(() => encodeTrackBits(TRACK_FORMATS[1], 'b lower case', layout)).toThrow(/cannot encode/);
  });
});
