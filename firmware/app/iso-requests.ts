/**
 * Builds the ISO 8583 requests the terminal sends (CUP POS dialect, cup-pos.md), as IsoMessage data.
 * F64 is added by the shell (MAC), F52 by the shell from the PIN (memory only).
 */
import type { CardRead } from '../drivers/magstripe/card-read.js';
import { formatField60 } from '../iso8583/field60.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { FinancialType, JournalTransaction, OriginalReference, ReversalData, ReversalReason } from '../journal/journal.js';
import { icConditionCode, posEntryMode, READ_CAPABILITY_MAGSTRIPE, type CardEntryMode } from './card-entry.js';
import type { TerminalSettings } from './settings.js';
import { TRANSACTION_KINDS } from './transaction-kinds.js';

export const CURRENCY_CNY = '156';
/**
 * F53 = PIN format (2 ANSI X9.8, 0 none) | algorithm (6 double-length 3DES) | track encryption
 * (1 = tracks encrypted under the TDK, key mode 004) | 13 zeros. undefined when there is nothing
 * to say (no PIN, tracks in the clear).
 */
export function securityControl(withPin: boolean, tracksEncrypted: boolean): string | undefined {
  if (!withPin && !tracksEncrypted) return undefined;
  return (withPin ? '2' : '0') + '6' + (tracksEncrypted ? '1' : '0') + '0000000000000';
}

