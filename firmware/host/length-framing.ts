/**
 * The TCP stream framing CUP acquirers use: every message is preceded by its length as two bytes,
 * big-endian, not counting the two bytes themselves. TCP delivers a byte stream, so a frame may
 * arrive split over several chunks or several frames in one chunk; the deframer reassembles them.
 */

/** The largest body the 2-byte length can describe. */
export const MAX_FRAME_BODY = 0xffff;

export class FramingError extends Error {
  constructor(detail: string) {
    super(`framing: ${detail}`);
    this.name = 'FramingError';
  }
}

/** Prefixes `body` with its 2-byte big-endian length. */
export function frameWithLength(body: Uint8Array): Uint8Array {
  if (body.length === 0) throw new FramingError('empty message');
  if (body.length > MAX_FRAME_BODY) throw new FramingError(`message of ${body.length} bytes exceeds ${MAX_FRAME_BODY}`);
  const out = new Uint8Array(body.length + 2);
  out[0] = body.length >>> 8;
  out[1] = body.length & 0xff;
  out.set(body, 2);
  return out;
}

/**
 * Accumulates stream chunks and returns the complete frame bodies they finish. A zero length is
 * refused (no acquirer sends it, and accepting it would let garbage look like a stream of frames);
 * `maxBody` bounds memory against a garbled length.
 */
export class LengthPrefixedDeframer {
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly maxBody: number = 8192) {}

  /** Bytes received that do not yet form a whole frame. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const data = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (data.length - offset >= 2) {
      const length = (data[offset]! << 8) | data[offset + 1]!;
      if (length === 0) throw new FramingError(`zero length at stream byte ${offset}`);
      if (length > this.maxBody) throw new FramingError(`length ${length} exceeds ${this.maxBody}`);
      if (data.length - offset - 2 < length) break;
      frames.push(data.slice(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    this.pending = data.slice(offset);
    return frames;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
