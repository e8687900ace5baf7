/** Builds receipts and slips as PrintJob data from journal records (layout is the printer driver's). */
import type { JournalTransaction, TransactionStatus } from '../journal/journal.js';
import type {
  BatchReportHeader,
  ReceiptCopy,
  ReversalFailedSlip,
  SettlementReport,
  TransactionList,
  TransactionReceipt,
} from '../drivers/printer/print-job.js';
import { cardOrganisation, ENTRY_MODE_CODES, entryModeOf } from './card-organisation.js';
import { maskPan } from '../security/pan-mask.js';
import { pad } from './iso-requests.js';
import type { TerminalSettings } from './settings.js';
import { batchTotals } from './settlement-totals.js';
import { TRANSACTION_KINDS } from './transaction-kinds.js';

/** The copies printed for a transaction, in order, given the configured number. */
export function receiptCopies(count: number): ReceiptCopy[] {
  return (['merchant', 'cardholder', 'bank'] as const).slice(0, Math.max(1, Math.min(3, count)));
}

export function formatDateTime(wall: Date): string {
  return (
    `${wall.getFullYear()}/${pad(wall.getMonth() + 1, 2)}/${pad(wall.getDate(), 2)} ` +
    `${pad(wall.getHours(), 2)}:${pad(wall.getMinutes(), 2)}:${pad(wall.getSeconds(), 2)}`
  );
}

/** Date/time of a transaction: the host's F13/F12 when approved, else the request's local time. */
function transactionDateTime(tx: JournalTransaction, year: number): string {
  const date = tx.approval?.hostDate ?? tx.request.localDate;
  const time = tx.approval?.hostTime ?? tx.request.localTime;
  return `${year}/${date.slice(0, 2)}/${date.slice(2, 4)} ${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}`;
}

function remarks(tx: JournalTransaction): string[] {
  const o = tx.original;
  if (!o) return [];
  switch (tx.type) {
    case 'void':
    case 'completion-void':
      return [`原凭证号 ORIG VOUCHER ${pad(o.voucherNo ?? 0, 6)}`];
    case 'refund':
      return [`原参考号 ORIG REF ${o.rrn ?? ''}`, `原交易日期 ORIG DATE ${o.date ?? ''}`];
    case 'preauth-void':
    case 'completion':
      return [`原授权码 ORIG AUTH ${o.authCode ?? ''}`, `原交易日期 ORIG DATE ${o.date ?? ''}`];
    default:
      return [];
  }
}

export function transactionReceipt(
  tx: JournalTransaction,
  copy: ReceiptCopy,
  reprint: boolean,
  settings: TerminalSettings,
  wall: Date,
): TransactionReceipt {
  const expiry = tx.request.expiry;
  return {
    kind: 'transaction',
    copy,
    reprint,
    merchantName: settings.merchantName,
    merchantNo: settings.merchantNo,
    terminalId: settings.terminalId,
    operator: tx.operator,
    issuer: settings.issuerName,
    acquirer: settings.acquirerName,
    maskedPan: maskPan(tx.request.pan),
    cardOrganisation: cardOrganisation(tx.request.pan),
    entryMode: entryModeText(tx),
    expiry: `${expiry.slice(0, 2)}/${expiry.slice(2, 4)}`,
    transactionType: TRANSACTION_KINDS[tx.type].receiptName,
    batchNo: pad(tx.batchNo, 6),
    voucherNo: pad(tx.voucherNo, 6),
    authCode: tx.approval?.authCode ?? '',
    referenceNo: tx.approval?.rrn ?? '',
    dateTime: transactionDateTime(tx, wall.getFullYear()),
    amountFen: tx.amountFen,
    remarks: remarks(tx),
    signatureLine: copy === 'merchant',
  };
}

/** '刷卡 S' or '降级 F'. */
function entryModeText(tx: JournalTransaction): string {
  const mode = ENTRY_MODE_CODES[entryModeOf(tx)];
  return `${mode.zh} ${mode.code}`;
}

