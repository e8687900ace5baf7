/**
 * The CBOR a journal record body needs, written by hand: an array of integers, ASCII strings, byte
 * strings, null and nested arrays, byte for byte as cbor-x's Encoder({ useRecords: false }) writes
 * it (the format on flash is defined by what cbor-x wrote; test/journal/cbor-write.test.ts holds
 * the two side by side). Every commit encodes one record, and on the commit path cbor-x's general
 * encoder (buffer management, type dispatch, string heuristics) cost more than the record's CRC
 * and framing together. Anything outside the subset returns -1 and the caller uses cbor-x.
 */

/** Writes `body` as a CBOR array into `out` from `at`; returns the end offset, or -1 when `out` is too short or a value is outside the subset. */
export function writeCborArray(out: Uint8Array, at: number, body: readonly unknown[]): number {
  at = writeHeader(out, at, 0x80, body.length);
  for (let i = 0; i < body.length && at >= 0; i++) at = writeValue(out, at, body[i]);
  return at;
}

function writeValue(out: Uint8Array, at: number, value: unknown): number {
  if (typeof value === 'number') return writeNumber(out, at, value);
  if (typeof value === 'string') return writeAscii(out, at, value);
  if (value === null) return writeByte(out, at, 0xf6);
  if (value instanceof Uint8Array) {
    at = writeHeader(out, at, 0x40, value.length);
    if (at < 0 || at + value.length > out.length) return -1;
    out.set(value, at);
    return at + value.length;
  }
  if (Array.isArray(value)) return writeCborArray(out, at, value);
  return -1;
}

/** Integers of up to 32 bits as CBOR integers, anything else as a float64: cbor-x's rule. */
function writeNumber(out: Uint8Array, at: number, value: number): number {
  if (value >>> 0 === value) return writeHeader(out, at, 0x00, value);
  if (value >> 0 === value || (value < 0 && value >= -0x100000000 && Math.floor(value) === value)) {
    // -1 - value, as an unsigned 32-bit number (cbor-x writes ~value for the 31-bit ones: the same).
    return writeHeader(out, at, 0x20, -1 - value);
  }
  if (at + 9 > out.length) return -1;
  out[at] = 0xfb;
  FLOAT_VIEW.setFloat64(0, value);
  out.set(FLOAT_BYTES, at + 1);
  return at + 9;
}

const FLOAT_BYTES = new Uint8Array(8);
const FLOAT_VIEW = new DataView(FLOAT_BYTES.buffer);

/** Text strings of ASCII only (the transaction checks allow no other characters); others go to cbor-x. */
function writeAscii(out: Uint8Array, at: number, value: string): number {
  at = writeHeader(out, at, 0x60, value.length);
  if (at < 0 || at + value.length > out.length) return -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return -1;
    out[at + i] = c;
  }
  return at + value.length;
}

/** A major type's head with its argument in the fewest bytes (`argument` below 2^32). */
function writeHeader(out: Uint8Array, at: number, major: number, argument: number): number {
  if (at < 0) return -1;
  if (argument < 0x18) return writeByte(out, at, major | argument);
  if (argument < 0x100) {
    if (at + 2 > out.length) return -1;
    out[at] = major | 0x18;
    out[at + 1] = argument;
    return at + 2;
  }
  if (argument < 0x10000) {
    if (at + 3 > out.length) return -1;
    out[at] = major | 0x19;
    out[at + 1] = argument >>> 8;
    out[at + 2] = argument & 0xff;
    return at + 3;
  }
  if (at + 5 > out.length) return -1;
  out[at] = major | 0x1a;
  out[at + 1] = argument >>> 24;
  out[at + 2] = (argument >>> 16) & 0xff;
  out[at + 3] = (argument >>> 8) & 0xff;
  out[at + 4] = argument & 0xff;
  return at + 5;
}

function writeByte(out: Uint8Array, at: number, byte: number): number {
  if (at < 0 || at >= out.length) return -1;
  out[at] = byte;
  return at + 1;
}
