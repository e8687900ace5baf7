import { describe, expect, it } from 'vitest';
import { frameBytes, MAX_PAYLOAD_BYTES } from '../../firmware/journal/frame.js';
import { decodeRecord, encodeRecord, type JournalRecord } from '../../firmware/journal/record-codec.js';
import { JournalError } from '../../firmware/journal/journal.js';
import { createPanCipher } from '../../firmware/security/pan-at-rest.js';
import { journalSale } from '../../tools/powerloss/journal-sale.js';
import { APPROVAL, largestTransaction, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

const cipher = createPanCipher(TEST_KEY, seededIvs());

function stored(tx = sale(123456)): JournalRecord {
  const { pan, ...request } = tx.request;
  return { kind: 'begin', tx: { ...tx, request: { ...request, sealedPan: new Uint8Array(cipher.seal(pan)) } } };
}

describe('journal records', () => {
  it('round-trip exactly, leading zeros and all', () => {
    const records: JournalRecord[] = [
      { kind: 'counter', counter: 'stan', value: 999999 },
      stored(sale(7, { type: 'void', original: { voucherNo: 3, batchNo: 1, rrn: '000012345678', authCode: 'A1B2', date: '0102' } })),
      stored({ ...sale(8), request: { ...sale(8).request, mti: '200', authCode: '001234', originalRrn: '123', field61: '000001000003' } }),
      // Format 3 leaves out what usually repeats: each case here repeats nothing.
      stored(sale(9, { voucherNo: 10, amountFen: 70000, request: { ...sale(9).request, amountFen: 69999, stan: 11, field60: '0012345' } })),
      stored({ ...sale(12), entryMode: 'fallback', request: { ...sale(12).request, field60: '1'.repeat(16) } }),
      stored({ ...sale(13), request: { ...sale(13).request, field60: '0' } }),
      { kind: 'approve', stan: 5, approval: { ...APPROVAL, authCode: '000042', hostTime: '000001' }, voidsStan: 3 },
      { kind: 'approve', stan: 5, approval: { authCode: 'AB12 ', rrn: '', hostDate: '0101', hostTime: '235959' } },
      { kind: 'declined', stan: 5, responseCode: 'A0' },
      { kind: 'require-reversal', stan: 5, reason: '06' },
      { kind: 'reversal-tried', stan: 5, tries: 3 },
      { kind: 'printed', stan: 999999 },
      { kind: 'settle', batchNo: 12, nextBatch: 13 },
    ];
    for (const record of records) expect(decodeRecord(encodeRecord(record))).toEqual(record);
  });

  it('writes the bytes cbor-x wrote for format 3 (hex from the encoder before cbor-write.ts)', () => {
    const fixedIv = createPanCipher(TEST_KEY, (n) => new Uint8Array(n).fill(9));
    const tx = journalSale(123456, 7, 8800);
    const { pan, ...request } = tx.request;
    const cases: Array<[JournalRecord, string]> = [
      [
        { kind: 'begin', tx: { ...tx, request: { ...request, sealedPan: fixedIv.seal(pan) } } },
        '0b901a0001e24000f6071922606230310118c8001a00018c9a1904621600fb42147d35dd60000058270909090909090909090909093' +
          '4e7a696acc497193070fbf86de5da225715075306ec5a8d2a14ad190b60',
      ],
      [{ kind: 'approve', stan: 123456, approval: APPROVAL, voidsStan: 3 }, '02861a0001e2401a0001e2406c3333323231313434353536361904621a00018c9d03'],
      [{ kind: 'printed', stan: 123456 }, '09811a0001e240'],
      [{ kind: 'settle', batchNo: 12, nextBatch: 13 }, '0a820c0d'],
    ];
    for (const [record, hex] of cases) expect(Buffer.from(encodeRecord(record)).toString('hex')).toBe(hex);
  });

  it('a sale takes 96 + 48 + 16 bytes of 16-byte units, at any STAN, with a batch below 65536 and under 42.9 million yuan', () => {
    expect(frameBytes(encodeRecord(stored()).length, 16)).toBe(96);
    const large = journalSale(999999, 65535, 4_294_967_295);
    large.request.localTime = '235959';
    expect(frameBytes(encodeRecord(stored(large)).length, 16)).toBe(96);
    expect(frameBytes(encodeRecord({ kind: 'approve', stan: 123456, approval: APPROVAL }).length, 16)).toBe(48);
    expect(frameBytes(encodeRecord({ kind: 'printed', stan: 123456 }).length, 16)).toBe(16);
  });

  it('the largest records the input checks allow stay inside the sizes capacity() assumes', () => {
    const long = largestTransaction(999999, 999999);
    expect(encodeRecord(stored(long)).length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const approve = encodeRecord({ kind: 'approve', stan: 999999, approval: { authCode: 'ABCDEF', rrn: 'ABCDEFGHIJKL', hostDate: '1231', hostTime: '235959' }, voidsStan: 999999 });
    expect(approve.length).toBeLessThanOrEqual(44);
    expect(encodeRecord({ kind: 'require-reversal', stan: 999999, reason: 'A0' }).length).toBeLessThanOrEqual(8);
    expect(encodeRecord({ kind: 'reversal-tried', stan: 999999, tries: 255 }).length).toBeLessThanOrEqual(12);
    expect(encodeRecord({ kind: 'reversal-failed', stan: 999999 }).length).toBeLessThanOrEqual(7);
    expect(encodeRecord({ kind: 'settle', batchNo: 999999, nextBatch: 999999 }).length).toBeLessThanOrEqual(12);
  });

  it('reads a format 2 begin record (kind 1: every field spelled out)', () => {
    // Written by format 2 (commit 6790a10) for journalSale(1234, 7, 10034), PAN sealed under 0x42 * 32.
    const payload = Buffer.from(
      '01921904d2001904d2071927326230310118c800f6f61a00018c9a19046216006b3232303030303037303030582732871d0090c0409ee7e4' +
        '5a502f78cf2bac867b659692341fdc89f76e78ad41514e38541c3930d7190b60',
      'hex',
    );
    const record = decodeRecord(payload);
    if (record.kind !== 'begin') throw new Error(`decoded a ${record.kind} record`);
    const { sealedPan, ...request } = record.tx.request;
    const { pan, ...expected } = journalSale(1234, 7, 10034).request;
    expect({ ...record.tx, request }).toEqual({ ...journalSale(1234, 7, 10034), request: expected });
    expect(createPanCipher(new Uint8Array(32).fill(0x42)).open(sealedPan)).toBe(pan);
  });

  it('a record too long for a frame is still encoded whole (cbor-x writes it; the frame encoder refuses it)', () => {
    const record: JournalRecord = { kind: 'declined', stan: 5, responseCode: 'A'.repeat(MAX_PAYLOAD_BYTES) };
    const payload = encodeRecord(record);
    // Kind 3, an array of 2, STAN 5, a text head of 254 (78 fe), then the text.
    expect(Buffer.from(payload.subarray(0, 5)).toString('hex')).toBe('03820578fe');
    expect(payload.length).toBe(5 + MAX_PAYLOAD_BYTES);
    expect(decodeRecord(payload)).toStrictEqual(record);
  });

  it('a well-framed record of an unknown kind or the wrong shape is a JournalError', () => {
    expect(() => decodeRecord(new Uint8Array([42, 0x80]))).toThrow(JournalError);
    expect(() => decodeRecord(new Uint8Array([0, 0x81, 0x61, 0x78]))).toThrow(/field 0 is not an integer/);
    expect(() => decodeRecord(new Uint8Array([0, 0xff]))).toThrow(/not valid CBOR|unknown record/);
  });
});
