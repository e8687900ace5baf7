/**
 * The reversal journal's contract: what the transaction engine may ask of durable memory.
 * Every method that returns a Promise has made its change durable (programmed and synced) when it
 * resolves; a power cut before that leaves the journal as if the call had not been made, never half.
 * See FORMAT.md beside this file for the on-flash format and why every cut is safe.
 */

export type FinancialType =
  | 'sale'
  | 'void'
  | 'refund'
  | 'preauth'
  | 'preauth-void'
  | 'completion'
  | 'completion-void';

/** 98 no response · 96 approved but the terminal could not complete · A0 MAC failed · 06 other. */
export type ReversalReason = '98' | '96' | 'A0' | '06';

export type CounterName = 'stan' | 'voucher' | 'batch';

/** Everything a 0400 needs, copied from the original request. PAN is encrypted at rest. */
export interface ReversalData {
  mti: string;
  processingCode: string;
  amountFen: number;
  stan: number;
  /** hhmmss, MMDD of the original request (F12, F13). */
  localTime: string;
  localDate: string;
  /** F22, e.g. "022" (magstripe, no PIN) or "021" (with PIN). */
  entryMode: string;
  /** F25: "00" or "06". */
  conditionCode: string;
  /** F60 digits of the original request. */
  field60: string;
  pan: string;
  /** YYMM */
  expiry: string;
  /** F38 of the original request when it carried one (voids, completions). */
  authCode?: string;
  /** F37 / F61 of the original request when it carried them. */
  originalRrn?: string;
  field61?: string;
}

/** What the journal knows about the original of a void, refund or completion. */
export interface OriginalReference {
  voucherNo?: number;
  batchNo?: number;
  rrn?: string;
  authCode?: string;
  /** MMDD */
  date?: string;
}

/**
 * How the card was read: a plain swipe of a magstripe card, or a chip card swiped as a fallback
 * (F22 80x, 60.5 = 2; the setting chipCardSwipe allows it). Receipts print 刷卡 S / F from this.
 */
export type CardEntryMode = 'swipe' | 'fallback';

export interface NewTransaction {
  type: FinancialType;
  /** Absent on records written before fallback existed: a swipe. */
  entryMode?: CardEntryMode;
  stan: number;
  voucherNo: number;
  batchNo: number;
  amountFen: number;
  operator: string;
  /** Whether a missing response must be reversed (refund 0220 is not; its outcome is "unknown"). */
  reversible: boolean;
  request: ReversalData;
  original?: OriginalReference;
}

export interface Approval {
  authCode: string;
  rrn: string;
  /** MMDD and hhmmss from the host (F13, F12). */
  hostDate: string;
  hostTime: string;
}

export type TransactionStatus =
  /** Request durable; response not (yet) recorded. At boot this means: reverse with reason 98. */
  | 'pending'
  | 'approved'
  | 'declined'
  /** A reversal is owed (reason set); tries counts attempts so far. */
  | 'reversal-pending'
  | 'reversed'
  /** Tries ran out: printed slip, listed in the settlement report, manual handling. */
  | 'reversal-failed'
  /** A non-reversible request (refund) whose response never came: listed for manual checking. */
  | 'unknown';

export interface JournalTransaction extends NewTransaction {
  status: TransactionStatus;
  approval?: Approval;
  responseCode?: string;
  reversalReason?: ReversalReason;
  reversalTries: number;
  /** The receipt (merchant copy at least) finished printing. */
  printed: boolean;
  /** Set on the original when a void of it was approved: the void's voucher number. */
  voidedBy?: number;
}

export interface JournalCapacity {
  /** How many more transactions (each with its reversal) fit before settlement is required. */
  transactionsLeft: number;
}

export interface JournalView {
  counters: Record<CounterName, number>;
  /** Unsettled transactions of the current batch and live reversal records, oldest first. */
  transactions: readonly JournalTransaction[];
}

/** The journal cannot take one more transaction plus its reversal: settle first (请先结算). */
export class JournalFull extends Error {
  constructor(readonly transactionsLeft: number) {
    super('journal full: settle the batch before new transactions');
    this.name = 'JournalFull';
  }
}

/** The image is not a journal this code can read, or a record the caller named does not exist. */
export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

export interface Journal {
  view(): JournalView;
  capacity(): JournalCapacity;
  find(stan: number): JournalTransaction | undefined;
  /** Advances the counter on flash, then returns the new value (never one handed out before). */
  takeCounter(name: CounterName): Promise<number>;
  /** Moves a counter forward (e.g. batch no. from the host at sign-in); never backward. */
  raiseCounter(name: CounterName, atLeast: number): Promise<void>;
  /** R1: durable before the request is sent. Throws JournalFull when there is no room. */
  begin(tx: NewTransaction): Promise<void>;
  /** R2: approval recorded and the pending reversal cleared in one commit. */
  approve(stan: number, approval: Approval): Promise<void>;
  declined(stan: number, responseCode: string): Promise<void>;
  /** A reversal is owed for this transaction, with this reason. */
  requireReversal(stan: number, reason: ReversalReason): Promise<void>;
  reversalTried(stan: number, tries: number): Promise<void>;
  reversalAcked(stan: number): Promise<void>;
  reversalFailed(stan: number): Promise<void>;
  /** A non-reversible request's response never came. */
  outcomeUnknown(stan: number): Promise<void>;
  printed(stan: number): Promise<void>;
  /**
   * Frees every record of the batch (and of earlier batches); the batch counter moves on. A
   * transaction that still owes a reversal ('pending', 'reversal-pending') is kept: a pending
   * reversal is never lost; it goes with a later settlement once the reversal is done or failed.
   */
  settle(batchNo: number): Promise<void>;
  /**
   * Idle-time housekeeping: the flash work (garbage collection, erases, opening the next sector)
   * later calls would otherwise do while a customer waits. Changes nothing view() shows; a power
   * cut during it is as safe as one during any call. The shell runs it whenever the terminal waits
   * for the cashier.
   */
  housekeep(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What mount found that the on-flash format cannot account for (FORMAT.md, "Bit rot"). Power cuts
 * never produce findings; damage does. The terminal shows JOURNAL DAMAGED and waits for a
 * supervisor while `findings` is not empty.
 */
export interface JournalHealth {
  findings: string[];
  /** Counters mount moved ahead because records holding them may be lost (old values). */
  countersAdvanced: Partial<Record<CounterName, number>>;
}

