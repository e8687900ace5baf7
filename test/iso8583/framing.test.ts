import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../firmware/iso8583/codec.js';
import { FrameDeframer, frame, parseFrame, responseTpdu } from '../../firmware/iso8583/framing.js';
import { Iso8583Error } from '../../firmware/iso8583/message.js';
import { fromHex, toHex } from './hex.js';
import { thrown } from './thrown.js';

const TPDU = fromHex('6000030000');
const HEADER = fromHex('603100311312');
const ECHO = encodeMessage({ mti: '0820', fields: { 11: '000042', 41: '10000159', 60: '00000001301' } });

describe('framing', () => {
  it('frames as length | TPDU | header | body and parses back', () => {
    const bytes = frame(ECHO, { tpdu: TPDU, header: HEADER });
    expect(bytes.length).toBe(2 + 5 + 6 + ECHO.length);
    expect((bytes[0]! << 8) | bytes[1]!).toBe(5 + 6 + ECHO.length);
    expect(toHex(bytes.subarray(2, 13))).toBe('6000030000603100311312');
    expect(parseFrame(bytes)).toEqual({ tpdu: TPDU, header: HEADER, body: ECHO });
  });

  it('rejects a TPDU or header of the wrong size, and a frame with missing or extra bytes', () => {
    expect(() => frame(ECHO, { tpdu: new Uint8Array(4), header: HEADER })).toThrow(/TPDU must be 5 bytes/);
    expect(() => frame(ECHO, { tpdu: TPDU, header: new Uint8Array(7) })).toThrow(/header must be 6 bytes/);
    const bytes = frame(ECHO, { tpdu: TPDU, header: HEADER });
    expect(() => parseFrame(bytes.subarray(0, bytes.length - 1))).toThrow(expect.objectContaining({ reason: 'truncated' }));
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => parseFrame(longer)).toThrow(expect.objectContaining({ reason: 'trailing-bytes' }));
    expect(() => parseFrame(fromHex('0003 600000'))).toThrow(expect.objectContaining({ reason: 'bad-frame' }));
  });

  it('swaps the TPDU addresses for a reply', () => {
    expect(toHex(responseTpdu(fromHex('6000031234')))).toBe('6012340003');
  });
});

describe('FrameDeframer', () => {
  const one = frame(ECHO, { tpdu: TPDU, header: HEADER });

  it('yields nothing until a frame is whole, byte by byte', () => {
    const deframer = new FrameDeframer();
    const frames = [];
    for (let i = 0; i < one.length; i++) {
      const out = deframer.push(one.subarray(i, i + 1));
      if (i < one.length - 1) expect(out).toEqual([]);
      frames.push(...out);
    }
    expect(frames).toEqual([{ tpdu: TPDU, header: HEADER, body: ECHO }]);
    expect(deframer.pendingBytes).toBe(0);
  });

  it('yields several frames from one chunk and keeps the rest for later', () => {
    const stream = new Uint8Array(one.length * 3);
    stream.set(one, 0);
    stream.set(one, one.length);
    stream.set(one, one.length * 2);
    const deframer = new FrameDeframer();
    expect(deframer.push(stream.subarray(0, one.length * 2 + 3))).toHaveLength(2);
    expect(deframer.pendingBytes).toBe(3);
    expect(deframer.push(stream.subarray(one.length * 2 + 3))).toHaveLength(1);
  });

  it('rejects absurd lengths (too short for TPDU + header + MTI + bitmap, or over the maximum) and stays failed', () => {
    expect(() => new FrameDeframer().push(fromHex('0005 6000030000'))).toThrow(Iso8583Error);
    const deframer = new FrameDeframer({ maxFrameLength: 100 });
    deframer.push(one);
    let error: unknown;
    try {
      deframer.push(fromHex('FFFF'));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ reason: 'bad-frame', offset: one.length });
    expect(() => deframer.push(one)).toThrow(expect.objectContaining({ reason: 'bad-frame' }));
  });

  it('refuses a maximum that could not hold a frame', () => {
    expect(() => new FrameDeframer({ maxFrameLength: 10 })).toThrow(/maxFrameLength/);
  });
});