const LIST_STATUS: Record<TransactionStatus, { zh: string; en: string }> = {
  approved: { zh: '成功', en: 'OK' },
  declined: { zh: '拒绝', en: 'DECLINED' },
  pending: { zh: '未完成', en: 'PENDING' },
  'reversal-pending': { zh: '待冲正', en: 'TO REVERSE' },
  reversed: { zh: '已冲正', en: 'REVERSED' },
  'reversal-failed': { zh: '冲正失败', en: 'REV FAILED' },
  unknown: { zh: '未知', en: 'UNKNOWN' },
};

interface BatchReportInput {
  transactions: readonly JournalTransaction[];
  batchNo: number;
  operator: string;
  settings: TerminalSettings;
  wall: Date;
}

function batchReportHeader(p: BatchReportInput): BatchReportHeader {
  return {
    merchantName: p.settings.merchantName,
    merchantNo: p.settings.merchantNo,
    terminalId: p.settings.terminalId,
    operator: p.operator,
    batchNo: pad(p.batchNo, 6),
    dateTime: formatDateTime(p.wall),
  };
}

/** 交易明细 of the records given, oldest first. */
export function transactionList(p: BatchReportInput): TransactionList {
  return {
    kind: 'transaction-list',
    ...batchReportHeader(p),
    rows: p.transactions.map((tx) => ({
      voucherNo: pad(tx.voucherNo, 6),
      transactionType: TRANSACTION_KINDS[tx.type].receiptName,
      maskedPan: maskPan(tx.request.pan),
      card: `${cardOrganisation(tx.request.pan)} ${ENTRY_MODE_CODES[entryModeOf(tx)].code}`,
      amountFen: tx.amountFen,
      status: tx.voidedBy !== undefined ? { zh: '已撤销', en: 'VOIDED' } : LIST_STATUS[tx.status],
    })),
  };
}

export function reversalFailedSlip(tx: JournalTransaction, settings: TerminalSettings, wall: Date): ReversalFailedSlip {
  return {
    kind: 'reversal-failed',
    merchantName: settings.merchantName,
    merchantNo: settings.merchantNo,
    terminalId: settings.terminalId,
    maskedPan: maskPan(tx.request.pan),
    transactionType: TRANSACTION_KINDS[tx.type].receiptName,
    batchNo: pad(tx.batchNo, 6),
    voucherNo: pad(tx.voucherNo, 6),
    dateTime: transactionDateTime(tx, wall.getFullYear()),
    amountFen: tx.amountFen,
    reasonCode: tx.reversalReason ?? '98',
  };
}

export function settlementReport(p: BatchReportInput & { balanced: boolean }): SettlementReport {
  const totals = batchTotals(p.transactions);
  const both = (k: 'debitFen' | 'debitCount' | 'creditFen' | 'creditCount') => totals.domestic[k] + totals.foreign[k];
  return {
    kind: 'settlement',
    reprint: false,
    ...batchReportHeader(p),
    rows: [
      { type: { zh: '内卡借记', en: 'DOMESTIC DEBIT' }, count: totals.domestic.debitCount, amountFen: totals.domestic.debitFen },
      { type: { zh: '内卡贷记', en: 'DOMESTIC CREDIT' }, count: totals.domestic.creditCount, amountFen: totals.domestic.creditFen },
      { type: { zh: '外卡借记', en: 'FOREIGN DEBIT' }, count: totals.foreign.debitCount, amountFen: totals.foreign.debitFen },
      { type: { zh: '外卡贷记', en: 'FOREIGN CREDIT' }, count: totals.foreign.creditCount, amountFen: totals.foreign.creditFen },
      { type: { zh: '合计借记', en: 'TOTAL DEBIT' }, count: both('debitCount'), amountFen: both('debitFen') },
      { type: { zh: '合计贷记', en: 'TOTAL CREDIT' }, count: both('creditCount'), amountFen: both('creditFen') },
    ],
    balanced: p.balanced,
    failedReversals: p.transactions
      .filter((tx) => tx.status === 'reversal-failed')
      .map((tx) => ({
        voucherNo: pad(tx.voucherNo, 6),
        maskedPan: maskPan(tx.request.pan),
        amountFen: tx.amountFen,
        reasonCode: tx.reversalReason ?? '98',
      })),
  };
}
