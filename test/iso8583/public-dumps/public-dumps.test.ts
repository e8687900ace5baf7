/**
 * Public CUP POS message dumps (dumps.ts names each source) through the terminal's own framing and
 * codec: every one decodes, re-encodes to the very bytes published, and agrees with its author
 * field by field — or the test says where the author is inconsistent.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../firmware/iso8583/codec.js';
import { parseField60 } from '../../../firmware/iso8583/field60.js';
import { parseFrame } from '../../../firmware/iso8583/framing.js';
import { fromHex, toHex } from '../hex.js';
import { KOOLCLOUD_BALANCE_RESPONSE, MAXWOODS_SALE, PUBLIC_SIGN_IN } from './dumps.js';

function decodeDump(hex: string) {
  const frame = parseFrame(fromHex(hex));
  const message = decodeMessage(frame.body);
  return { frame, message, reencoded: toHex(encodeMessage(message)), body: toHex(frame.body) };
}

function presentFields(message: { fields: Record<number, unknown> }): number[] {
  return Object.keys(message.fields).map(Number).sort((a, b) => a - b);
}

describe('MaxWoods, "POS调试8583报文-消费" (a contactless sale with IC data)', () => {
  const { frame, message, reencoded, body } = decodeDump(MAXWOODS_SALE);

  it('frames as length 0x01AA = 426, TPDU 60 0006 0000, header 60 31 00 31 10 03, and re-encodes byte for byte', () => {
    expect(toHex(frame.tpdu)).toBe('6000060000');
    expect(toHex(frame.header)).toBe('603100311003');
    expect(reencoded).toBe(body);
  });

  it("agrees with the author's bitmap and fields 2, 3, 4, 11, 14, 25, 26", () => {
    expect(message.mti).toBe('0200');
    expect(presentFields(message)).toEqual([2, 3, 4, 11, 14, 22, 23, 25, 26, 35, 41, 42, 48, 49, 52, 53, 55, 59, 60, 64]);
    expect(message.fields).toMatchObject({ 2: '6224242900000113', 3: '000000', 4: '000000000001', 11: '000403', 14: '2806', 25: '00', 26: '12' });
  });

  it('F22 and F23: the author prints the two BCD bytes with their filler nibble (长度4 0710, 0000); the fields are n3: 071 and 000', () => {
    // The author is inconsistent with the field format here (n3 shown as 4 digits), not with the bytes:
    // 07 10 is 071 left-aligned (F22), 00 00 is 000 right-aligned (F23), as CUP field notes say.
    expect(message.fields[22]).toBe('071');
    expect(message.fields[23]).toBe('000');
  });

  it('the fields the mirror does not decode: a 153-character F59, and F60 with 60.4 = 6 (contactless) 60.5 = 0 60.6 = 0', () => {
    expect(message.fields[35]).toBe('6224242900000113=28062013949031013');
    expect(message.fields[41]).toBe('10000019');
    expect((message.fields[59] as string).length).toBe(153);
    expect(parseField60(message.fields[60] as string)).toEqual({
      transactionType: '22', batchNumber: '000024', networkCode: '000', terminalCapability: '6', icCondition: '0', partialApproval: '0',
    });
    expect(message.fields[55]).toBeInstanceOf(Uint8Array);
    expect((message.fields[55] as Uint8Array).length).toBe(139);
  });
});

describe('the public sign-in request (complete form of the capture in cup-pos.md)', () => {
  const { frame, message, reencoded, body } = decodeDump(PUBLIC_SIGN_IN);

  it("decodes to the sources' fields: 11 000001, 41 10000159, 42 880210010210160, 60 00 000001 003, 63 \"01 \"", () => {
    expect((fromHex(PUBLIC_SIGN_IN)[0]! << 8) | fromHex(PUBLIC_SIGN_IN)[1]!).toBe(91);
    expect(toHex(frame.header)).toBe('603100311312');
    expect(message.mti).toBe('0800');
    expect(presentFields(message)).toEqual([11, 41, 42, 60, 62, 63]);
    expect(message.fields).toMatchObject({ 11: '000001', 41: '10000159', 42: '880210010210160', 60: '00000001003', 63: '01 ' });
    expect(reencoded).toBe(body);
  });

  it('F62 of a sign-in request carries terminal information as text (29 bytes), kept as bytes by the codec', () => {
    expect(Buffer.from(message.fields[62] as Uint8Array).toString('latin1')).toBe('Sequence No163150SXX-4C304119');
  });
});

describe('an acquirer 0210 to a balance inquiry (public Java test, cn.koolcloud)', () => {
  const { message, reencoded, body } = decodeDump(KOOLCLOUD_BALANCE_RESPONSE);

  it('decodes, F32 and F44 included, and re-encodes byte for byte', () => {
    expect(message.mti).toBe('0210');
    expect(presentFields(message)).toEqual([2, 3, 11, 12, 13, 14, 25, 32, 37, 39, 41, 42, 44, 49, 53, 54, 60, 64]);
    expect(reencoded).toBe(body);
  });

  it("agrees with the values the author's code names: merchant, terminal, STAN 175 and batch 600001, the card, a balance", () => {
    expect(message.fields).toMatchObject({ 2: '6227004226680056546', 3: '310000', 11: '000175', 39: '00', 41: '10000072', 42: '999290054990001' });
    expect(parseField60(message.fields[60] as string)).toMatchObject({ transactionType: '01', batchNumber: '600001', terminalCapability: '5', icCondition: '0' });
    // F54: account type 30, amount type 02, currency 156, D(ebit sign), 900000100000.
    expect(message.fields[54]).toBe('3002156D900000100000');
    expect(message.fields[44]).toBe('01050000   99990000   ');
  });
});
