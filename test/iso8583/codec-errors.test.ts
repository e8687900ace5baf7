import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { Iso8583Error, type IsoMessage } from '../../firmware/iso8583/message.js';
import { fromHex } from './hex.js';
import { thrown } from './thrown.js';

const caught = (run: () => unknown): Iso8583Error => thrown(Iso8583Error, run);
const decodeError = (bytes: Uint8Array) => caught(() => decodeMessage(bytes));
const encodeError = (message: IsoMessage) => caught(() => encodeMessage(message));

// 0200 with F2 (LLVAR) and F11: bitmap 40 20 00 00 00 00 00 00.
const SMALL = '0200 4020000000000000 16 6222020000000001 000123';

describe('decode errors name the reason, the field and the byte offset', () => {
  it('accepts the small message these cases mutate', () => {
    expect(decodeMessage(fromHex(SMALL))).toEqual({ mti: '0200', fields: { 2: '6222020000000001', 11: '000123' } });
  });

  it('truncated: every proper prefix of a valid message', () => {
    const bytes = fromHex(SMALL);
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(decodeError(bytes.subarray(0, cut)).reason).toBe('truncated');
    }
    expect(decodeError(bytes.subarray(0, 12))).toMatchObject({ reason: 'truncated', field: 2, offset: 11 });
    expect(decodeError(bytes.subarray(0, 5))).toMatchObject({ reason: 'truncated', field: undefined, offset: 2 });
  });

  it('oversize: an LLVAR length above the field maximum (F2 says 20 > 19 digits)', () => {
    expect(decodeError(fromHex('0200 4000000000000000 20 62220200000000010000')))
      .toMatchObject({ reason: 'oversize', field: 2, offset: 10 });
  });

  it('bad-bcd: a non-digit nibble in data, in a length prefix, or a non-zero filler nibble', () => {
    expect(decodeError(fromHex('0200 0020000000000000 00012A'))).toMatchObject({ reason: 'bad-bcd', field: 11, offset: 12 });
    expect(decodeError(fromHex('0200 4000000000000000 1A 00'))).toMatchObject({ reason: 'bad-bcd', field: 2, offset: 10 });
    // F2 with 3 digits "123" must be 12 30; 12 31 has a filler nibble of 1.
    expect(decodeError(fromHex('0200 4000000000000000 03 1231'))).toMatchObject({ reason: 'bad-bcd', field: 2, offset: 12 });
    expect(decodeMessage(fromHex('0200 4000000000000000 03 1230')).fields[2]).toBe('123');
  });

  it('bad-mti: an MTI with a non-digit nibble', () => {
    expect(decodeError(fromHex('0A00 0020000000000000 000123'))).toMatchObject({ reason: 'bad-mti', offset: 0 });
  });

  it('bad-bitmap: the secondary bitmap is flagged but names no field', () => {
    expect(decodeError(fromHex('0200 8020000000000000 0000000000000000 000123')))
      .toMatchObject({ reason: 'bad-bitmap', offset: 2 });
  });

  it('unknown-field: the bitmap names a field the table does not define (F70, secondary bitmap)', () => {
    expect(decodeError(fromHex('0200 8000000000000000 0400000000000000 0301'))).toMatchObject({ reason: 'unknown-field', field: 70, offset: 18 });
  });

  it('trailing-bytes: bytes after the last field', () => {
    expect(decodeError(fromHex('0200 0020000000000000 000123 FF'))).toMatchObject({ reason: 'trailing-bytes', offset: 13 });
  });

  it('bad-value: a byte an ASCII field may not hold (F39 "0\\x01")', () => {
    expect(decodeError(fromHex('0210 0000000002000000 3001'))).toMatchObject({ reason: 'bad-value', field: 39, offset: 11 });
  });

  it('rejects input that is not bytes with an Iso8583Error', () => {
    expect(decodeError('0200' as unknown as Uint8Array).message).toBe('bad-value at byte 0: input is not a Uint8Array');
    expect(decodeError([2, 0] as unknown as Uint8Array).reason).toBe('bad-value');
  });
});

