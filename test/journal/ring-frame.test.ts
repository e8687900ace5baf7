import { describe, expect, it } from 'vitest';
import { encodeFrame, MAX_PAYLOAD_BYTES, readFrame } from '../../firmware/journal/frame.js';

/**
 * What encodeFrame refuses (FORMAT.md, "Frame"): len 255 would make a header of erased bytes
 * possible ("nothing here"), and the sequence field is 32 bits. The record codec keeps payloads
 * within MAX_PAYLOAD_BYTES, so these refusals are the frame's own last line, named in the message.
 */
const UNIT = 16;

describe('frame encoding limits', () => {
  it('a payload of MAX_PAYLOAD_BYTES is framed and reads back whole', () => {
    const payload = new Uint8Array(MAX_PAYLOAD_BYTES).map((_, i) => i);
    const frame = encodeFrame(7, payload, UNIT);
    expect(readFrame(frame, 0, frame.length, UNIT)).toEqual({ kind: 'frame', seq: 7, payload, length: frame.length });
  });

  it('a payload one byte longer is refused, and the refusal names both sizes', () => {
    expect(() => encodeFrame(7, new Uint8Array(MAX_PAYLOAD_BYTES + 1), UNIT)).toThrow(
      new RangeError(`record is ${MAX_PAYLOAD_BYTES + 1} bytes; a frame holds at most ${MAX_PAYLOAD_BYTES}`),
    );
  });

  it('every sequence number the 32-bit field holds is framed, 0 included; one outside it (or not a whole number) is refused rather than wrapped', () => {
    for (const seq of [0, 0xffffffff]) {
      expect(readFrame(encodeFrame(seq, Uint8Array.of(1), UNIT), 0, UNIT, UNIT), String(seq)).toMatchObject({ kind: 'frame', seq });
    }
    for (const seq of [2 ** 32, -1, 1.5]) {
      expect(() => encodeFrame(seq, Uint8Array.of(1), UNIT), String(seq)).toThrow(new RangeError(`record sequence ${seq} out of range`));
    }
  });
});
