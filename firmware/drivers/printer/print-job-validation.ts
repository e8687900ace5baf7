/**
 * Checks a PrintJob before layout. The engine is typed, but jobs also come from the journal (reprints)
 * and tools, so bad data gets a precise error here instead of a garbled receipt. Control characters are
 * refused because on ESC/POS they would be printer commands, not text.
 */
import type { PrintJob } from './print-job.js';

export class PrintJobError extends Error {
  constructor(message: string) {
    super(`print job: ${message}`);
    this.name = 'PrintJobError';
  }
}

/** maskPan() output: first 6 + last 4, or all stars for a PAN too short to show any digits. */
const MASKED_PAN = /^(\d{6}\*+\d{4}|\*+)$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function validatePrintJob(job: unknown): asserts job is PrintJob {
  if (typeof job !== 'object' || job === null) throw new PrintJobError('not an object');
  const j = job as Record<string, unknown>;
  switch (j.kind) {
    case 'transaction':
      if (!['merchant', 'cardholder', 'bank'].includes(j.copy as string)) {
        throw new PrintJobError(`copy must be merchant, cardholder or bank (got ${String(j.copy)})`);
      }
      booleans(j, ['reprint', 'signatureLine']);
      texts(j, ['merchantName', 'merchantNo', 'terminalId', 'operator', 'issuer', 'acquirer', 'expiry', 'batchNo',
        'voucherNo', 'authCode', 'referenceNo', 'dateTime']);
      maskedPan(j.maskedPan, 'maskedPan');
      for (const n of ['cardOrganisation', 'entryMode']) if (j[n] !== undefined) text(j[n], n);
      transactionType(j.transactionType, 'transactionType');
      amount(j.amountFen, 'amountFen');
      if (!Array.isArray(j.remarks)) throw new PrintJobError('remarks must be an array of strings');
      j.remarks.forEach((r, i) => text(r, `remarks[${i}]`));
      return;
    case 'reversal-failed':
      texts(j, ['merchantName', 'merchantNo', 'terminalId', 'batchNo', 'voucherNo', 'dateTime', 'reasonCode']);
      maskedPan(j.maskedPan, 'maskedPan');
      transactionType(j.transactionType, 'transactionType');
      amount(j.amountFen, 'amountFen');
      return;
    case 'settlement':
      booleans(j, ['reprint', 'balanced']);
      texts(j, ['merchantName', 'merchantNo', 'terminalId', 'operator', 'batchNo', 'dateTime']);
      if (!Array.isArray(j.rows)) throw new PrintJobError('rows must be an array');
      j.rows.forEach((row: Record<string, unknown>, i) => {
        transactionType(row.type, `rows[${i}].type`);
        count(row.count, `rows[${i}].count`);
        amount(row.amountFen, `rows[${i}].amountFen`);
      });
      if (!Array.isArray(j.failedReversals)) throw new PrintJobError('failedReversals must be an array');
      j.failedReversals.forEach((f: Record<string, unknown>, i) => {
        text(f.voucherNo, `failedReversals[${i}].voucherNo`);
        text(f.reasonCode, `failedReversals[${i}].reasonCode`);
        maskedPan(f.maskedPan, `failedReversals[${i}].maskedPan`);
        amount(f.amountFen, `failedReversals[${i}].amountFen`);
      });
      return;
    case 'transaction-list':
      texts(j, ['merchantName', 'merchantNo', 'terminalId', 'operator', 'batchNo', 'dateTime']);
      if (!Array.isArray(j.rows)) throw new PrintJobError('rows must be an array');
      j.rows.forEach((row: Record<string, unknown>, i) => {
        text(row.voucherNo, `rows[${i}].voucherNo`);
        text(row.card, `rows[${i}].card`);
        maskedPan(row.maskedPan, `rows[${i}].maskedPan`);
        transactionType(row.transactionType, `rows[${i}].transactionType`);
        transactionType(row.status, `rows[${i}].status`);
        amount(row.amountFen, `rows[${i}].amountFen`);
      });
      return;
    default:
      throw new PrintJobError(`unknown kind ${JSON.stringify(j.kind)} (want transaction, reversal-failed, settlement or transaction-list)`);
  }
}

function texts(j: Record<string, unknown>, names: string[]): void {
  for (const n of names) text(j[n], n);
}

function text(v: unknown, name: string): void {
  if (typeof v !== 'string') throw new PrintJobError(`${name} must be a string`);
  if (CONTROL.test(v)) throw new PrintJobError(`${name} contains a control character`);
}

function booleans(j: Record<string, unknown>, names: string[]): void {
  for (const n of names) if (typeof j[n] !== 'boolean') throw new PrintJobError(`${n} must be a boolean`);
}

function maskedPan(v: unknown, name: string): void {
  if (typeof v !== 'string' || !MASKED_PAN.test(v)) {
    // Never echo the value: it might be a clear PAN.
    throw new PrintJobError(`${name} must be masked as first 6 + last 4 digits with * between`);
  }
}

function transactionType(v: unknown, name: string): void {
  const t = v as { zh?: unknown; en?: unknown } | null;
  if (typeof t !== 'object' || t === null) throw new PrintJobError(`${name} must be { zh, en }`);
  text(t.zh, `${name}.zh`);
  text(t.en, `${name}.en`);
}

function amount(v: unknown, name: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new PrintJobError(`${name} must be a non-negative integer number of fen (got ${String(v)})`);
  }
}

function count(v: unknown, name: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new PrintJobError(`${name} must be a non-negative integer (got ${String(v)})`);
  }
}