describe('encode errors', () => {
  it('bad-mti', () => {
    expect(encodeError({ mti: '200', fields: {} }).reason).toBe('bad-mti');
  });
  it('bad-length: a fixed field of the wrong length', () => {
    expect(encodeError({ mti: '0200', fields: { 11: '123' } })).toMatchObject({ reason: 'bad-length', field: 11 });
  });
  it('oversize: a variable field over its maximum', () => {
    expect(encodeError({ mti: '0200', fields: { 2: '1'.repeat(20) } })).toMatchObject({ reason: 'oversize', field: 2 });
  });
  it('bad-value: wrong characters or the wrong value type', () => {
    expect(encodeError({ mti: '0200', fields: { 4: '00000000880A' } })).toMatchObject({ reason: 'bad-value', field: 4 });
    expect(encodeError({ mti: '0200', fields: { 39: '0!' } })).toMatchObject({ reason: 'bad-value', field: 39 });
    expect(encodeError({ mti: '0200', fields: { 64: 'ABCDEFGH' } })).toMatchObject({ reason: 'bad-value', field: 64 });
    expect(encodeError({ mti: '0200', fields: { 11: new Uint8Array(3) } })).toMatchObject({ reason: 'bad-value', field: 11 });
  });
  it('unknown-field: a field the table does not define', () => {
    expect(encodeError({ mti: '0200', fields: { 70: '301' } })).toMatchObject({ reason: 'unknown-field', field: 70 });
  });
});

