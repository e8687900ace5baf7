import { describe, expect, it } from 'vitest';
import { frameWithLength, FramingError, LengthPrefixedDeframer } from '../../firmware/host/length-framing.js';

describe('2-byte length framing', () => {
  it('prefixes the big-endian length', () => {
    const body = new Uint8Array(300).fill(7);
    const framed = frameWithLength(body);
    expect([framed[0], framed[1]]).toEqual([0x01, 0x2c]);
    expect(framed.length).toBe(302);
  });

  it('refuses empty and oversize bodies', () => {
    expect(() => frameWithLength(new Uint8Array(0))).toThrow(FramingError);
    expect(() => frameWithLength(new Uint8Array(0x10000))).toThrow(/exceeds/);
  });

  it('reassembles frames split byte by byte and frames sharing a chunk', () => {
    const a = frameWithLength(Uint8Array.of(1, 2, 3));
    const b = frameWithLength(Uint8Array.of(4, 5));
    const stream = Uint8Array.from([...a, ...b]);
    const d = new LengthPrefixedDeframer();
    const got: number[][] = [];
    for (const byte of stream) for (const f of d.push(Uint8Array.of(byte))) got.push([...f]);
    expect(got).toEqual([[1, 2, 3], [4, 5]]);
    expect(new LengthPrefixedDeframer().push(stream).map((f) => [...f])).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('keeps a partial frame buffered', () => {
    const d = new LengthPrefixedDeframer();
    expect(d.push(Uint8Array.of(0, 4, 9, 9))).toEqual([]);
    expect(d.bufferedBytes).toBe(4);
  });

  it('refuses a zero length and a length above the bound', () => {
    expect(() => new LengthPrefixedDeframer().push(Uint8Array.of(0, 0))).toThrow(/zero length/);
    expect(() => new LengthPrefixedDeframer(100).push(Uint8Array.of(0, 101))).toThrow(/exceeds 100/);
  });
});
