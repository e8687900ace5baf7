import { Iso8583Error } from './message.js';

/**
 * CUP framing on TCP: length(2, big-endian, counts what follows) | TPDU(5) | header(6) | body,
 * where the body is MTI..last field (codec.ts).
 * TPDU: 60 | destination(2) | source(2); the host answers with the two addresses swapped.
 * Header: 60 31 | terminal status / processing request nibbles | version (3 bytes).
 */

export const LENGTH_BYTES = 2;
export const TPDU_BYTES = 5;
export const HEADER_BYTES = 6;
/** The smallest body a frame can carry: MTI(2) + primary bitmap(8). */
const MIN_BODY_BYTES = 10;
export const MIN_FRAME_LENGTH = TPDU_BYTES + HEADER_BYTES + MIN_BODY_BYTES;
/** A CUP POS message with every field at its maximum stays well under this. */
export const DEFAULT_MAX_FRAME_LENGTH = 4096;

export interface Frame {
  tpdu: Uint8Array;
  header: Uint8Array;
  body: Uint8Array;
}

export function frame(body: Uint8Array, envelope: { tpdu: Uint8Array; header: Uint8Array }): Uint8Array {
  if (!(envelope.tpdu instanceof Uint8Array) || envelope.tpdu.length !== TPDU_BYTES) {
    throw new Iso8583Error('bad-frame', 0, undefined, `TPDU must be ${TPDU_BYTES} bytes`);
  }
  if (!(envelope.header instanceof Uint8Array) || envelope.header.length !== HEADER_BYTES) {
    throw new Iso8583Error('bad-frame', 0, undefined, `header must be ${HEADER_BYTES} bytes`);
  }
  const length = TPDU_BYTES + HEADER_BYTES + body.length;
  if (length > 0xffff) throw new Iso8583Error('bad-frame', 0, undefined, `frame of ${length} bytes does not fit a 2-byte length`);
  const out = new Uint8Array(LENGTH_BYTES + length);
  out[0] = length >> 8;
  out[1] = length & 0xff;
  out.set(envelope.tpdu, LENGTH_BYTES);
  out.set(envelope.header, LENGTH_BYTES + TPDU_BYTES);
  out.set(body, LENGTH_BYTES + TPDU_BYTES + HEADER_BYTES);
  return out;
}

/** Splits one whole frame (length prefix included). Throws Iso8583Error if it is not exactly one. */
export function parseFrame(bytes: Uint8Array): Frame {
  if (bytes.length < LENGTH_BYTES) throw new Iso8583Error('truncated', 0, undefined, 'no length prefix');
  const length = (bytes[0]! << 8) | bytes[1]!;
  if (length < TPDU_BYTES + HEADER_BYTES) {
    throw new Iso8583Error('bad-frame', 0, undefined, `length ${length} is shorter than TPDU + header`);
  }
  if (bytes.length < LENGTH_BYTES + length) {
    throw new Iso8583Error('truncated', bytes.length, undefined, `frame says ${length} bytes, ${bytes.length - LENGTH_BYTES} present`);
  }
  if (bytes.length > LENGTH_BYTES + length) {
    throw new Iso8583Error('trailing-bytes', LENGTH_BYTES + length, undefined, `${bytes.length - LENGTH_BYTES - length} bytes after the frame`);
  }
  return split(bytes.subarray(LENGTH_BYTES));
}

function split(content: Uint8Array): Frame {
  return {
    tpdu: content.slice(0, TPDU_BYTES),
    header: content.slice(TPDU_BYTES, TPDU_BYTES + HEADER_BYTES),
    body: content.slice(TPDU_BYTES + HEADER_BYTES),
  };
}

/** The TPDU for a reply: same id byte, destination and source swapped. */
export function responseTpdu(requestTpdu: Uint8Array): Uint8Array {
  if (requestTpdu.length !== TPDU_BYTES) throw new Iso8583Error('bad-frame', 0, undefined, `TPDU must be ${TPDU_BYTES} bytes`);
  return Uint8Array.of(requestTpdu[0]!, requestTpdu[3]!, requestTpdu[4]!, requestTpdu[1]!, requestTpdu[2]!);
}

/**
 * Incremental deframer for a TCP stream: push the bytes as they arrive, get whole frames back.
 * A length outside [MIN_FRAME_LENGTH, maxFrameLength] means the stream is not ours or lost sync:
 * push throws Iso8583Error('bad-frame') and so does every later push — close the connection.
 */
export class FrameDeframer {
  private buffer = new Uint8Array(0);
  private failure: Iso8583Error | undefined;
  private consumed = 0;
  private readonly maxFrameLength: number;

  constructor(options: { maxFrameLength?: number } = {}) {
    this.maxFrameLength = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    if (!Number.isInteger(this.maxFrameLength) || this.maxFrameLength < MIN_FRAME_LENGTH || this.maxFrameLength > 0xffff) {
      throw new RangeError(`maxFrameLength must be an integer in ${MIN_FRAME_LENGTH}..65535`);
    }
  }

  /** Bytes received that do not yet make a whole frame. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): Frame[] {
    if (this.failure) throw this.failure;
    if (chunk.length > 0) {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer, 0);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
    }
    const frames: Frame[] = [];
    let at = 0;
    while (this.buffer.length - at >= LENGTH_BYTES) {
      const length = (this.buffer[at]! << 8) | this.buffer[at + 1]!;
      if (length < MIN_FRAME_LENGTH || length > this.maxFrameLength) {
        this.failure = new Iso8583Error(
          'bad-frame', this.consumed + at, undefined,
          `frame length ${length} is outside ${MIN_FRAME_LENGTH}..${this.maxFrameLength}`,
        );
        this.buffer = new Uint8Array(0);
        throw this.failure;
      }
      if (this.buffer.length - at < LENGTH_BYTES + length) break;
      frames.push(split(this.buffer.subarray(at + LENGTH_BYTES, at + LENGTH_BYTES + length)));
      at += LENGTH_BYTES + length;
    }
    this.consumed += at;
    this.buffer = this.buffer.slice(at);
    return frames;
  }
}
