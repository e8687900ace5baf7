import type { CardAccount } from './card-file.js';
import type { IssuerLedger, LedgerEntry, LedgerOperation } from './issuer-ledger.js';

/**
 * The issuer side of the simulator: card checks and the money rules of every financial
 * transaction, posting to the ledger. It knows nothing of wire formats, MACs or keys.
 */

/** Outcome of the PIN check the acquirer did with the terminal's PIK. */
export type PinCheck = 'ok' | 'wrong' | 'absent';

export interface FinancialRequest {
  operation: LedgerOperation;
  terminalId: string;
  merchantId: string;
  batch: string;
  stan: string;
  pan: string;
  amountFen: number;
  pin: PinCheck;
  /** F38 of the request: the pre-auth code for completions and pre-auth voids. */
  authCode?: string;
  /** F37 of the request: the original's RRN for voids and refunds. */
  originalRrn?: string;
  /** 61.1 + 61.2: the original's batch and trace for voids. */
  originalBatch?: string;
  originalTrace?: string;
}

/** One financial request as the issuer answered it. */
export interface TransactionRecord {
  readonly operation: LedgerOperation;
  readonly terminalId: string;
  readonly merchantId: string;
  readonly batch: string;
  readonly stan: string;
  readonly pan: string;
  readonly amountFen: number;
  readonly responseCode: string;
  readonly rrn: string;
  readonly authCode: string;
  readonly entries: LedgerEntry[];
  /** The sale / pre-auth / completion a void, refund or completion refers to. */
  readonly original?: TransactionRecord;
  reversed: boolean;
  voided: boolean;
  /** A pre-auth that a completion has used. */
  completed: boolean;
  refundedFen: number;
}

export interface IssuerIds {
  nextRrn(): string;
  nextAuthCode(): string;
}

/** How far a completion may exceed its pre-authorisation (CUP allows 115 %). */
const COMPLETION_TOLERANCE = 1.15;

export class Issuer {
  private readonly cards = new Map<string, CardAccount>();
  /** terminal/batch/stan -> record */
  private readonly byTrace = new Map<string, TransactionRecord>();
  private readonly byRrn = new Map<string, TransactionRecord>();
  private readonly records: TransactionRecord[] = [];

  constructor(
    cards: readonly CardAccount[],
    readonly ledger: IssuerLedger,
    private readonly ids: IssuerIds,
    private readonly now: () => Date,
  ) {
    for (const card of cards) {
      this.cards.set(card.pan, card);
      ledger.openAccount(card.pan, card.balanceFen);
    }
  }

  card(pan: string): CardAccount | undefined {
    return this.cards.get(pan);
  }

  /** The response code a card gets before any money rule: 14, 41, 43, 54, 55 or undefined (fine). */
  checkCard(pan: string, pin: PinCheck): string | undefined {
    const card = this.cards.get(pan);
    if (!card) return '14';
    if (card.status === 'lost') return '41';
    if (card.status === 'stolen') return '43';
    if (card.status === 'expired' || card.expiry < yymm(this.now())) return '54';
    if (pin === 'wrong') return '55';
    return undefined;
  }

  /** Available balance for a balance inquiry, or the decline code. */
  balance(pan: string, pin: PinCheck): { code: string; availableFen?: number } {
    const declined = this.checkCard(pan, pin);
    if (declined) return { code: declined };
    return { code: '00', availableFen: this.ledger.availableFen(pan) };
  }

  /** Applies (or declines) a financial request; the record is kept either way for reversals and settlement. */
  authorize(req: FinancialRequest): TransactionRecord {
    const decision = this.decide(req);
    const approved = decision.code === '00';
    const record: TransactionRecord = {
      operation: req.operation,
      terminalId: req.terminalId,
      merchantId: req.merchantId,
      batch: req.batch,
      stan: req.stan,
      pan: req.pan,
      amountFen: req.amountFen,
      responseCode: decision.code,
      rrn: this.ids.nextRrn(),
      authCode: approved ? (req.operation === 'completion' || req.operation === 'preauth-void' ? req.authCode ?? '' : this.ids.nextAuthCode()) : '',
      entries: [],
      original: decision.original,
      reversed: false,
      voided: false,
      completed: false,
      refundedFen: 0,
    };
    if (approved) this.apply(record);
    this.records.push(record);
    this.byTrace.set(traceKey(req.terminalId, req.batch, req.stan), record);
    if (approved) this.byRrn.set(record.rrn, record);
    return record;
  }

  /**
   * Undoes the transaction with this trace. Idempotent: an original already reversed, or declined
   * (nothing to undo), answers 00; no original answers 25.
   */
  reverse(terminalId: string, batch: string, stan: string): string {
    const record = this.byTrace.get(traceKey(terminalId, batch, stan));
    if (!record) return '25';
    if (record.reversed) return '00';
    record.reversed = true;
    if (record.responseCode !== '00') return '00';
    for (const entry of record.entries) this.ledger.reverse(entry);
    const original = record.original;
    if (original) {
      if (record.operation === 'void' || record.operation === 'completion-void' || record.operation === 'preauth-void') {
        setVoided(original, false);
      } else if (record.operation === 'completion') {
        original.completed = false;
      } else if (record.operation === 'refund') {
        original.refundedFen -= record.amountFen;
      }
    }
    return '00';
  }

  /** Every record in arrival order, for the books file. */
  exportRecords(): readonly TransactionRecord[] {
    return this.records;
  }

