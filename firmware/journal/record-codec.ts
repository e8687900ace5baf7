import { Encoder } from 'cbor-x';
import { writeCborArray } from './cbor-write.js';
import { MAX_PAYLOAD_BYTES } from './frame.js';
import {
  JournalError,
  type Approval,
  type CounterName,
  type FinancialType,
  type NewTransaction,
  type OriginalReference,
  type ReversalData,
  type ReversalReason,
} from './journal.js';

/**
 * Journal records and their payload bytes: one kind byte, then a CBOR array with positional
 * fields (no keys on flash). Fixed-length digit strings (MTI, processing code, times, dates...) are
 * stored as integers when they are all digits and restored with their leading zeros; anything else
 * is stored as the string it is, so decoding always gives back exactly what was encoded.
 */

/** ReversalData as stored: the PAN only sealed (AES-256-GCM, see security/pan-at-rest.ts). */
export interface StoredRequest extends Omit<ReversalData, 'pan'> {
  sealedPan: Uint8Array;
}

export interface StoredNewTransaction extends Omit<NewTransaction, 'request'> {
  request: StoredRequest;
}

export type JournalRecord =
  | { kind: 'counter'; counter: CounterName; value: number }
  | { kind: 'begin'; tx: StoredNewTransaction }
  /** `voidsStan`: the original this approved void voids (its `voidedBy` is set in the same commit). */
  | { kind: 'approve'; stan: number; approval: Approval; voidsStan?: number }
  | { kind: 'declined'; stan: number; responseCode: string }
  | { kind: 'require-reversal'; stan: number; reason: ReversalReason }
  | { kind: 'reversal-tried'; stan: number; tries: number }
  | { kind: 'reversal-acked'; stan: number }
  | { kind: 'reversal-failed'; stan: number }
  | { kind: 'outcome-unknown'; stan: number }
  | { kind: 'printed'; stan: number }
  | { kind: 'settle'; batchNo: number; nextBatch: number };

type RecordKind = JournalRecord['kind'];

/** Kind bytes; 'begin' has two: 1 is the format 2 layout (read only), BEGIN_CODE the one written. */
const KIND_CODES: readonly RecordKind[] = [
  'counter',
  'begin',
  'approve',
  'declined',
  'require-reversal',
  'reversal-tried',
  'reversal-acked',
  'reversal-failed',
  'outcome-unknown',
  'printed',
  'settle',
  'begin',
];
const BEGIN_FORMAT_2_CODE = 1;
const BEGIN_CODE = 11;
export const COUNTER_NAMES: readonly CounterName[] = ['stan', 'voucher', 'batch'];
export const FINANCIAL_TYPES: readonly FinancialType[] = [
  'sale',
  'void',
  'refund',
  'preauth',
  'preauth-void',
  'completion',
  'completion-void',
];
export const REVERSAL_REASONS: readonly ReversalReason[] = ['98', '96', 'A0', '06'];

const cbor = new Encoder({ useRecords: false });

export function encodeRecord(record: JournalRecord): Uint8Array {
  const body = encodeBody(record);
  while (body.length > 0 && body[body.length - 1] === null) body.pop();
  const kind = record.kind === 'begin' ? BEGIN_CODE : KIND_CODES.indexOf(record.kind);
  SCRATCH[0] = kind;
  const end = writeCborArray(SCRATCH, 1, body);
  if (end > 0) return SCRATCH.slice(0, end);
  // Outside what writeCborArray writes (non-ASCII text, or too long for a frame): cbor-x, which
  // writes a Uint8Array that is not a Buffer as a tagged typed array, hence the copies.
  const encoded = cbor.encode(body.map((v) => (v instanceof Uint8Array ? Buffer.from(v) : v)));
  const payload = new Uint8Array(1 + encoded.length);
  payload[0] = kind;
  payload.set(encoded, 1);
  return payload;
}

/** One payload at a time is encoded (then copied out): a frame holds at most MAX_PAYLOAD_BYTES. */
const SCRATCH = new Uint8Array(MAX_PAYLOAD_BYTES);

function encodeBody(r: JournalRecord): unknown[] {
  switch (r.kind) {
    case 'counter':
      return [COUNTER_NAMES.indexOf(r.counter), r.value];
    case 'begin':
      return encodeBegin(r.tx);
    case 'approve':
      return [
        r.stan,
        digits(r.approval.authCode, 6),
        r.approval.rrn,
        digits(r.approval.hostDate, 4),
        digits(r.approval.hostTime, 6),
        r.voidsStan ?? null,
      ];
    case 'declined':
      return [r.stan, r.responseCode];
    case 'require-reversal':
      return [r.stan, REVERSAL_REASONS.indexOf(r.reason)];
    case 'reversal-tried':
      return [r.stan, r.tries];
    case 'reversal-acked':
    case 'reversal-failed':
    case 'outcome-unknown':
    case 'printed':
      return [r.stan];
    case 'settle':
      return [r.batchNo, r.nextBatch];
  }
}

