import { maskPan } from '../../firmware/security/pan-mask.js';

/**
 * The simulated issuer's books: every movement on every account, with the STAN, RRN, terminal and
 * batch that caused it, and whether it was later reversed (冲正) or voided (撤销). Tests prove "no
 * 单边帐" against it: nothing may stand here that the terminal does not hold as approved.
 */

export type LedgerOperation = 'sale' | 'void' | 'refund' | 'preauth' | 'preauth-void' | 'completion' | 'completion-void';

/** debit/credit move the balance; hold/release move the amount held by pre-authorisations. */
export type LedgerEffect = 'debit' | 'credit' | 'hold' | 'release';

export interface LedgerEntry {
  readonly seq: number;
  readonly maskedPan: string;
  readonly effect: LedgerEffect;
  readonly operation: LedgerOperation;
  readonly amountFen: number;
  readonly terminalId: string;
  readonly merchantId: string;
  readonly batch: string;
  readonly stan: string;
  readonly rrn: string;
  readonly authCode: string;
  /** Undone by a successful 0400. */
  reversed: boolean;
  /** Cancelled by a void / pre-auth void / completion void (which is its own entry). */
  voided: boolean;
}

export interface PostInput {
  pan: string;
  effect: LedgerEffect;
  operation: LedgerOperation;
  amountFen: number;
  terminalId: string;
  merchantId: string;
  batch: string;
  stan: string;
  rrn: string;
  authCode: string;
}

/** A transaction the terminal holds as approved, identified as the host saw it. */
export interface TerminalApproval {
  batch: string;
  stan: string;
}

export interface OneSidedReport {
  /** Standing at the issuer, unknown to the terminal: the 单边帐 the product must never leave. */
  oneSided: LedgerEntry[];
  /** Approved on the terminal, but nothing stands at the issuer (reversed or never applied). */
  missingAtIssuer: TerminalApproval[];
}

/** The ledger as stored: accounts and entries with the account (PAN) each belongs to. */
export interface LedgerState {
  accounts: { pan: string; balanceFen: number; heldFen: number }[];
  entries: { entry: LedgerEntry; pan: string }[];
}

interface Account {
  balanceFen: number;
  heldFen: number;
}

export class LedgerError extends Error {
  constructor(detail: string) {
    super(`ledger: ${detail}`);
    this.name = 'LedgerError';
  }
}

export class IssuerLedger {
  private readonly accounts = new Map<string, Account>();
  private readonly all: LedgerEntry[] = [];
  private readonly panOf = new Map<number, string>();

  openAccount(pan: string, balanceFen: number): void {
    this.accounts.set(pan, { balanceFen, heldFen: 0 });
  }

  balanceFen(pan: string): number {
    return this.account(pan).balanceFen;
  }

  heldFen(pan: string): number {
    return this.account(pan).heldFen;
  }

  /** What a new debit or hold may use. */
  availableFen(pan: string): number {
    const a = this.account(pan);
    return a.balanceFen - a.heldFen;
  }

  post(input: PostInput): LedgerEntry {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 0) throw new LedgerError(`bad amount ${input.amountFen}`);
    const entry: LedgerEntry = {
      seq: this.all.length + 1,
      maskedPan: maskPan(input.pan),
      effect: input.effect,
      operation: input.operation,
      amountFen: input.amountFen,
      terminalId: input.terminalId,
      merchantId: input.merchantId,
      batch: input.batch,
      stan: input.stan,
      rrn: input.rrn,
      authCode: input.authCode,
      reversed: false,
      voided: false,
    };
    this.apply(input.pan, entry.effect, entry.amountFen, +1);
    this.all.push(entry);
    this.panOf.set(entry.seq, input.pan);
    return entry;
  }

  /** Undoes an entry's effect on the account; idempotent. */
  reverse(entry: LedgerEntry): void {
    if (entry.reversed) return;
    this.apply(this.panFor(entry), entry.effect, entry.amountFen, -1);
    entry.reversed = true;
  }

  /** The account of an entry, for the simulator's own matching (never exposed in entries). */
  panFor(entry: LedgerEntry): string {
    const pan = this.panOf.get(entry.seq);
    if (pan === undefined) throw new LedgerError(`entry ${entry.seq} is not in this ledger`);
    return pan;
  }

  entries(filter?: { terminalId?: string; batch?: string; pan?: string }): LedgerEntry[] {
    return this.all.filter(
      (e) =>
        (filter?.terminalId === undefined || e.terminalId === filter.terminalId) &&
        (filter?.batch === undefined || e.batch === filter.batch) &&
        (filter?.pan === undefined || this.panOf.get(e.seq) === filter.pan),
    );
  }

  /** Debits of this terminal that were not reversed (a voided debit stands, offset by its void's credit). */
  standingDebits(terminalId: string): LedgerEntry[] {
    return this.all.filter((e) => e.terminalId === terminalId && e.effect === 'debit' && !e.reversed);
  }

  /**
   * Compares what stands at the issuer for `terminalId` with what the terminal holds as approved
   * (every approved financial transaction of every batch it still has, voids included). With
   * `fromBatch`, entries of earlier (settled) batches are left out: a restarted host remembers them.
   */
  reconcileWithTerminal(terminalId: string, approved: readonly TerminalApproval[], options: { fromBatch?: string } = {}): OneSidedReport {
    const held = new Set(approved.map((a) => `${a.batch}/${a.stan}`));
    // Batches settled before (fromBatch) were closed by settlement: the terminal no longer holds them.
    const from = options.fromBatch;
    const standing = this.all.filter((e) => e.terminalId === terminalId && !e.reversed && (from === undefined || e.batch >= from));
    const standingKeys = new Set(standing.map((e) => `${e.batch}/${e.stan}`));
    return {
      oneSided: standing.filter((e) => !held.has(`${e.batch}/${e.stan}`)),
      missingAtIssuer: approved.filter((a) => !standingKeys.has(`${a.batch}/${a.stan}`)),
    };
  }

  /** Every account and entry, for the books file (tools/host-sim/host-store.ts). */
  exportState(): LedgerState {
    return {
      accounts: [...this.accounts].map(([pan, a]) => ({ pan, balanceFen: a.balanceFen, heldFen: a.heldFen })),
      entries: this.all.map((entry) => ({ entry, pan: this.panFor(entry) })),
    };
  }

  /** Continues from a stored state: its balances and entries replace what the card file opened. */
  importState(state: LedgerState): void {
    for (const a of state.accounts) if (this.accounts.has(a.pan)) this.accounts.set(a.pan, { balanceFen: a.balanceFen, heldFen: a.heldFen });
    this.all.length = 0;
    this.panOf.clear();
    for (const { entry, pan } of [...state.entries].sort((x, y) => x.entry.seq - y.entry.seq)) {
      this.all.push(entry);
      this.panOf.set(entry.seq, pan);
    }
  }

  private apply(pan: string, effect: LedgerEffect, amountFen: number, sign: 1 | -1): void {
    const a = this.account(pan);
    if (effect === 'debit') a.balanceFen -= sign * amountFen;
    else if (effect === 'credit') a.balanceFen += sign * amountFen;
    else if (effect === 'hold') a.heldFen += sign * amountFen;
    else a.heldFen -= sign * amountFen;
  }

  private account(pan: string): Account {
    const a = this.accounts.get(pan);
    if (!a) throw new LedgerError(`no account ${maskPan(pan)}`);
    return a;
  }
}