describe('known encodings (CUP POS dialect)', () => {
  it('packs a sale request field by field', () => {
    const sale: IsoMessage = {
      mti: '0200',
      fields: {
        2: '6222021234567890123',
        3: '000000',
        4: '000000008800',
        11: '000123',
        22: '021',
        25: '00',
        35: '6222021234567890123=49121011234567',
        41: '10000159',
        49: '156',
        60: '22000001000',
        64: fromHex('0102030405060708'),
      },
    };
    const expected = fromHex(
      '0200' + '7020048020808011' +
        '19 6222021234567890 1230' + // F2: 19 digits, left-aligned, trailing 0 nibble
        '000000' + '000000008800' + '000123' +
        '0210' + // F22 "021": left-aligned with a trailing 0 nibble (CUP)
        '00' +
        '34 6222021234567890123D49121011234567' + // F35: '=' is nibble D
        '3130303030313539' + '313536' +
        '0011 2200000100 00' + // F60: LLL = 0011, 11 digits + filler
        '0102030405060708',
    );
    expect(Buffer.from(encodeMessage(sale)).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
    expect(decodeMessage(expected)).toEqual(sale);
  });

  it('uses a secondary bitmap only when a field above 64 is present', () => {
    const bytes = encodeMessage({ mti: '0800', fields: { 11: '000001', 128: fromHex('1122334455667788') } });
    expect(Buffer.from(bytes).toString('hex')).toBe('0800' + '8020000000000000' + '0000000000000001' + '000001' + '1122334455667788');
    expect(decodeMessage(bytes).fields[128]).toEqual(fromHex('1122334455667788'));
  });

  it('pads F23 (card sequence number) on the left, unlike F22', () => {
    expect(Buffer.from(encodeMessage({ mti: '0200', fields: { 22: '051', 23: '001' } })).toString('hex'))
      .toBe('0200' + '0000060000000000' + '0510' + '0001');
    expect(decodeError(fromHex('0200 0000020000000000 1001'))).toMatchObject({ reason: 'bad-bcd', field: 23, offset: 10 });
  });

  it('accepts track data written with D and reads it back with =', () => {
    const bytes = encodeMessage({ mti: '0200', fields: { 35: '1234D5' } });
    expect(decodeMessage(bytes).fields[35]).toBe('1234=5');
  });
});

describe('the whole error text: reason, field, byte offset, what was wrong', () => {
  it('names the field when there is one, and is an Iso8583Error by name', () => {
    const inField = decodeError(fromHex('0200 0020000000000000 00012A'));
    expect(inField.message).toBe('bad-bcd in field 11 at byte 12: nibble A is not a decimal digit');
    expect(inField.name).toBe('Iso8583Error');
    expect(String(inField)).toBe('Iso8583Error: bad-bcd in field 11 at byte 12: nibble A is not a decimal digit');
    expect(decodeError(fromHex('0200 0020000000000000 000123 FF')).message).toBe('trailing-bytes at byte 13: 1 bytes after the last field');
  });

  it('truncated before the fields: the MTI, the primary bitmap, the secondary bitmap', () => {
    expect(decodeError(new Uint8Array(0)).message).toBe('truncated at byte 0: MTI needs 2 bytes, got 0');
    expect(decodeError(fromHex('02')).message).toBe('truncated at byte 0: MTI needs 2 bytes, got 1');
    expect(decodeError(fromHex('0200')).message).toBe('truncated at byte 2: bitmap needs 8 bytes, 0 left');
    expect(decodeError(fromHex('0200 402000')).message).toBe('truncated at byte 2: bitmap needs 8 bytes, 3 left');
    expect(decodeError(fromHex('0800 8020000000000000 000000')).message).toBe('truncated at byte 10: secondary bitmap needs 8 bytes, 3 left');
    expect(decodeError(fromHex('0800 8020000000000000 00000000000000')).message).toBe('truncated at byte 10: secondary bitmap needs 8 bytes, 7 left');
  });

  it('a whole secondary bitmap with nothing after it is truncated in the field it names, not in the bitmap', () => {
    expect(decodeError(fromHex('0800 8000000000000000 0000000000000001')).message).toBe('truncated in field 128 at byte 18: needs 8 bytes, 0 left');
  });

  it('bad-bitmap looks at the secondary bitmap only, not at the field bytes after it', () => {
    // F11 = 100123 starts with byte 10: a check reading one byte too far would find it non-zero.
    expect(decodeError(fromHex('0200 8020000000000000 0000000000000000 100123')).message)
      .toBe('bad-bitmap at byte 2: secondary bitmap flagged but it names no field');
  });

  it('unknown-field and trailing-bytes say what the decoder found', () => {
    expect(decodeError(fromHex('0200 8000000000000000 0400000000000000 0301')).message)
      .toBe('unknown-field in field 70 at byte 18: bitmap names a field the table does not define');
    expect(decodeError(fromHex('0200 0020000000000000 000123 FFFF')).message).toBe('trailing-bytes at byte 13: 2 bytes after the last field');
  });
});

describe('encode refuses what is not an IsoMessage', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', '0200'],
    ['no fields', { mti: '0200' }],
    ['fields null', { mti: '0200', fields: null }],
    ['fields a string', { mti: '0200', fields: '11' }],
  ])('%s', (_name, message) => {
    expect(encodeError(message as unknown as IsoMessage).message).toBe('bad-value at byte 0: not an IsoMessage');
  });

  it('an MTI that is not exactly four digits as a string', () => {
    expect(encodeError({ mti: 1234 as unknown as string, fields: {} }).message).toBe('bad-mti at byte 0: MTI must be 4 digits, got 1234');
    expect(encodeError({ mti: '02000', fields: {} }).message).toBe('bad-mti at byte 0: MTI must be 4 digits, got "02000"');
    expect(encodeError({ mti: 'A0200', fields: {} }).message).toBe('bad-mti at byte 0: MTI must be 4 digits, got "A0200"');
    expect(encodeError({ mti: '02A0', fields: {} }).reason).toBe('bad-mti');
  });

  it('a field the table does not define, or a key that is not a field number as written', () => {
    expect(encodeError({ mti: '0200', fields: { 70: '301' } }).message).toBe('unknown-field in field 70 at byte 0: field 70 is not in the field table');
    // '02' would otherwise be a second F2 (after F11 in key order): refused, not encoded twice.
    const twice = { mti: '0200', fields: { 2: '6222020000000001', 11: '000123', ['02' as unknown as number]: '1' } };
    expect(encodeError(twice)).toMatchObject({ reason: 'unknown-field', field: undefined, message: 'unknown-field at byte 0: field 02 is not in the field table' });
    expect(encodeError({ mti: '0200', fields: { ['1.5' as unknown as number]: '1' } })).toMatchObject({ reason: 'unknown-field', field: undefined });
    expect(encodeError({ mti: '0200', fields: { ['x' as unknown as number]: '1' } })).toMatchObject({ reason: 'unknown-field', field: undefined });
  });

  it('fields come out in field-number order whatever order they were written in', () => {
    const fields: IsoMessage['fields'] = {};
    for (const field of [64, 11, 3, 41, 2]) fields[field] = { 2: '62220200', 3: '000000', 11: '000123', 41: '10000159', 64: fromHex('0102030405060708') }[field];
    expect(Buffer.from(encodeMessage({ mti: '0200', fields })).toString('hex'))
      .toBe('0200' + '6020000000800001' + '0862220200' + '000000' + '000123' + '3130303030313539' + '0102030405060708');
  });
});