/**
 * Format 3 begin (kind 11, FORMAT_3_BEGIN). Against format 2 (kind 1) it leaves out what the
 * engine's transactions repeat, so that a sale's begin takes 96 bytes of 16-byte units instead of
 * 112 (any STAN, batch below 65536, amount below 42.9 million yuan): the voucher number when it is
 * the STAN (null), F60 as an integer when it is all digits with no leading zero, and the request's
 * own amount and STAN (almost always the transaction's) moved to the end, where "the same" is a
 * trailing null and is dropped.
 */
function encodeBegin(tx: StoredNewTransaction): unknown[] {
  const q = tx.request;
  const o = tx.original;
  const original = o
    ? trimNulls([o.voucherNo ?? null, o.batchNo ?? null, o.rrn ?? null, o.authCode ?? null, o.date === undefined ? null : digits(o.date, 4)])
    : null;
  return [
    tx.stan,
    FINANCIAL_TYPES.indexOf(tx.type),
    tx.voucherNo === tx.stan ? null : tx.voucherNo,
    tx.batchNo,
    tx.amountFen,
    tx.operator,
    tx.reversible ? 1 : 0,
    digits(q.mti, 4),
    digits(q.processingCode, 6),
    digits(q.localTime, 6),
    digits(q.localDate, 4),
    digits(q.entryMode, 3),
    digits(q.conditionCode, 2),
    /^[1-9]\d{0,14}$/.test(q.field60) ? Number(q.field60) : q.field60,
    q.sealedPan,
    digits(q.expiry, 4),
    q.authCode === undefined ? null : digits(q.authCode, 6),
    q.originalRrn ?? null,
    q.field61 ?? null,
    original,
    tx.entryMode === 'fallback' ? 1 : null,
    q.amountFen === tx.amountFen ? null : q.amountFen,
    q.stan === tx.stan ? null : q.stan,
  ];
}

/**
 * `tx` with `request` in its place, copied field by field (optional fields only when present): a
 * spread with properties added or replaced takes V8's slow path and leaves an object every later
 * access pays for, on the commit path (the begin record, the state's copy of it).
 */
export function withRequest(tx: NewTransaction | StoredNewTransaction, request: StoredRequest): StoredNewTransaction {
  const copy: StoredNewTransaction = {
    type: tx.type,
    stan: tx.stan,
    voucherNo: tx.voucherNo,
    batchNo: tx.batchNo,
    amountFen: tx.amountFen,
    operator: tx.operator,
    reversible: tx.reversible,
    request,
  };
  if (tx.original !== undefined) copy.original = tx.original;
  if (tx.entryMode !== undefined) copy.entryMode = tx.entryMode;
  return copy;
}

export function decodeRecord(payload: Uint8Array): JournalRecord {
  const kind = KIND_CODES[payload[0]!];
  let body: unknown;
  try {
    body = cbor.decode(payload.subarray(1));
  } catch {
    throw new JournalError(`record of kind ${payload[0]} is not valid CBOR`);
  }
  if (kind === undefined || !Array.isArray(body)) throw new JournalError(`unknown record kind ${payload[0]}`);
  const f = new Fields(body, kind);
  switch (kind) {
    case 'counter':
      return { kind, counter: f.pick(0, COUNTER_NAMES), value: f.int(1) };
    case 'begin':
      return { kind, tx: decodeBegin(f, payload[0] === BEGIN_FORMAT_2_CODE ? FORMAT_2_BEGIN : FORMAT_3_BEGIN) };
    case 'approve': {
      const approval = { authCode: f.digits(1, 6), rrn: f.str(2), hostDate: f.digits(3, 4), hostTime: f.digits(4, 6) };
      const voidsStan = f.optional(5, () => f.int(5));
      return voidsStan === undefined ? { kind, stan: f.int(0), approval } : { kind, stan: f.int(0), approval, voidsStan };
    }
    case 'declined':
      return { kind, stan: f.int(0), responseCode: f.str(1) };
    case 'require-reversal':
      return { kind, stan: f.int(0), reason: f.pick(1, REVERSAL_REASONS) };
    case 'reversal-tried':
      return { kind, stan: f.int(0), tries: f.int(1) };
    case 'reversal-acked':
    case 'reversal-failed':
    case 'outcome-unknown':
    case 'printed':
      return { kind, stan: f.int(0) };
    case 'settle':
      return { kind, batchNo: f.int(0), nextBatch: f.int(1) };
  }
}

/**
 * Where a begin record's fields sit. Both layouts start STAN, type, voucher, batch, amount,
 * operator, reversible, MTI, F3, and run from F12 on in the same order (F12, F13, F22, F25, F60,
 * sealed PAN, expiry, auth code, original RRN, F61, original reference, entry mode); format 3 keeps
 * the request's amount and STAN at the end and may leave out the voucher and write F60 as a number.
 */
