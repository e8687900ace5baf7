import { describe, expect, it } from 'vitest';
import { crc32 } from '../../firmware/drivers/flash/crc32.js';
import { encodeFrame, FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, readFrame } from '../../firmware/journal/frame.js';

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

/**
 * readFrame at a sector's end: `limit` is where this sector stops, and the bytes past it are the
 * next sector's (mount reads the whole image). A frame must end at or before the limit.
 */
describe('readFrame at the end of its sector', () => {
  const seqBytes = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

  it('erased bytes up to the limit read as the end, whatever the next sector holds after it', () => {
    const image = new Uint8Array(32).fill(0xff);
    image.set(encodeFrame(5, Uint8Array.of(1, 2, 3), 1), 5); // the next sector's first frame
    expect(readFrame(image, 0, 5, 1)).toEqual({ kind: 'end' });
    image[2] = 0x00;
    expect(readFrame(image, 0, 5, 1)).toEqual({ kind: 'torn' });
  });

  it('a frame that ends exactly at the limit is read; one that runs a byte past it is torn though every byte is there', () => {
    const empty = encodeFrame(9, new Uint8Array(0), 1);
    expect(empty.length).toBe(9);
    expect(readFrame(empty, 0, 9, 1)).toEqual({ kind: 'frame', seq: 9, payload: new Uint8Array(0), length: 9 });
    const frame = encodeFrame(10, Uint8Array.of(7, 7, 7, 7), 1);
    const image = new Uint8Array(40).fill(0xff);
    image.set(frame, 20);
    expect(readFrame(image, 20, 20 + frame.length, 1)).toMatchObject({ kind: 'frame', seq: 10 });
    expect(readFrame(image, 20, 20 + frame.length - 1, 1)).toEqual({ kind: 'torn' });
  });

  it('a header claiming 255 payload bytes is torn even when its CRC matches (255 is never written)', () => {
    const bytes = new Uint8Array(FRAME_HEADER_BYTES + 255).fill(0x5a);
    bytes.set([255, ...seqBytes(3)], 0);
    const crc = crc32(bytes, FRAME_HEADER_BYTES, bytes.length, crc32(bytes, 0, 5));
    bytes.set(seqBytes(crc), 5);
    expect(readFrame(bytes, 0, bytes.length, 1)).toEqual({ kind: 'torn' });
  });
});
