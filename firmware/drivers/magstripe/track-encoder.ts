/**
 * Track content -> stripe bits, the way an encoder writes a card: leading clocking zeros, start
 * sentinel, characters (value LSB first, then an odd-parity bit), end sentinel, LRC, trailing
 * zeros. Used by the synthetic swipes of the tests, the benchmark and the simulated terminal.
 */
import { bitsPerChar, charValue, type TrackFormat } from './track-format.js';

export interface TrackBitsLayout {
  leadingZeros: number;
  trailingZeros: number;
}

/** `content` is the text between the sentinels (e.g. "4352378366824999=0510201..."). */
export function encodeTrackBits(format: TrackFormat, content: string, layout: TrackBitsLayout): Uint8Array {
  const chars = format.startSentinel + content + format.endSentinel;
  if (chars.length + 1 > format.maxChars) {
    throw new RangeError(`track ${format.track} content is ${content.length} characters; at most ${format.maxChars - 3} fit`);
  }
  const values = [...chars].map((char, index) => {
    const value = charValue(format, char);
    if (value === undefined) throw new RangeError(`track ${format.track} cannot encode the character at position ${index}`);
    return value;
  });
  const lrc = values.reduce((acc, value) => acc ^ value, 0);
  values.push(lrc);

  const width = bitsPerChar(format);
  const bits = new Uint8Array(layout.leadingZeros + values.length * width + layout.trailingZeros);
  let at = layout.leadingZeros;
  for (const value of values) {
    at = writeChar(bits, at, value, format.dataBits);
  }
  return bits;
}

function writeChar(bits: Uint8Array, at: number, value: number, dataBits: number): number {
  let ones = 0;
  for (let i = 0; i < dataBits; i++) {
    const bit = (value >> i) & 1;
    bits[at++] = bit;
    ones += bit;
  }
  bits[at++] = ones % 2 === 0 ? 1 : 0;
  return at;
}