interface BeginLayout {
  requestAmount: number;
  requestStan: number;
  localTime: number;
  /** Format 3: voucher null = the STAN, F60 an integer when all digits. */
  compact: boolean;
}
const FORMAT_2_BEGIN: BeginLayout = { requestAmount: 9, requestStan: 10, localTime: 11, compact: false };
const FORMAT_3_BEGIN: BeginLayout = { requestAmount: 21, requestStan: 22, localTime: 9, compact: true };

function decodeBegin(f: Fields, layout: BeginLayout): StoredNewTransaction {
  const stan = f.int(0);
  const amountFen = f.int(4);
  const n = layout.localTime;
  const request: StoredRequest = {
    mti: f.digits(7, 4),
    processingCode: f.digits(8, 6),
    amountFen: f.optional(layout.requestAmount, () => f.int(layout.requestAmount)) ?? amountFen,
    stan: f.optional(layout.requestStan, () => f.int(layout.requestStan)) ?? stan,
    localTime: f.digits(n, 6),
    localDate: f.digits(n + 1, 4),
    entryMode: f.digits(n + 2, 3),
    conditionCode: f.digits(n + 3, 2),
    field60: layout.compact ? f.decimal(n + 4) : f.str(n + 4),
    sealedPan: f.bytes(n + 5),
    expiry: f.digits(n + 6, 4),
  };
  const authCode = f.optional(n + 7, () => f.digits(n + 7, 6));
  const originalRrn = f.optional(n + 8, () => f.str(n + 8));
  const field61 = f.optional(n + 9, () => f.str(n + 9));
  if (authCode !== undefined) request.authCode = authCode;
  if (originalRrn !== undefined) request.originalRrn = originalRrn;
  if (field61 !== undefined) request.field61 = field61;
  const tx: StoredNewTransaction = {
    type: f.pick(1, FINANCIAL_TYPES),
    stan,
    voucherNo: layout.compact ? (f.optional(2, () => f.int(2)) ?? stan) : f.int(2),
    batchNo: f.int(3),
    amountFen,
    operator: f.str(5),
    reversible: f.int(6) === 1,
    request,
  };
  const original = f.optional(n + 10, () => decodeOriginal(new Fields(f.array(n + 10), 'original reference')));
  if (original !== undefined) tx.original = original;
  if (f.optional(n + 11, () => f.int(n + 11)) === 1) tx.entryMode = 'fallback';
  return tx;
}

function decodeOriginal(f: Fields): OriginalReference {
  const out: OriginalReference = {};
  const voucherNo = f.optional(0, () => f.int(0));
  const batchNo = f.optional(1, () => f.int(1));
  const rrn = f.optional(2, () => f.str(2));
  const authCode = f.optional(3, () => f.str(3));
  const date = f.optional(4, () => f.digits(4, 4));
  if (voucherNo !== undefined) out.voucherNo = voucherNo;
  if (batchNo !== undefined) out.batchNo = batchNo;
  if (rrn !== undefined) out.rrn = rrn;
  if (authCode !== undefined) out.authCode = authCode;
  if (date !== undefined) out.date = date;
  return out;
}

/** A fixed-length digit string as an integer (smaller in CBOR); anything else stays a string. */
function digits(value: string, length: number): number | string {
  return value.length === length && /^\d+$/.test(value) ? Number(value) : value;
}

function trimNulls(values: unknown[]): unknown[] {
  while (values.length > 0 && values[values.length - 1] === null) values.pop();
  return values;
}

/** Positional access with type checks: a CRC-valid record of the wrong shape is a format error. */
class Fields {
  constructor(
    private readonly values: unknown[],
    private readonly what: string,
  ) {}
  private bad(index: number, expected: string): never {
    throw new JournalError(`${this.what} record: field ${index} is not ${expected}`);
  }
  optional<T>(index: number, read: () => T): T | undefined {
    const v = this.values[index];
    return v === undefined || v === null ? undefined : read();
  }
  int(index: number): number {
    const v = this.values[index];
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : this.bad(index, 'an integer');
  }
  str(index: number): string {
    const v = this.values[index];
    return typeof v === 'string' ? v : this.bad(index, 'a string');
  }
  digits(index: number, length: number): string {
    const v = this.values[index];
    if (typeof v === 'string') return v;
    return typeof v === 'number' && Number.isSafeInteger(v) ? String(v).padStart(length, '0') : this.bad(index, 'digits');
  }
  /** A digit string written as a positive integer (no leading zero), or the string itself. */
  decimal(index: number): string {
    const v = this.values[index];
    return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? String(v) : this.str(index);
  }
  bytes(index: number): Uint8Array {
    const v = this.values[index];
    return v instanceof Uint8Array ? new Uint8Array(v) : this.bad(index, 'bytes');
  }
  array(index: number): unknown[] {
    const v = this.values[index];
    return Array.isArray(v) ? v : this.bad(index, 'an array');
  }
  pick<T>(index: number, choices: readonly T[]): T {
    const v = choices[this.int(index)];
    return v === undefined ? this.bad(index, 'a known code') : v;
  }
}
