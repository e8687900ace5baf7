/**
 * Builds the ISO 8583 requests the terminal sends (CUP POS dialect, cup-pos.md), as IsoMessage data.
 * F64 is added by the shell (MAC), F52 by the shell from the PIN (memory only).
 */
import type { CardRead } from '../drivers/magstripe/card-read.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { FinancialType, JournalTransaction, OriginalReference, ReversalData, ReversalReason } from '../journal/journal.js';
import type { TerminalSettings } from './settings.js';
import { TRANSACTION_KINDS } from './transaction-kinds.js';

export const CURRENCY_CNY = '156';
/** F53: PIN format 2 (ANSI X9.8), double-length key (6), no track encryption. */
export const SECURITY_CONTROL_WITH_PIN = '2600000000000000';

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function amountField(fen: number): string {
  return pad(fen, 12);
}

function field60(messageType: string, batchNo: number, networkCode: string): string {
  return messageType + pad(batchNo, 6) + networkCode;
}

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
  const entryMode = input.withPin ? '021' : '022';
  const f60 = field60(kind.messageType, input.batchNo, '000');
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
  if (input.withPin) {
    fields[26] = '12';
    fields[53] = SECURITY_CONTROL_WITH_PIN;
  }
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

/** The 0400 for a journal record: the original's fields (no track, no PIN) and the reason in F39. */
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
  if (r.originalRrn !== undefined) fields[37] = r.originalRrn;
  if (r.authCode !== undefined) fields[38] = r.authCode;
  if (r.field61 !== undefined) fields[61] = r.field61;
  return { mti: '0400', fields };
}

export function buildBalanceInquiry(p: { stan: number; batchNo: number; card: CardRead; withPin: boolean; settings: TerminalSettings }): IsoMessage {
  const fields: IsoMessage['fields'] = {
    2: p.card.pan,
    3: '310000',
    11: pad(p.stan, 6),
    14: p.card.expiry,
    22: p.withPin ? '021' : '022',
    25: '00',
    35: p.card.track2,
    41: p.settings.terminalId,
    42: p.settings.merchantNo,
    49: CURRENCY_CNY,
    60: field60('01', p.batchNo, '000'),
  };
  if (p.card.track3 !== undefined) fields[36] = p.card.track3;
  if (p.withPin) {
    fields[26] = '12';
    fields[53] = SECURITY_CONTROL_WITH_PIN;
  }
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
      60: field60('00', p.batchNo, '201'),
      63: operatorField(p.operator),
    },
  };
}

/** Batch upload: records (F48) with 60.3 = 201, then the closing message, without records, with 202. */
export function buildBatchUpload(p: { stan: number; batchNo: number; field48?: string; settings: TerminalSettings }): IsoMessage {
  const fields: IsoMessage['fields'] = {
    11: pad(p.stan, 6),
    41: p.settings.terminalId,
    42: p.settings.merchantNo,
    60: field60('00', p.batchNo, p.field48 === undefined ? '202' : '201'),
  };
  if (p.field48 !== undefined) fields[48] = p.field48;
  return { mti: '0320', fields };
}