/** Card-present fields that depend on the key mode: F53, and whether the shell must encrypt F35/F36. */
function cardSecurity(fields: IsoMessage['fields'], withPin: boolean, settings: TerminalSettings): void {
  if (withPin) fields[26] = '12';
  const f53 = securityControl(withPin, settings.keyMode === '004');
  if (f53 !== undefined) fields[53] = f53;
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function amountField(fen: number): string {
  return pad(fen, 12);
}

/** 60.1-60.3 only: sign-in, sign-off, echo, batch upload. */
function field60(messageType: string, batchNo: number, networkCode: string): string {
  return formatField60({ transactionType: messageType, batchNumber: pad(batchNo, 6), networkCode });
}

/**
 * Financial, balance and settlement F60: 60.1-60.3, 60.4 read capability (2, magstripe) and 60.5 IC
 * condition (0, or 2 for a fallback swipe); 60.6 = 0 (no partial approval) where a card is charged
 * or asked for its balance (DIALECT.md).
 */
export function cardField60(messageType: string, batchNo: number, networkCode: string, entry: CardEntryMode, partialFlag: boolean): string {
  return formatField60({
    transactionType: messageType,
    batchNumber: pad(batchNo, 6),
    networkCode,
    terminalCapability: READ_CAPABILITY_MAGSTRIPE,
    icCondition: icConditionCode(entry),
    ...(partialFlag ? { partialApproval: '0' } : {}),
  });
}

/** Transaction types whose F60 carries 60.6 (sale, pre-auth, balance: where an amount is asked of the card). */
const PARTIAL_FLAG_TYPES = new Set(['22', '10', '01']);

/** hhmmss and MMDD of a wall-clock time (the terminal's local time zone is the wall clock's). */
export function localTimeAndDate(wall: Date): { time: string; date: string } {
  return {
    time: pad(wall.getHours(), 2) + pad(wall.getMinutes(), 2) + pad(wall.getSeconds(), 2),
    date: pad(wall.getMonth() + 1, 2) + pad(wall.getDate(), 2),
  };
}

export interface FinancialRequestInput {
  type: FinancialType;
  amountFen: number;
  stan: number;
  batchNo: number;
  card: CardRead;
  /** Plain swipe, or a chip card sent as a fallback (card-entry.ts). */
  entry: CardEntryMode;
  withPin: boolean;
  original?: OriginalReference;
  settings: TerminalSettings;
  wall: Date;
}

function field61(type: FinancialType, original: OriginalReference | undefined): string | undefined {
  if (!original) return undefined;
  const batchTrace = pad(original.batchNo ?? 0, 6) + pad(original.voucherNo ?? 0, 6);
  switch (type) {
    case 'void':
    case 'completion-void':
      return batchTrace;
    case 'refund':
    case 'preauth-void':
    case 'completion':
      return batchTrace + (original.date ?? '0000');
    default:
      return undefined;
  }
}

/** The request and the data its reversal would need (kept in the journal before sending, R1). */
export function buildFinancialRequest(input: FinancialRequestInput): { message: IsoMessage; reversal: ReversalData } {
  const kind = TRANSACTION_KINDS[input.type];
  const { time, date } = localTimeAndDate(input.wall);
  const entryMode = posEntryMode(input.entry, input.withPin);
  const f60 = cardField60(kind.messageType, input.batchNo, '000', input.entry, PARTIAL_FLAG_TYPES.has(kind.messageType));
  const f61 = field61(input.type, input.original);
  const fields: IsoMessage['fields'] = {
    2: input.card.pan,
    3: kind.processingCode,
    4: amountField(input.amountFen),
    11: pad(input.stan, 6),
    14: input.card.expiry,
    22: entryMode,
    25: kind.conditionCode,
    35: input.card.track2,
    41: input.settings.terminalId,
    42: input.settings.merchantNo,
    49: CURRENCY_CNY,
    60: f60,
  };
  if (input.card.track3 !== undefined) fields[36] = input.card.track3;
  cardSecurity(fields, input.withPin, input.settings);
  if (input.original?.rrn !== undefined) fields[37] = input.original.rrn;
  if (input.original?.authCode !== undefined) fields[38] = input.original.authCode;
  if (f61 !== undefined) fields[61] = f61;
  const reversal: ReversalData = {
    mti: kind.mti,
    processingCode: kind.processingCode,
    amountFen: input.amountFen,
    stan: input.stan,
    localTime: time,
    localDate: date,
    entryMode,
    conditionCode: kind.conditionCode,
    field60: f60,
    pan: input.card.pan,
    expiry: input.card.expiry,
    ...(input.original?.authCode !== undefined ? { authCode: input.original.authCode } : {}),
    ...(input.original?.rrn !== undefined ? { originalRrn: input.original.rrn } : {}),
    ...(f61 !== undefined ? { field61: f61 } : {}),
  };
  return { message: { mti: kind.mti, fields }, reversal };
}

/**
 * The 0400 for a journal record: the original's fields (no track, no PIN) and the reason in F39.
 * A void's reversal does not carry F37 (CUP practice; DIALECT.md): the original is named by F61.
 */
export function buildReversal(tx: JournalTransaction, reason: ReversalReason, settings: TerminalSettings): IsoMessage {
  const r = tx.request;
  const fields: IsoMessage['fields'] = {
    2: r.pan,
    3: r.processingCode,
    4: amountField(r.amountFen),
    11: pad(r.stan, 6),
    14: r.expiry,
    22: r.entryMode,
    25: r.conditionCode,
    39: reason,
    41: settings.terminalId,
    42: settings.merchantNo,
    49: CURRENCY_CNY,
    60: r.field60,
  };
  const isVoid = TRANSACTION_KINDS[tx.type].voids !== undefined;
  if (r.originalRrn !== undefined && !isVoid) fields[37] = r.originalRrn;
  if (r.authCode !== undefined) fields[38] = r.authCode;
  if (r.field61 !== undefined) fields[61] = r.field61;
  return { mti: '0400', fields };
}

export function buildBalanceInquiry(p: {
  stan: number;
  batchNo: number;
  card: CardRead;
  entry: CardEntryMode;
  withPin: boolean;
  settings: TerminalSettings;
}): IsoMessage {
  const fields: IsoMessage['fields'] = {
    2: p.card.pan,
    3: '310000',
    11: pad(p.stan, 6),
    14: p.card.expiry,
    22: posEntryMode(p.entry, p.withPin),
    25: '00',
    35: p.card.track2,
    41: p.settings.terminalId,
    42: p.settings.merchantNo,
    49: CURRENCY_CNY,
    60: cardField60('01', p.batchNo, '000', p.entry, true),
  };
  if (p.card.track3 !== undefined) fields[36] = p.card.track3;
  cardSecurity(fields, p.withPin, p.settings);
  return { mti: '0200', fields };
}

/** F63 operator field: the operator number left-aligned in 3 characters. */
function operatorField(operator: string): string {
  return operator.padEnd(3, ' ');
}

export function buildSignIn(p: { stan: number; batchNo: number; operator: string; settings: TerminalSettings }): IsoMessage {
  return {
    mti: '0800',
    fields: {
      11: pad(p.stan, 6),
      41: p.settings.terminalId,
      42: p.settings.merchantNo,
      60: field60('00', p.batchNo, p.settings.keyMode),
      63: operatorField(p.operator),
    },
  };
}

/** Sign-off (60.3 = 002) or echo test (301), both 0820. */
export function buildNetworkManagement(p: { stan: number; batchNo: number; code: '002' | '301'; settings: TerminalSettings }): IsoMessage {
  return {
    mti: '0820',
    fields: {
      11: pad(p.stan, 6),
      41: p.settings.terminalId,
      42: p.settings.merchantNo,
      60: field60('00', p.batchNo, p.code),
    },
  };
}

export function buildSettlement(p: { stan: number; batchNo: number; operator: string; field48: string; settings: TerminalSettings }): IsoMessage {
  return {
    mti: '0500',
    fields: {
      11: pad(p.stan, 6),
      41: p.settings.terminalId,
      42: p.settings.merchantNo,
      48: p.field48,
      49: CURRENCY_CNY,
      60: cardField60('00', p.batchNo, '201', 'swipe', false),
      63: operatorField(p.operator),
    },
  };
}

/**
 * Batch upload (0320, no MAC): records (F48) with 60.3 = 201; then the end message, 60.3 = 202
 * (magstripe batch), whose F48 is the number of records uploaded, n4 (DIALECT.md).
 */
export function buildBatchUpload(
  p: { stan: number; batchNo: number; settings: TerminalSettings } & ({ records: string } | { uploadedCount: number }),
): IsoMessage {
  const end = 'uploadedCount' in p;
  return {
    mti: '0320',
    fields: {
      11: pad(p.stan, 6),
      41: p.settings.terminalId,
      42: p.settings.merchantNo,
      48: end ? pad(p.uploadedCount, 4) : p.records,
      60: field60('00', p.batchNo, end ? BATCH_UPLOAD_END : '201'),
    },
  };
}

/** 60.3 of the batch-upload end: 202 after magstripe records (207 would close an IC batch). */
export const BATCH_UPLOAD_END = '202';
