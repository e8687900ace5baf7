import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { parseField60 } from '../../firmware/iso8583/field60.js';
import { FrameDeframer, HEADER_BYTES, LENGTH_BYTES, TPDU_BYTES } from '../../firmware/iso8583/framing.js';
import { Iso8583Error } from '../../firmware/iso8583/message.js';
import { fromHex, toHex } from './hex.js';

// The sign-in request from ../shared/reference/cup-pos.md, cut off after F60 (F62/F63 missing).
const CAPTURE = fromHex(`
  00 5B 60 00 03 00 00 60 31 00 31 13 12 08 00 00 20 00 00 00 C0 00 16 00 00 01
  31 30 30 30 30 31 35 39 38 38 30 32 31 30 30 31 30 32 31 30 31 36 30 00 11 00 00 00 01 00 30`);
const BODY = CAPTURE.subarray(LENGTH_BYTES + TPDU_BYTES + HEADER_BYTES);
const EXPECTED_FIELDS = { 11: '000001', 41: '10000159', 42: '880210010210160', 60: '00000001003' };

/** The capture's body with bits 62 and 63 cleared: everything it holds, as a complete message. */
function bodyWithoutF62F63(): Uint8Array {
  const copy = BODY.slice();
  copy[2 + 7] = 0x10;
  return copy;
}

describe('the sign-in capture from the reference', () => {
  it('carries length 91, TPDU 60 0003 0000 and header 60 31 00 31 13 12; a partial frame waits in the deframer', () => {
    expect((CAPTURE[0]! << 8) | CAPTURE[1]!).toBe(91);
    expect(toHex(CAPTURE.subarray(2, 7))).toBe('6000030000');
    expect(toHex(CAPTURE.subarray(7, 13))).toBe('603100311312');
    const deframer = new FrameDeframer();
    expect(deframer.push(CAPTURE)).toEqual([]);
    expect(deframer.pendingBytes).toBe(CAPTURE.length);
  });

  it('names fields 11, 41, 42, 60, 62, 63 and, being cut after F60, is truncated exactly at F62', () => {
    let error: unknown;
    try {
      decodeMessage(BODY);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Iso8583Error);
    expect(error).toMatchObject({ reason: 'truncated', field: 62, offset: BODY.length });
  });

  it('decodes to MTI 0800, F11 000001, F41 10000159, F42 880210010210160, F60 00 000001 003', () => {
    const message = decodeMessage(bodyWithoutF62F63());
    expect(message).toEqual({ mti: '0800', fields: EXPECTED_FIELDS });
    expect(parseField60(message.fields[60] as string)).toEqual({
      transactionType: '00', batchNumber: '000001', networkCode: '003',
    });
  });

  it('encodes those fields back to the captured bytes', () => {
    expect(toHex(encodeMessage({ mti: '0800', fields: EXPECTED_FIELDS }))).toBe(toHex(bodyWithoutF62F63()));
  });
});
