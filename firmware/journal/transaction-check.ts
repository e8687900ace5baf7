import type { Approval, NewTransaction } from './journal.js';
import { JournalError } from './journal.js';
import { FINANCIAL_TYPES } from './record-codec.js';

/**
 * Input checks before anything is written: bad input is a clear JournalError, never a record the
 * next mount cannot read. The length limits also bound record sizes, which capacity() relies on.
 */
const SIX_DIGIT_MAX = 999999;

export function checkNewTransaction(tx: NewTransaction): void {
  if (!FINANCIAL_TYPES.includes(tx.type)) fail(`unknown transaction type ${String(tx.type)}`);
  checkCounterValue('stan', tx.stan);
  checkCounterValue('voucherNo', tx.voucherNo);
  checkCounterValue('batchNo', tx.batchNo);
  checkAmount('amountFen', tx.amountFen);
  checkText('operator', tx.operator, 1, 8);
  if (typeof tx.reversible !== 'boolean') fail('reversible must be true or false');
  if (tx.entryMode !== undefined && tx.entryMode !== 'swipe' && tx.entryMode !== 'fallback') fail('entryMode must be swipe or fallback');
  const q = tx.request;
  if (typeof q !== 'object' || q === null) fail('request is missing');
  checkDigits('request.mti', q.mti, 4, 4);
  checkDigits('request.processingCode', q.processingCode, 6, 6);
  checkAmount('request.amountFen', q.amountFen);
  checkCounterValue('request.stan', q.stan);
  checkDigits('request.localTime', q.localTime, 6, 6);
  checkDigits('request.localDate', q.localDate, 4, 4);
  checkDigits('request.entryMode', q.entryMode, 3, 3);
  checkDigits('request.conditionCode', q.conditionCode, 2, 2);
  checkDigits('request.field60', q.field60, 1, 32);
  checkDigits('request.pan', q.pan, 12, 19);
  checkDigits('request.expiry', q.expiry, 4, 4);
  if (q.authCode !== undefined) checkText('request.authCode', q.authCode, 1, 6);
  if (q.originalRrn !== undefined) checkText('request.originalRrn', q.originalRrn, 1, 12);
  if (q.field61 !== undefined) checkDigits('request.field61', q.field61, 1, 29);
  const o = tx.original;
  if (o !== undefined) {
    if (o.voucherNo !== undefined) checkCounterValue('original.voucherNo', o.voucherNo);
    if (o.batchNo !== undefined) checkCounterValue('original.batchNo', o.batchNo);
    if (o.rrn !== undefined) checkText('original.rrn', o.rrn, 1, 12);
    if (o.authCode !== undefined) checkText('original.authCode', o.authCode, 1, 6);
    if (o.date !== undefined) checkDigits('original.date', o.date, 4, 4);
  }
}

export function checkApproval(approval: Approval): void {
  checkText('approval.authCode', approval.authCode, 0, 6);
  checkText('approval.rrn', approval.rrn, 0, 12);
  checkDigits('approval.hostDate', approval.hostDate, 4, 4);
  checkDigits('approval.hostTime', approval.hostTime, 6, 6);
}

export function checkResponseCode(code: string): void {
  checkText('responseCode', code, 2, 2);
}

export function checkCounterValue(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > SIX_DIGIT_MAX) fail(`${name} must be an integer from 1 to 999999, got ${String(value)}`);
}

export function checkTries(tries: number): void {
  if (!Number.isInteger(tries) || tries < 0 || tries > 255) fail(`reversal tries must be an integer from 0 to 255, got ${String(tries)}`);
}

function checkAmount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > 999_999_999_999) fail(`${name} must be whole fen from 0 to 999999999999, got ${String(value)}`);
}

function checkText(name: string, value: string, min: number, max: number): void {
  if (typeof value !== 'string' || value.length < min || value.length > max || !/^[\x20-\x7e]*$/.test(value)) {
    fail(`${name} must be ${min}-${max} printable ASCII characters`);
  }
}

function checkDigits(name: string, value: string, min: number, max: number): void {
  if (typeof value !== 'string' || value.length < min || value.length > max || !/^\d*$/.test(value)) {
    fail(min === max ? `${name} must be ${min} digits` : `${name} must be ${min}-${max} digits`);
  }
}

function fail(message: string): never {
  throw new JournalError(message);
}
