import { describe, expect, it } from 'vitest';
import { readBcd } from '../../firmware/iso8583/bcd.js';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { Iso8583Error, type FieldValue, type IsoMessage } from '../../firmware/iso8583/message.js';
import { fromHex, toHex } from './hex.js';
import { thrown } from './thrown.js';

/**
 * One field at a time through the CUP POS table (cup-pos-fields.ts): which characters each type
 * takes, and the whole text of each refusal, since that text (field name, units, what was found)
 * is what an operator reads in the log when a host or a caller gets a field wrong.
 */

const caught = (run: () => unknown): Iso8583Error => thrown(Iso8583Error, run);
/** The error text for a 0200 carrying one field, which therefore sits at byte 10 (MTI 2 + bitmap 8). */
const encodeText = (field: number, value: FieldValue): string =>
  caught(() => encodeMessage({ mti: '0200', fields: { [field]: value } })).message;
const decodeText = (hex: string): string => caught(() => decodeMessage(fromHex(hex))).message;
const encodes = (field: number, value: FieldValue): IsoMessage => {
  const message = { mti: '0200', fields: { [field]: value } };
  expect(decodeMessage(encodeMessage(message))).toEqual(message);
  return message;
};

describe('characters each field type takes (encode)', () => {
  it('n (F4 amount, BCD): digits only, not the characters just below 0 or above 9', () => {
    encodes(4, '012345678900');
    for (const bad of ['/', ':', ' ', 'A']) {
      expect(encodeText(4, `00000000880${bad}`))
        .toBe(`bad-value in field 4 at byte 10: amount, transaction (fen): character ${JSON.stringify(bad)} at 11 is not allowed in type n`);
    }
  });

  it('z (F35 track 2): digits, = or D as the separator, and the nibble letters A B C E F of an encrypted track', () => {
    expect(toHex(encodeMessage({ mti: '0200', fields: { 35: '0123456789=ABCDEF' } }))).toBe('0200' + '0000000020000000' + '17 0123456789DABCDEF0'.replace(/ /g, ''));
    for (const bad of ['/', ':', '<', '@', 'G', 'Z', 'a', '?']) {
      expect(encodeText(35, `6222=${bad}`))
        .toBe(`bad-value in field 35 at byte 10: track 2 data: character ${JSON.stringify(bad)} at 5 is not allowed in type z`);
    }
  });

  it('an (F39 response code): letters, digits and space, nothing between or beyond them', () => {
    for (const good of ['00', 'A0', 'Z9', 'az', ' 1']) encodes(39, good);
    for (const bad of ['/', ':', '@', '[', '`', '{', '~', '!']) {
      expect(encodeText(39, `0${bad}`)).toBe(`bad-value in field 39 at byte 10: response code: character ${JSON.stringify(bad)} at 1 is not allowed in type an`);
    }
  });

  it('ans (F41 terminal id): printable ASCII and latin1 0x80-0xFF (GBK bytes), not DEL, controls, or characters above 0xFF', () => {
    encodes(41, ' ~!#9Az}');
    expect(toHex(encodeMessage({ mti: '0200', fields: { 41: '\u0080\u00ff\u00d6\u00d0ABCD' } })).slice(-16)).toBe('80FFD6D041424344');
    for (const bad of ['\u007f', '\u001f', '\u0100', '中']) {
      expect(encodeText(41, `1000015${bad}`))
        .toBe(`bad-value in field 41 at byte 10: card acceptor terminal id: character ${JSON.stringify(bad)} at 7 is not allowed in type ans`);
    }
  });

  it('b (F52 PIN block) takes bytes, and text fields take strings', () => {
    expect(encodeText(52, '0123456789ABCDEF')).toBe('bad-value in field 52 at byte 10: PIN data must be a Uint8Array');
    expect(encodeText(11, new Uint8Array(3))).toBe('bad-value in field 11 at byte 10: system trace audit number must be a string');
  });
});

describe('characters each field type takes (decode)', () => {
  it('ans bytes that are not all text (DEL, a control byte) stay raw bytes; text decodes to a string', () => {
    expect(decodeMessage(fromHex('0210 0000000000000002 0003 41 7F 42')).fields[63]).toEqual(Uint8Array.of(0x41, 0x7f, 0x42));
    expect(decodeMessage(fromHex('0210 0000000000000002 0003 41 1F 42')).fields[63]).toEqual(Uint8Array.of(0x41, 0x1f, 0x42));
    expect(decodeMessage(fromHex('0210 0000000000000002 0003 41 7E FF')).fields[63]).toBe('A~\u00ff');
  });

  it('an refuses a byte it may not hold, naming it as two hex digits', () => {
    expect(decodeText('0210 0000000002000000 3001')).toBe('bad-value in field 39 at byte 11: byte 01 is not allowed in type an');
    expect(decodeText('0210 0000000002000000 7B30')).toBe('bad-value in field 39 at byte 10: byte 7b is not allowed in type an');
  });
});

