import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, type JournalRecord, type StoredNewTransaction } from '../../firmware/journal/record-codec.js';
import { JournalError, type NewTransaction } from '../../firmware/journal/journal.js';
import { APPROVAL, sale } from './sample-transactions.js';

/**
 * Record payloads byte for byte against FORMAT.md ("Payload"), optional fields that must stay
 * absent after a round trip, and the refusal of CRC-valid payloads of the wrong shape.
 */

const SEALED = new Uint8Array([1, 2, 3]);
const cbor = new Encoder({ useRecords: false });

function begin(tx: NewTransaction): JournalRecord & { kind: 'begin' } {
  const { pan: _pan, ...request } = tx.request;
  return { kind: 'begin', tx: { ...tx, request: { ...request, sealedPan: SEALED } } };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A payload of `kind` whose CBOR array is `body`, as a damaged-but-CRC-valid record would carry. */
function payload(kind: number, body: unknown[]): Uint8Array {
  return new Uint8Array([kind, ...cbor.encode(body)]);
}

/** The CBOR array of a record as encodeRecord writes it. */
function bodyOf(record: JournalRecord): unknown[] {
  return cbor.decode(encodeRecord(record).subarray(1)) as unknown[];
}

function refusal(bytes: Uint8Array): string {
  try {
    decodeRecord(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(JournalError);
    return (e as Error).message;
  }
  throw new Error(`decoded ${hex(bytes)}`);
}

describe('record payload bytes (FORMAT.md)', () => {
  const cases: [string, JournalRecord, string][] = [
    ['counter 0: STAN 999999', { kind: 'counter', counter: 'stan', value: 999999 }, '00 82 00 1a000f423f'],
    ['counter 0: batch 2', { kind: 'counter', counter: 'batch', value: 2 }, '00 82 02 02'],
    [
      'approve 2: digits as integers, RRN a string',
      { kind: 'approve', stan: 5, approval: APPROVAL },
      '02 85 05 1a0001e240 6c333332323131343435353636 190462 1a00018c9d',
    ],
    [
      'approve 2 of a void: the voided STAN last',
      { kind: 'approve', stan: 5, approval: { authCode: 'AB12', rrn: '', hostDate: '0101', hostTime: '000001' }, voidsStan: 3 },
      '02 86 05 6441423132 60 1865 01 03',
    ],
    ['declined 3', { kind: 'declined', stan: 5, responseCode: 'A0' }, '03 82 05 624130'],
    ['require-reversal 4: 06 is code 3', { kind: 'require-reversal', stan: 5, reason: '06' }, '04 82 05 03'],
    ['require-reversal 4: 98 is code 0', { kind: 'require-reversal', stan: 300, reason: '98' }, '04 82 19012c 00'],
    ['reversal-tried 5', { kind: 'reversal-tried', stan: 5, tries: 255 }, '05 82 05 18ff'],
    ['reversal-acked 6', { kind: 'reversal-acked', stan: 5 }, '06 81 05'],
    ['reversal-failed 7', { kind: 'reversal-failed', stan: 5 }, '07 81 05'],
    ['outcome-unknown 8', { kind: 'outcome-unknown', stan: 5 }, '08 81 05'],
    ['printed 9', { kind: 'printed', stan: 5 }, '09 81 05'],
    ['settle 10', { kind: 'settle', batchNo: 12, nextBatch: 13 }, '0a 82 0c 0d'],
    [
      'begin 11: a sale leaves out the voucher (null), request amount and STAN (trailing nulls dropped)',
      begin(sale(1)),
      '0b 90 01 00 f6 01 192260 623031 01 18c8 00 1a00018c9a 190462 16 00 fb42147d357fa00000 43010203 190b60',
    ],
    [
      'begin 11: every optional field, F60 with a leading zero as a string, the original trimmed',
      begin({
        ...sale(2, { type: 'void', voucherNo: 7, entryMode: 'fallback', original: { voucherNo: 1 } }),
        request: { ...sale(2).request, amountFen: 100, stan: 3, field60: '0012', authCode: '001234', originalRrn: '123', field61: '000001' },
      }),
      '0b 97 02 01 07 01 192260 623031 01 18c8 00 1a00018c9a 190462 16 00 6430303132 43010203 190b60 1904d2 63313233 66303030303031 8101 01 1864 03',
    ],
    [
      'begin 11: not reversible, an MTI and F3 that are not all digits stay strings',
      begin({ ...sale(4, { reversible: false }), request: { ...sale(4).request, mti: 'X200', processingCode: '99999X', field60: '5' } }),
      '0b 90 04 00 f6 01 192260 623031 00 6458323030 66393939393958 1a00018c9a 190462 16 00 05 43010203 190b60',
    ],
    // Text outside ASCII is written by cbor-x, not cbor-write.ts: the same layout and the same bytes,
    // the sealed PAN still a plain byte string (cbor-x tags a Uint8Array that is not a Buffer).
    ['declined 3: a non-ASCII response code', { kind: 'declined', stan: 5, responseCode: 'é' }, '03 82 05 62c3a9'],
    [
      'begin 11: a non-ASCII operator',
      begin(sale(1, { operator: 'é1' })),
      '0b 90 01 00 f6 01 192260 63c3a931 01 18c8 00 1a00018c9a 190462 16 00 fb42147d357fa00000 43010203 190b60',
    ],
  ];
  for (const [name, record, expected] of cases) {
    it(name, () => {
      const bytes = encodeRecord(record);
      expect(hex(bytes)).toBe(expected.replaceAll(' ', ''));
      expect(decodeRecord(bytes)).toStrictEqual(record);
    });
  }
});

describe('optional fields stay absent after a round trip', () => {
  const tx = (fields: Partial<NewTransaction>, request: Partial<NewTransaction['request']> = {}) =>
    begin({ ...sale(9, fields), request: { ...sale(9).request, ...request } });
  const records: [string, JournalRecord][] = [
    ['no request auth code, RRN, F61, original, entry mode', tx({})],
    ['only the request auth code', tx({}, { authCode: '1' })],
    ['only the original RRN', tx({}, { originalRrn: 'R' })],
    ['only F61', tx({}, { field61: '7' })],
    ['an original of only a voucher', tx({ original: { voucherNo: 4 } })],
    ['an original of only a batch', tx({ original: { batchNo: 4 } })],
    ['an original of only an RRN', tx({ original: { rrn: '000012345678' } })],
    ['an original of only an auth code', tx({ original: { authCode: '00A1' } })],
    ['an original of only a date', tx({ original: { date: '0102' } })],
    ['an empty original', tx({ original: {} })],
    ['F60 of 15 digits (an integer)', tx({}, { field60: '9'.repeat(15) })],
    ['F60 of 20 digits (a string: no integer holds it)', tx({}, { field60: '9'.repeat(20) })],
    ['F60 of 32 digits', tx({}, { field60: '1'.repeat(32) })],
    ['an approve without a voided STAN', { kind: 'approve', stan: 1, approval: { ...APPROVAL, authCode: '' } }],
  ];
  for (const [name, record] of records) it(name, () => expect(decodeRecord(encodeRecord(record))).toStrictEqual(record));

  it('swipe is written as the absent entry mode (records before fallback existed read the same)', () => {
    const decoded = decodeRecord(encodeRecord(tx({ entryMode: 'swipe' })));
    if (decoded.kind !== 'begin') throw new Error(decoded.kind);
    expect('entryMode' in decoded.tx).toBe(false);
  });
});

/** A format 2 begin (kind 1) as format 2 wrote it: voucher always, request amount/STAN at 9-10, F60 a string. */
function format2Body(tx: StoredNewTransaction): unknown[] {
  const b = bodyOf({ kind: 'begin', tx });
  const body = [...b.slice(0, 9), null, null, ...b.slice(9)];
  body[2] = tx.voucherNo;
  body[15] = tx.request.field60;
  return body;
}

describe('format 2 begin (kind 1, read only)', () => {
  const record = begin({ ...sale(6), request: { ...sale(6).request, authCode: '000042' } });

  it('decodes by the format 2 layout', () => {
    expect(decodeRecord(payload(1, format2Body(record.tx)))).toStrictEqual(record);
  });

  it('a format 2 begin without a voucher number is damage, not the STAN', () => {
    const body = format2Body(record.tx);
    body[2] = null;
    expect(refusal(payload(1, body))).toBe('begin record: field 2 is not an integer');
  });

  it('a format 2 F60 written as an integer is damage', () => {
    const body = format2Body(record.tx);
    body[15] = 22000006000;
    expect(refusal(payload(1, body))).toBe('begin record: field 15 is not a string');
  });
});

describe('CRC-valid payloads of the wrong shape are refused with their field', () => {
  const saleBody = () => bodyOf(begin(sale(1)));
  const with_ = (body: unknown[], index: number, value: unknown) => {
    const out = [...body];
    out[index] = value;
    return out;
  };
  const cases: [string, Uint8Array, string][] = [
    ['not CBOR', new Uint8Array([0, 0xff]), 'record of kind 0 is not valid CBOR'],
    ['truncated CBOR', new Uint8Array([10, 0x82, 0x01]), 'record of kind 10 is not valid CBOR'],
    ['an unknown kind', payload(42, [1]), 'unknown record kind 42'],
    ['kind 12', payload(12, [1]), 'unknown record kind 12'],
    ['a body that is not an array', payload(9, 5 as unknown as unknown[]), 'unknown record kind 9'],
    ['an unknown counter', payload(0, [3, 1]), 'counter record: field 0 is not a known code'],
    ['a negative counter code', payload(0, [-1, 1]), 'counter record: field 0 is not a known code'],
    ['an unknown reversal reason', payload(4, [1, 4]), 'require-reversal record: field 1 is not a known code'],
    ['a counter value that is not an integer', payload(0, [0, 1.5]), 'counter record: field 1 is not an integer'],
    ['a STAN that is a string', payload(9, ['1']), 'printed record: field 0 is not an integer'],
    ['a response code that is a number', payload(3, [1, 51]), 'declined record: field 1 is not a string'],
    ['an RRN that is missing', payload(2, [1, 1]), 'approve record: field 2 is not a string'],
    ['an auth code that is a fraction', payload(2, [1, 1.5, '', 101, 1]), 'approve record: field 1 is not digits'],
    ['a host date that is bytes', payload(2, [1, 1, '', new Uint8Array([1]), 1]), 'approve record: field 3 is not digits'],
    ['a host time that is a boolean', payload(2, [1, 1, '', 101, true]), 'approve record: field 4 is not digits'],
    ['a voided STAN that is a string', payload(2, [1, 1, '', 101, 1, 'x']), 'approve record: field 5 is not an integer'],
    ['a begin type out of range', payload(11, with_(saleBody(), 1, 7)), 'begin record: field 1 is not a known code'],
    ['a begin F60 of 0', payload(11, with_(saleBody(), 13, 0)), 'begin record: field 13 is not a string'],
    ['a begin F60 below 0', payload(11, with_(saleBody(), 13, -5)), 'begin record: field 13 is not a string'],
    ['a begin F60 that is a fraction', payload(11, with_(saleBody(), 13, 2.5)), 'begin record: field 13 is not a string'],
    ['a begin F60 that is bytes', payload(11, with_(saleBody(), 13, new Uint8Array([2]))), 'begin record: field 13 is not a string'],
    ['a sealed PAN that is a string', payload(11, with_(saleBody(), 14, '6222')), 'begin record: field 14 is not bytes'],
    ['an MTI that is a fraction', payload(11, with_(saleBody(), 7, 200.5)), 'begin record: field 7 is not digits'],
    ['an original that is not an array', payload(11, with_(saleBody(), 19, 1)), 'begin record: field 19 is not an array'],
    ['an original voucher that is a string', payload(11, with_(saleBody(), 19, ['1'])), 'original reference record: field 0 is not an integer'],
    ['an original RRN that is a number', payload(11, with_(saleBody(), 19, [null, null, 5])), 'original reference record: field 2 is not a string'],
  ];
  for (const [name, bytes, message] of cases) it(name, () => expect(refusal(bytes)).toBe(message));
});
