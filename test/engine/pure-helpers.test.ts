import { describe, expect, it } from 'vitest';
import { ipFromDigits } from '../../firmware/app/flows/admin.js';
import { editDigits, isValidMmdd } from '../../firmware/app/flows/cashier-input.js';
import { parseBalance } from '../../firmware/app/flows/financial-flows.js';
import { buildFinancialRequest, buildReversal } from '../../firmware/app/iso-requests.js';
import { hashPassword, verifyPassword } from '../../firmware/app/passwords.js';
import { receiptCopies } from '../../firmware/app/receipts.js';
import { defaultSettings } from '../../firmware/app/settings.js';
import { batchUploadField48s, hostSaysBalanced, settlementField48, batchTotals } from '../../firmware/app/settlement-totals.js';
import type { JournalTransaction } from '../../firmware/journal/journal.js';
import { CARD } from './doubles/engine-driver.js';

const wall = new Date(2026, 10, 22, 9, 30, 5);

function approvedSale(stan: number, amountFen: number, pan = CARD.pan): JournalTransaction {
  const { reversal } = buildFinancialRequest({ entry: 'swipe', type: 'sale', amountFen, stan, batchNo: 1, card: { ...CARD, pan }, withPin: true, settings: defaultSettings(), wall });
  return {
    type: 'sale', stan, voucherNo: stan, batchNo: 1, amountFen, operator: '01', reversible: true, request: reversal,
    status: 'approved', reversalTries: 0, printed: true,
    approval: { authCode: '000111', rrn: '000000000001', hostDate: '1122', hostTime: '093005' },
  };
}