describe('length refusals say how long the field must be, in its own units', () => {
  it('fixed fields: digits for n, characters for an, bytes for b', () => {
    expect(encodeText(11, '123')).toBe('bad-length in field 11 at byte 10: system trace audit number must be exactly 6 digits, got 3');
    expect(encodeText(39, '0')).toBe('bad-length in field 39 at byte 10: response code must be exactly 2 characters, got 1');
    expect(encodeText(52, new Uint8Array(9))).toBe('bad-length in field 52 at byte 10: PIN data must be exactly 8 bytes, got 9');
  });

  it('variable fields: the maximum is accepted, one more is oversize (digits for n and z, characters for ans, bytes for b)', () => {
    encodes(2, '1'.repeat(19));
    expect(encodeText(2, '1'.repeat(20))).toBe('oversize in field 2 at byte 10: primary account number holds at most 19 digits, got 20');
    encodes(35, '1'.repeat(37));
    expect(encodeText(35, '1'.repeat(38))).toBe('oversize in field 35 at byte 10: track 2 data holds at most 37 digits, got 38');
    encodes(63, 'x'.repeat(163));
    expect(encodeText(63, 'x'.repeat(164)))
      .toBe('oversize in field 63 at byte 10: reserved private: operator / international org code (binary from some hosts) holds at most 163 characters, got 164');
    encodes(55, new Uint8Array(255).fill(0x9f));
    expect(encodeText(55, new Uint8Array(256))).toBe('oversize in field 55 at byte 10: IC card system related data holds at most 255 bytes, got 256');
  });

  it('an empty variable field is a zero length prefix and nothing else', () => {
    expect(toHex(encodeMessage({ mti: '0200', fields: { 2: '', 60: '' } }))).toBe('0200' + '4000000000000010' + '00' + '0000');
    expect(decodeMessage(fromHex('0200 4000000000000010 00 0000')).fields).toEqual({ 2: '', 60: '' });
  });
});

describe('decode refusals in length prefixes and data', () => {
  it('truncated: a prefix with no room, or data shorter than the prefix says', () => {
    expect(decodeText('0200 4000000000000000')).toBe('truncated in field 2 at byte 10: length prefix needs 1 bytes, 0 left');
    expect(decodeText('0200 0000000000000010 00')).toBe('truncated in field 60 at byte 10: length prefix needs 2 bytes, 1 left');
    expect(decodeText('0200 4000000000000000 16 6222')).toBe('truncated in field 2 at byte 11: needs 8 bytes, 2 left');
    expect(decodeText('0200 0020000000000000 0001')).toBe('truncated in field 11 at byte 10: needs 3 bytes, 2 left');
  });

  it('oversize: the prefix names more units than the field holds', () => {
    expect(decodeText('0200 4000000000000000 20 62220200000000010000')).toBe('oversize in field 2 at byte 10: length 20 exceeds the maximum 19 digits');
    expect(decodeText('0200 0000000000000010 0018 000000000000000000'))
      .toBe('oversize in field 60 at byte 10: length 18 exceeds the maximum 17 digits');
  });

  it('bad-bcd: the offset is the byte holding the bad nibble, in the prefix or in the data', () => {
    expect(decodeText('0200 4000000000000000 1A 00')).toBe('bad-bcd in field 2 at byte 10: length prefix: nibble A is not a decimal digit');
    expect(decodeText('0200 0000000000000010 0B01 00')).toBe('bad-bcd in field 60 at byte 10: length prefix: nibble B is not a decimal digit');
    expect(decodeText('0200 0000000000000010 001C 00')).toBe('bad-bcd in field 60 at byte 11: length prefix: nibble C is not a decimal digit');
    expect(decodeText('0200 0020000000000000 00012A')).toBe('bad-bcd in field 11 at byte 12: nibble A is not a decimal digit');
    expect(decodeText('0200 0020000000000000 0F0123')).toBe('bad-bcd in field 11 at byte 10: nibble F is not a decimal digit');
  });

  it('a filler nibble must be 0 or F, and F is remembered so the message re-encodes to its bytes', () => {
    expect(decodeText('0200 4000000000000000 03 1231')).toBe('bad-bcd in field 2 at byte 12: filler nibble is 1, not 0 or F');
    expect(decodeMessage(fromHex('0200 4000000000000000 03 123F'))).toEqual({ mti: '0200', fields: { 2: '123' }, fillers: { 2: 'F' } });
  });
});

describe('readBcd without a filler callback (MTI, length prefixes)', () => {
  it('takes only a 0 filler: F is refused, since nobody would record it to re-encode the same bytes', () => {
    expect(readBcd(Uint8Array.of(0x12, 0x30), 0, 3, 'right', false)).toBe('123');
    expect(readBcd(Uint8Array.of(0x12, 0x3f), 0, 3, 'right', false)).toEqual({ nibble: 3, detail: 'filler nibble is F, not 0' });
    expect(readBcd(Uint8Array.of(0xf1, 0x23), 0, 3, 'left', false)).toEqual({ nibble: 0, detail: 'filler nibble is F, not 0' });
    const told: string[] = [];
    expect(readBcd(Uint8Array.of(0x12, 0x3f), 0, 3, 'right', false, (f) => told.push(f))).toBe('123');
    expect(told).toEqual(['F']);
  });
});
