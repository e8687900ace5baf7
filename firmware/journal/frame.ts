import { crc32 } from '../drivers/flash/crc32.js';

/**
 * A journal frame: `len u8 | seq u32 LE | crc u32 LE | payload[len] | 0xFF padding` to a whole
 * number of program units. The CRC covers len, seq and payload, so a torn frame (any prefix, any
 * subset of bits) fails it. len 255 is never used: a header of nine 0xFF bytes means "nothing here".
 */
export const FRAME_HEADER_BYTES = 9;
export const MAX_PAYLOAD_BYTES = 254;

export function frameBytes(payloadLength: number, programUnit: number): number {
  return roundUp(FRAME_HEADER_BYTES + payloadLength, programUnit);
}

export function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}

export function encodeFrame(seq: number, payload: Uint8Array, programUnit: number): Uint8Array {
  if (payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`record is ${payload.length} bytes; a frame holds at most ${MAX_PAYLOAD_BYTES}`);
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) throw new RangeError(`record sequence ${seq} out of range`);
  const frame = new Uint8Array(frameBytes(payload.length, programUnit)).fill(0xff);
  frame[0] = payload.length;
  setUint32LE(frame, 1, seq);
  frame.set(payload, FRAME_HEADER_BYTES);
  setUint32LE(frame, 5, frameCrc(frame, 0, payload.length));
  return frame;
}

/** By hand: a DataView per frame cost as much as the rest of the encoding (every commit makes one). */
function setUint32LE(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = value >>> 24;
}

export type FrameRead =
  | { kind: 'frame'; seq: number; payload: Uint8Array; length: number }
  /** Nine erased bytes: no frame starts here (the caller checks the rest is erased too). */
  | { kind: 'end' }
  /** A frame that did not finish programming (or damage): nothing after it in the sector is trusted. */
  | { kind: 'torn' };

/** Reads the frame at `offset`; `limit` is the end of the sector. */
export function readFrame(bytes: Uint8Array, offset: number, limit: number, programUnit: number): FrameRead {
  if (offset + FRAME_HEADER_BYTES > limit) return isErased(bytes, offset, limit) ? { kind: 'end' } : { kind: 'torn' };
  if (isErased(bytes, offset, offset + FRAME_HEADER_BYTES)) return { kind: 'end' };
  const length = bytes[offset]!;
  const total = frameBytes(length, programUnit);
  if (length > MAX_PAYLOAD_BYTES || offset + total > limit) return { kind: 'torn' };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, FRAME_HEADER_BYTES);
  if (view.getUint32(5, true) !== frameCrc(bytes, offset, length)) return { kind: 'torn' };
  return {
    kind: 'frame',
    seq: view.getUint32(1, true),
    payload: bytes.subarray(offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + length),
    length: total,
  };
}

export function isErased(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0xff) return false;
  return true;
}

function frameCrc(bytes: Uint8Array, offset: number, length: number): number {
  const head = crc32(bytes, offset, offset + 5);
  return crc32(bytes, offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + length, head);
}
