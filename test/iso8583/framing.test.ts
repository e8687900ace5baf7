import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../firmware/iso8583/codec.js';
import { FrameDeframer, frame, parseFrame, responseTpdu } from '../../firmware/iso8583/framing.js';
import { Iso8583Error } from '../../firmware/iso8583/message.js';
import { fromHex, toHex } from './hex.js';

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
