import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import { decodeSwipeEdges } from '../../../firmware/drivers/magstripe/swipe-decoder.js';
import { encodeTrackBits } from '../../../firmware/drivers/magstripe/track-encoder.js';
import { TRACK_FORMATS } from '../../../firmware/drivers/magstripe/track-format.js';
import { ISO7811_TRACKS, iso7811DataBits, iso7811SwipeEdges } from '../../../tools/bench/iso7811-swipe.js';

// The serial-reader sample in /work/shared/reference/hardware.md (track 2 and track 1).
const SAMPLE_TRACK2 = '4352378366824999=051020110000882';
const SAMPLE_TRACK1 = 'B4352378366824999^TEST/CARD^05102011000088200882000000';

describe("bench:magstripe's independent ISO/IEC 7811 encoder", () => {
  it("writes ';' as 1101 with odd parity 0, LSB first, and an LRC with odd parity", () => {
    const bits = iso7811DataBits(ISO7811_TRACKS[2], '');
    // ';' (value 11), '?' (value 15, parity 1), LRC = 11 ^ 15 = 4 -> 0010, parity 0.
    expect(bits).toEqual([1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0]);
  });

  it("agrees bit for bit with the firmware's own track encoder on the public sample tracks", () => {
    for (const [track, text] of [[2, SAMPLE_TRACK2], [1, SAMPLE_TRACK1]] as const) {
      const firmware = [...encodeTrackBits(TRACK_FORMATS[track], text, { leadingZeros: 0, trailingZeros: 0 })];
      expect(iso7811DataBits(ISO7811_TRACKS[track], text)).toEqual(firmware);
    }
  });

  it('refuses characters outside the track character set', () => {
    expect(() => iso7811DataBits(ISO7811_TRACKS[2], '4352A')).toThrow(/character set/);
  });

  it('a steady swipe of the sample card decodes in both directions', () => {
    for (const direction of ['forward', 'backward'] as const) {
      const random = new SeededRandom(3);
      const edges = iso7811SwipeEdges({ 1: SAMPLE_TRACK1, 2: SAMPLE_TRACK2 }, { direction, startCmPerS: 50, drift: 0, jitter: 0, random });
      expect(decodeSwipeEdges(edges)).toMatchObject({ ok: true, pan: '4352378366824999', direction, cardholderName: 'TEST/CARD' });
    }
  });
});