describe('framing boundaries and error texts', () => {
  const errorOf = (run: () => unknown): Iso8583Error => thrown(Iso8583Error, run);

  it('a frame of exactly 65535 bytes fits the 2-byte length; one more does not', () => {
    const largest = frame(new Uint8Array(0xffff - 11), { tpdu: TPDU, header: HEADER });
    expect(toHex(largest.subarray(0, 2))).toBe('FFFF');
    expect(largest.length).toBe(2 + 0xffff);
    expect(errorOf(() => frame(new Uint8Array(0xffff - 10), { tpdu: TPDU, header: HEADER })).message)
      .toBe('bad-frame at byte 0: frame of 65536 bytes does not fit a 2-byte length');
  });

  it('parseFrame: no room for the length prefix', () => {
    expect(errorOf(() => parseFrame(new Uint8Array(0))).message).toBe('truncated at byte 0: no length prefix');
    expect(errorOf(() => parseFrame(fromHex('00'))).message).toBe('truncated at byte 0: no length prefix');
  });

  it('parseFrame: a length prefix alone, or the frame cut short, is truncated where the bytes end', () => {
    expect(errorOf(() => parseFrame(fromHex('000B'))).message).toBe('truncated at byte 2: frame says 11 bytes, 0 present');
    const bytes = frame(ECHO, { tpdu: TPDU, header: HEADER });
    expect(errorOf(() => parseFrame(bytes.subarray(0, 20))).message).toBe(`truncated at byte 20: frame says ${bytes.length - 2} bytes, 18 present`);
  });

  it('parseFrame: a length of TPDU + header (11) splits with an empty body; 10 is refused', () => {
    expect(parseFrame(fromHex('000B 6000030000 603100311312'))).toEqual({ tpdu: TPDU, header: HEADER, body: new Uint8Array(0) });
    expect(errorOf(() => parseFrame(fromHex('000A 6000030000 6031003113')))).toMatchObject({
      reason: 'bad-frame', offset: 0, message: 'bad-frame at byte 0: length 10 is shorter than TPDU + header',
    });
  });

  it('parseFrame: bytes after the frame are counted from where the frame ends', () => {
    const bytes = frame(ECHO, { tpdu: TPDU, header: HEADER });
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(errorOf(() => parseFrame(longer))).toMatchObject({
      reason: 'trailing-bytes', offset: bytes.length, message: `trailing-bytes at byte ${bytes.length}: 3 bytes after the frame`,
    });
  });

  it('responseTpdu refuses a TPDU that is not 5 bytes', () => {
    expect(errorOf(() => responseTpdu(fromHex('60000300')))).toMatchObject({ reason: 'bad-frame', message: 'bad-frame at byte 0: TPDU must be 5 bytes' });
    expect(errorOf(() => responseTpdu(fromHex('600003000000'))).reason).toBe('bad-frame');
  });
});

describe('FrameDeframer boundaries', () => {
  const one = frame(ECHO, { tpdu: TPDU, header: HEADER });
  /** A frame whose length field says `length`: TPDU, header, then a body of zeros. */
  const ofLength = (length: number): Uint8Array => frame(new Uint8Array(length - 11), { tpdu: TPDU, header: HEADER });

  it('takes maxFrameLength from 21 (TPDU + header + MTI + bitmap) to 65535', () => {
    expect(new FrameDeframer({ maxFrameLength: 21 }).push(ofLength(21))).toHaveLength(1);
    expect(new FrameDeframer({ maxFrameLength: 0xffff }).push(ofLength(0xffff))[0]!.body.length).toBe(0xffff - 11);
    expect(() => new FrameDeframer({ maxFrameLength: 20 })).toThrow(new RangeError('maxFrameLength must be an integer in 21..65535'));
    expect(() => new FrameDeframer({ maxFrameLength: 0x10000 })).toThrow(/maxFrameLength must be an integer in 21\.\.65535/);
    expect(() => new FrameDeframer({ maxFrameLength: 100.5 })).toThrow(/maxFrameLength/);
  });

  it('accepts frame lengths of exactly 21 and exactly the maximum, refuses 20 and the maximum + 1', () => {
    const deframer = new FrameDeframer({ maxFrameLength: 100 });
    expect(deframer.push(ofLength(21)).map((f) => f.body.length)).toEqual([10]);
    expect(deframer.push(ofLength(100)).map((f) => f.body.length)).toEqual([89]);
    expect(() => new FrameDeframer({ maxFrameLength: 100 }).push(ofLength(101)))
      .toThrow(expect.objectContaining({ reason: 'bad-frame', message: 'bad-frame at byte 0: frame length 101 is outside 21..100' }));
    expect(() => new FrameDeframer().push(ofLength(20)))
      .toThrow(expect.objectContaining({ reason: 'bad-frame', message: 'bad-frame at byte 0: frame length 20 is outside 21..4096' }));
  });

  it('a bad length is reported at its offset in the stream, counting frames taken from the same chunk', () => {
    const deframer = new FrameDeframer();
    deframer.push(one);
    const chunk = new Uint8Array(one.length + 2);
    chunk.set(one);
    chunk.set(fromHex('0001'), one.length);
    expect(() => deframer.push(chunk)).toThrow(expect.objectContaining({ reason: 'bad-frame', offset: 2 * one.length }));
  });

  it('an empty chunk changes nothing', () => {
    const deframer = new FrameDeframer();
    expect(deframer.push(one.subarray(0, 5))).toEqual([]);
    expect(deframer.push(new Uint8Array(0))).toEqual([]);
    expect(deframer.pendingBytes).toBe(5);
    expect(deframer.push(one.subarray(5))).toEqual([{ tpdu: TPDU, header: HEADER, body: ECHO }]);
  });
});
