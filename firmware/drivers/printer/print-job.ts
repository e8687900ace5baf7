/**
 * What the engine hands the printer: receipt data, not layout. The printer driver lays it out
 * (32 columns / 384 dots at 58 mm, Chinese included) for whichever backend it drives.
 * Amounts are integer fen; PANs arrive masked (first 6 + last 4) and nothing else card-related does.
 */
export type ReceiptCopy = 'merchant' | 'cardholder' | 'bank';

export interface TransactionReceipt {
  kind: 'transaction';
  copy: ReceiptCopy;
  /** Prints 重打印 REPRINT. */
  reprint: boolean;
  merchantName: string;
  merchantNo: string;
  terminalId: string;
  operator: string;
  issuer: string;
  acquirer: string;
  maskedPan: string;
  /** Card organisation from the BIN: CUP, VISA, MC, ... (printed when given). */
  cardOrganisation?: string;
  /** How the card was read, e.g. '刷卡 S' (swipe) or '降级 F' (fallback) (printed when given). */
  entryMode?: string;
  /** YY/MM */
  expiry: string;
  /** e.g. { zh: '消费', en: 'SALE' } */
  transactionType: { zh: string; en: string };
  batchNo: string;
  voucherNo: string;
  authCode: string;
  referenceNo: string;
  /** YYYY/MM/DD hh:mm:ss */
  dateTime: string;
  amountFen: number;
  /** Original voucher for voids, original reference/date for refunds. */
  remarks: string[];
  /** The cardholder signs the merchant copy. */
  signatureLine: boolean;
}

/** Printed when a reversal ran out of tries: 冲正不成功 请人工处理. */
export interface ReversalFailedSlip {
  kind: 'reversal-failed';
  merchantName: string;
  merchantNo: string;
  terminalId: string;
  maskedPan: string;
  transactionType: { zh: string; en: string };
  batchNo: string;
  voucherNo: string;
  dateTime: string;
  amountFen: number;
  reasonCode: string;
}

/** The head of a batch report (settlement report, transaction list). */
export interface BatchReportHeader {
  merchantName: string;
  merchantNo: string;
  terminalId: string;
  operator: string;
  batchNo: string;
  dateTime: string;
}

export interface SettlementReport extends BatchReportHeader {
  kind: 'settlement';
  reprint: boolean;
  rows: { type: { zh: string; en: string }; count: number; amountFen: number }[];
  /** true when the host's totals matched the terminal's. */
  balanced: boolean;
  /** Reversals that ran out of tries: each needs manual handling. */
  failedReversals: { voucherNo: string; maskedPan: string; amountFen: number; reasonCode: string }[];
}

/** 交易明细: the batch's records, one entry each, as counter terminals print them from the menu. */
export interface TransactionList extends BatchReportHeader {
  kind: 'transaction-list';
  rows: {
    voucherNo: string;
    transactionType: { zh: string; en: string };
    maskedPan: string;
    /** e.g. 'CUP S' */
    card: string;
    amountFen: number;
    /** e.g. { zh: '成功', en: 'OK' } */
    status: { zh: string; en: string };
  }[];
}

export type PrintJob = TransactionReceipt | ReversalFailedSlip | SettlementReport | TransactionList;

export type PrintOutcome =
  | { ok: true }
  | { ok: false; reason: 'paper-out' | 'offline' | 'overheat'; linesPrinted: number };

/** A printer as the engine sees it. `print` resolves when the job is fully printed or failed. */
export interface ReceiptPrinter {
  print(job: PrintJob): Promise<PrintOutcome>;
  paperPresent(): Promise<boolean>;
}
