import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { writeCborArray } from '../../firmware/journal/cbor-write.js';

/** The encoder the format was defined with (record-codec.ts before writeCborArray). */
const cbor = new Encoder({ useRecords: false });

/** Hex, so that a mismatch prints readably (and fast: some cases are 70 kB). */
function written(body: unknown[], room = 1 << 18): string | undefined {
  const out = new Uint8Array(room);
  const end = writeCborArray(out, 0, body);
  return end < 0 ? undefined : Buffer.from(out.buffer, 0, end).toString('hex');
}

/** cbor-x writes byte strings only for Buffers (a plain Uint8Array gets a typed-array tag). */
function byCborX(body: unknown[]): string {
  const asBuffers = (v: unknown): unknown => (v instanceof Uint8Array ? Buffer.from(v) : Array.isArray(v) ? v.map(asBuffers) : v);
  return Buffer.from(cbor.encode(asBuffers(body))).toString('hex');
}

/** Seeded, so a failure names a case that comes back. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

const EDGES = [0, -0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 22000001000, 999_999_999_999];
const NUMBERS = [...EDGES, ...EDGES.map((n) => -n), -24, -25, -256, -257, -65536, -65537, -(2 ** 32) - 1, 0.5, -1.25, 1e300, NaN, Infinity];

describe('writeCborArray', () => {
  it('writes every number, string length and nesting the records use exactly as cbor-x does', () => {
    const next = random(7);
    const bodies: unknown[][] = [[], NUMBERS, [null, 'x', '', 'A'.repeat(23), 'A'.repeat(24), 'B'.repeat(255), 'C'.repeat(256), 'D'.repeat(70000)]];
    bodies.push([new Uint8Array(0), new Uint8Array(23), new Uint8Array(39).fill(0xa5), new Uint8Array(300), new Uint8Array(70000)]);
    bodies.push([[1, [2, null, [3, 'x']]], new Array(24).fill(1), new Array(300).fill(null)]);
    for (let i = 0; i < 2000; i++) {
      const body: unknown[] = [];
      const length = Math.floor(next() * 30);
      for (let j = 0; j < length; j++) {
        const pick = next();
        if (pick < 0.4) body.push(Math.floor((next() - 0.3) * 2 ** Math.floor(next() * 50)));
        else if (pick < 0.6) body.push(String.fromCharCode(...Array.from({ length: Math.floor(next() * 40) }, () => 0x20 + Math.floor(next() * 95))));
        else if (pick < 0.75) body.push(null);
        else if (pick < 0.9) body.push(new Uint8Array(Math.floor(next() * 60)).map(() => Math.floor(next() * 256)));
        else body.push([Math.floor(next() * 1e6), null, 'ab']);
      }
      bodies.push(body);
    }
    for (const body of bodies) expect(written(body)).toEqual(byCborX(body));
  });

  it('declines what it does not write the way cbor-x does, and a body longer than its room', () => {
    expect(written(['é'])).toBeUndefined();
    expect(written([true])).toBeUndefined();
    expect(written([{ a: 1 }])).toBeUndefined();
    expect(written([undefined])).toBeUndefined();
    expect(written(['x'.repeat(10)], 11)).toBeUndefined();
    expect(written([2 ** 40], 9)).toBeUndefined();
    expect(written([new Uint8Array(10)], 11)).toBeUndefined();
    expect(written(['x'.repeat(10)], 12)).toEqual(byCborX(['x'.repeat(10)]));
  });
});

describe('writeCborArray when the room runs out (the caller then falls back to cbor-x)', () => {
  // Every head size (1, 2, 3, 5 bytes), a float, text, bytes, null and a nested array, each with
  // its room cut short by one byte at a time: -1 every time, never a record cut off short.
  // Each value alone too, so that the check under test is the last one made (a later value's own
  // check would otherwise hide an earlier one that let a head run past the end).
  const values: unknown[] = [0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, -1, -25, -257, -65537, -(2 ** 32), 0.5,
    'A'.repeat(23), 'B'.repeat(24), 'C'.repeat(300), 'D'.repeat(70000), new Uint8Array(5).fill(7), new Uint8Array(300).fill(9), null, [1, [2, 'x']]];
  const bodies: unknown[][] = [...values.map((v) => [v]), values];
  it.each(bodies.map((body, i) => [i, body] as const))('body %i: exact room fits from any offset, one byte less never does', (_i, body) => {
    const whole = written(body)!;
    const needed = whole.length / 2;
    for (const offset of [0, 3]) {
      const exact = new Uint8Array(offset + needed);
      expect(writeCborArray(exact, offset, body)).toBe(offset + needed);
      expect(Buffer.from(exact.subarray(offset)).toString('hex')).toBe(whole);
      // Every shorter room for short bodies; near both ends for long ones (70 kB would take seconds).
      const rooms = Array.from({ length: needed }, (_, k) => offset + k).filter((room) => needed < 400 || room < offset + 64 || room >= offset + needed - 64);
      for (const room of rooms) {
        expect(writeCborArray(new Uint8Array(room), offset, body), `room ${room} at ${offset}`).toBe(-1);
      }
    }
  });

  it('text with a character from 0x80 up is left to cbor-x; 0x7f is still ASCII', () => {
    expect(written(['\x7f'])).toBe('81617f');
    expect(written(['\x80'])).toBeUndefined();
    expect(written(['ok', 'é'])).toBeUndefined();
    // A refused value ends the write: a float after it, written from -1, would land its 8 bytes
    // over the array's head and return a short record instead of -1.
    expect(written(['é', 0.5])).toBeUndefined();
  });

  it('a start past the end of the room is refused', () => {
    expect(writeCborArray(new Uint8Array(4), 5, [1])).toBe(-1);
    expect(writeCborArray(new Uint8Array(4), 4, [])).toBe(-1);
    expect(writeCborArray(new Uint8Array(4), -1, [])).toBe(-1);
  });

  it('a negative start is refused with a head of any size, in a room that would hold the body', () => {
    // A 2- or 3-byte head written from -1 would put its argument byte at 0 and the body after it.
    for (const length of [0, 24, 256]) expect(writeCborArray(new Uint8Array(400), -1, new Array(length).fill(0)), `${length} values`).toBe(-1);
  });
});