  /** Continues from stored records (their entries must be the ledger's own entry objects). */
  importRecords(records: readonly TransactionRecord[]): void {
    this.records.length = 0;
    this.byTrace.clear();
    this.byRrn.clear();
    for (const record of records) {
      this.records.push(record);
      this.byTrace.set(traceKey(record.terminalId, record.batch, record.stan), record);
      if (record.responseCode === '00') this.byRrn.set(record.rrn, record);
    }
  }

  /** Every record of a terminal's batch, in arrival order. */
  batchRecords(terminalId: string, batch: string): TransactionRecord[] {
    return this.records.filter((r) => r.terminalId === terminalId && r.batch === batch);
  }

  hasTrace(terminalId: string, batch: string, stan: string): boolean {
    return this.byTrace.has(traceKey(terminalId, batch, stan));
  }

  private decide(req: FinancialRequest): { code: string; original?: TransactionRecord } {
    const declined = this.checkCard(req.pan, req.pin);
    if (declined) return { code: declined };
    const card = this.cards.get(req.pan)!;
    if (!Number.isSafeInteger(req.amountFen) || req.amountFen <= 0) return { code: '13' };
    switch (req.operation) {
      case 'sale':
      case 'preauth':
        return { code: this.fundsCode(card, req.amountFen) };
      case 'void':
      case 'completion-void': {
        const wanted = req.operation === 'void' ? 'sale' : 'completion';
        const original = this.findOriginalByTrace(req, wanted);
        if (!original) return { code: '25' };
        if (original.voided) return { code: '12' };
        if (original.amountFen !== req.amountFen) return { code: '64', original };
        return { code: '00', original };
      }
      case 'refund': {
        const original = req.originalRrn ? this.byRrn.get(req.originalRrn) : undefined;
        if (!original || original.pan !== req.pan || original.reversed || (original.operation !== 'sale' && original.operation !== 'completion')) {
          return { code: '25' };
        }
        if (req.amountFen > original.amountFen - original.refundedFen) return { code: '64', original };
        return { code: '00', original };
      }
      case 'completion':
      case 'preauth-void': {
        const preauth = this.findPreauth(req);
        if (!preauth) return { code: '25' };
        if (preauth.voided || preauth.completed) return { code: '12' };
        if (req.operation === 'preauth-void' && req.amountFen !== preauth.amountFen) return { code: '64', original: preauth };
        if (req.operation === 'completion' && req.amountFen > Math.floor(preauth.amountFen * COMPLETION_TOLERANCE)) {
          return { code: '64', original: preauth };
        }
        if (req.operation === 'completion' && req.amountFen > preauth.amountFen) {
          const extra = req.amountFen - preauth.amountFen;
          if (this.ledger.availableFen(req.pan) < extra) return { code: '51', original: preauth };
        }
        return { code: '00', original: preauth };
      }
    }
  }

  private fundsCode(card: CardAccount, amountFen: number): string {
    if (card.limitFen !== undefined && amountFen > card.limitFen) return '61';
    if (this.ledger.availableFen(card.pan) < amountFen) return '51';
    return '00';
  }

  private findOriginalByTrace(req: FinancialRequest, operation: LedgerOperation): TransactionRecord | undefined {
    const byTrace =
      req.originalTrace !== undefined ? this.byTrace.get(traceKey(req.terminalId, req.originalBatch ?? req.batch, req.originalTrace)) : undefined;
    const original = byTrace ?? (req.originalRrn ? this.byRrn.get(req.originalRrn) : undefined);
    if (!original || original.operation !== operation || original.responseCode !== '00' || original.reversed) return undefined;
    if (original.pan !== req.pan || original.terminalId !== req.terminalId) return undefined;
    return original;
  }

  private findPreauth(req: FinancialRequest): TransactionRecord | undefined {
    if (!req.authCode) return undefined;
    return this.records.find(
      (r) => r.operation === 'preauth' && r.responseCode === '00' && !r.reversed && r.authCode === req.authCode && r.pan === req.pan,
    );
  }

  private apply(record: TransactionRecord): void {
    const post = (effect: LedgerEntry['effect'], amountFen: number) =>
      record.entries.push(
        this.ledger.post({
          pan: record.pan,
          effect,
          operation: record.operation,
          amountFen,
          terminalId: record.terminalId,
          merchantId: record.merchantId,
          batch: record.batch,
          stan: record.stan,
          rrn: record.rrn,
          authCode: record.authCode,
        }),
      );
    const original = record.original;
    switch (record.operation) {
      case 'sale':
        post('debit', record.amountFen);
        break;
      case 'preauth':
        post('hold', record.amountFen);
        break;
      case 'void':
      case 'completion-void':
        post('credit', record.amountFen);
        setVoided(original!, true);
        break;
      case 'refund':
        post('credit', record.amountFen);
        original!.refundedFen += record.amountFen;
        break;
      case 'preauth-void':
        post('release', original!.amountFen);
        setVoided(original!, true);
        break;
      case 'completion':
        post('release', original!.amountFen);
        post('debit', record.amountFen);
        original!.completed = true;
        break;
    }
  }
}

function setVoided(record: TransactionRecord, voided: boolean): void {
  record.voided = voided;
  for (const e of record.entries) e.voided = voided;
}

function traceKey(terminalId: string, batch: string, stan: string): string {
  return `${terminalId}/${batch}/${stan}`;
}

function yymm(d: Date): string {
  return String(d.getFullYear() % 100).padStart(2, '0') + String(d.getMonth() + 1).padStart(2, '0');
}