describe('pure helpers', () => {
  it('keypad digit editing', () => {
    expect(editDigits('12', '3', 12)).toBe('123');
    expect(editDigits('12', '00', 3)).toBe('120');
    expect(editDigits('12', 'CLEAR', 12)).toBe('1');
    expect(editDigits('', 'CLEAR', 12)).toBe('');
    expect(editDigits('12', 'UP', 12)).toBe('12');
  });

  it('MMDD and IP validation', () => {
    expect(isValidMmdd('0229')).toBe(true);
    expect(isValidMmdd('1131')).toBe(false);
    expect(isValidMmdd('0001')).toBe(false);
    expect(isValidMmdd('12a1')).toBe(false);
    expect(ipFromDigits('192168001010')).toBe('192.168.1.10');
    expect(ipFromDigits('256000000001')).toBeUndefined();
    expect(ipFromDigits('1921680010')).toBeUndefined();
  });

  it('balance F54 parsing, bad fields refused', () => {
    expect(parseBalance('1001156C000000012345')).toBe(12345);
    expect(parseBalance('1001156D000000000100')).toBe(-100);
    expect(parseBalance('1001156C00000001234X')).toBeUndefined();
    expect(parseBalance('short')).toBeUndefined();
    expect(parseBalance(undefined)).toBeUndefined();
  });

  it('passwords: salted scrypt, verify, malformed records refused', () => {
    const h = hashPassword('0000', new Uint8Array(16).fill(1));
    expect(h).toMatch(/^scrypt\$(01){16}\$[0-9a-f]{32}$/);
    expect(verifyPassword('0000', h)).toBe(true);
    expect(verifyPassword('0001', h)).toBe(false);
    expect(hashPassword('0000', new Uint8Array(16).fill(2))).not.toBe(h);
    expect(verifyPassword('0000', 'plain')).toBe(false);
    expect(verifyPassword('0000', 'scrypt$00$00')).toBe(false);
  });

  it('a reversal carries the original fields and the reason, never track data', () => {
    const tx = approvedSale(42, 8800);
    const rev = buildReversal(tx, 'A0', defaultSettings());
    expect(rev.mti).toBe('0400');
    expect(rev.fields).toMatchObject({ 2: CARD.pan, 3: '000000', 4: '000000008800', 11: '000042', 22: '021', 25: '00', 39: 'A0', 60: '22000001000200' });
    expect(rev.fields[35]).toBeUndefined();
    expect(rev.fields[52]).toBeUndefined();
  });

  it("a void's reversal names the original by F61 and does not carry F37 (issue 11, point 3)", () => {
    const original = approvedSale(42, 8800);
    const { reversal } = buildFinancialRequest({
      entry: 'swipe', type: 'void', amountFen: 8800, stan: 43, batchNo: 1, card: CARD, withPin: false, settings: defaultSettings(), wall,
      original: { voucherNo: 42, batchNo: 1, rrn: original.approval!.rrn, authCode: original.approval!.authCode },
    });
    const voidTx: JournalTransaction = { ...original, type: 'void', stan: 43, voucherNo: 43, request: reversal, status: 'reversal-pending' };
    const rev = buildReversal(voidTx, '98', defaultSettings());
    expect(rev.fields[37]).toBeUndefined();
    expect(rev.fields).toMatchObject({ 3: '200000', 38: original.approval!.authCode, 61: '000001000042', 60: '2300000100020' });
    // A sale's reversal is unchanged: F37 is not part of it either (it had none), F60 the original's.
    expect(buildReversal(original, '98', defaultSettings()).fields[37]).toBeUndefined();
  });

  it('a chip card sent as a fallback: F22 80x, 60.5 = 2, and entryMode on the journal record', () => {
    const fallback = buildFinancialRequest({ entry: 'fallback', type: 'sale', amountFen: 100, stan: 7, batchNo: 1, card: { ...CARD, serviceCode: '220' }, withPin: true, settings: defaultSettings(), wall });
    expect(fallback.message.fields).toMatchObject({ 22: '801', 60: '22000001000220' });
    expect(fallback.reversal).toMatchObject({ entryMode: '801', field60: '22000001000220' });
  });

  it('key mode 004: F53 says the tracks are encrypted (third digit 1), with or without a PIN', () => {
    const settings = { ...defaultSettings(), keyMode: '004' as const };
    const withPin = buildFinancialRequest({ entry: 'swipe', type: 'sale', amountFen: 100, stan: 7, batchNo: 1, card: CARD, withPin: true, settings, wall });
    const noPin = buildFinancialRequest({ entry: 'swipe', type: 'refund', amountFen: 100, stan: 8, batchNo: 1, card: CARD, withPin: false, settings, wall, original: { rrn: '000000000001', date: '1122' } });
    expect(withPin.message.fields[53]).toBe('2610000000000000');
    expect(noPin.message.fields[53]).toBe('0610000000000000');
    expect(buildFinancialRequest({ entry: 'swipe', type: 'sale', amountFen: 100, stan: 9, batchNo: 1, card: CARD, withPin: true, settings: defaultSettings(), wall }).message.fields[53]).toBe('2600000000000000');
  });

  it('settlement F48 and the host verdict; batch upload records in chunks of 8', () => {
    const txs = Array.from({ length: 9 }, (_, i) => approvedSale(i + 1, 100 * (i + 1)));
    const f48 = settlementField48(batchTotals(txs));
    expect(f48).toHaveLength(62);
    expect(f48.slice(0, 15)).toBe('000000004500009');
    expect(hostSaysBalanced(f48.slice(0, 30) + '1' + f48.slice(31, 61) + '1')).toBe(true);
    expect(hostSaysBalanced(f48.slice(0, 30) + '2' + f48.slice(31))).toBe(false);
    expect(hostSaysBalanced('garbage')).toBe(false);
    expect(hostSaysBalanced(undefined)).toBe(false);
    const chunks = batchUploadField48s(txs);
    expect(chunks.map((c) => c.slice(0, 2))).toEqual(['08', '01']);
    expect(chunks[0]).toHaveLength(2 + 8 * 40);
  });

  it('receipt copies follow the setting', () => {
    expect(receiptCopies(1)).toEqual(['merchant']);
    expect(receiptCopies(3)).toEqual(['merchant', 'cardholder', 'bank']);
  });
});
