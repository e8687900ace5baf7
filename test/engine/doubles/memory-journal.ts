/**
 * An in-memory Journal with the contract's semantics (no flash), for the pure engine tests and the
 * shell tests that do not need power cuts. `failNext` makes the next call of a kind throw.
 */
import {
  JournalError,
  JournalFull,
  type Approval,
  type CounterName,
  type Journal,
  type JournalCapacity,
  type JournalTransaction,
  type JournalView,
  type NewTransaction,
  type ReversalReason,
} from '../../../firmware/journal/journal.js';
import { nextCounterValue } from '../../../firmware/journal/journal-state.js';

export class MemoryJournal implements Journal {
  private counters: Record<CounterName, number> = { stan: 0, voucher: 0, batch: 1 };
  private transactions: JournalTransaction[] = [];
  private failing = new Set<string>();

  constructor(private readonly maxTransactions = 100) {}

  failNext(call: keyof Journal): void {
    this.failing.add(call);
  }

  view(): JournalView {
    return structuredClone({ counters: this.counters, transactions: this.transactions });
  }
  capacity(): JournalCapacity {
    return { transactionsLeft: Math.max(0, this.maxTransactions - this.transactions.length) };
  }
  find(stan: number): JournalTransaction | undefined {
    const tx = this.transactions.find((t) => t.stan === stan);
    return tx && structuredClone(tx);
  }
  private enter(call: string): void {
    if (this.failing.delete(call)) throw new JournalError(`injected failure of ${call}`);
  }
  private get(stan: number): JournalTransaction {
    const tx = this.transactions.find((t) => t.stan === stan);
    if (!tx) throw new JournalError(`no transaction with STAN ${stan}`);
    return tx;
  }
  async takeCounter(name: CounterName): Promise<number> {
    this.enter('takeCounter');
    this.counters[name] += 1;
    return this.counters[name];
  }
  async raiseCounter(name: CounterName, atLeast: number): Promise<void> {
    this.enter('raiseCounter');
    this.counters[name] = Math.max(this.counters[name], atLeast);
  }
  async begin(tx: NewTransaction): Promise<void> {
    this.enter('begin');
    if (this.capacity().transactionsLeft < 1) throw new JournalFull(0);
    this.transactions.push({ ...structuredClone(tx), status: 'pending', reversalTries: 0, printed: false });
  }
  async approve(stan: number, approval: Approval): Promise<void> {
    this.enter('approve');
    const tx = this.get(stan);
    tx.status = 'approved';
    tx.approval = { ...approval };
    if ((tx.type === 'void' || tx.type === 'completion-void') && tx.original?.voucherNo !== undefined) {
      const original = this.transactions.find((t) => t.voucherNo === tx.original!.voucherNo && t.batchNo === tx.batchNo);
      if (original) original.voidedBy = tx.stan;
    }
  }
  async declined(stan: number, responseCode: string): Promise<void> {
    this.enter('declined');
    const tx = this.get(stan);
    tx.status = 'declined';
    tx.responseCode = responseCode;
  }
  async requireReversal(stan: number, reason: ReversalReason): Promise<void> {
    this.enter('requireReversal');
    const tx = this.get(stan);
    tx.status = 'reversal-pending';
    tx.reversalReason = reason;
  }
  async reversalTried(stan: number, tries: number): Promise<void> {
    this.enter('reversalTried');
    this.get(stan).reversalTries = tries;
  }
  async reversalAcked(stan: number): Promise<void> {
    this.enter('reversalAcked');
    this.get(stan).status = 'reversed';
  }
  async reversalFailed(stan: number): Promise<void> {
    this.enter('reversalFailed');
    this.get(stan).status = 'reversal-failed';
  }
  async outcomeUnknown(stan: number): Promise<void> {
    this.enter('outcomeUnknown');
    this.get(stan).status = 'unknown';
  }
  async printed(stan: number): Promise<void> {
    this.enter('printed');
    this.get(stan).printed = true;
  }
  async settle(batchNo: number): Promise<void> {
    this.enter('settle');
    // As the flash journal does: this batch and earlier ones go, except records still owing a reversal.
    this.transactions = this.transactions.filter((t) => t.batchNo > batchNo || t.status === 'pending' || t.status === 'reversal-pending');
    this.counters.batch = this.counters.batch > batchNo ? this.counters.batch : nextCounterValue(batchNo);
  }
  async close(): Promise<void> {}
}
