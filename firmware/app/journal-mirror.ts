/**
 * The shell's copy of the journal's view, kept current record by record. Journal.view() copies
 * (and opens the sealed PAN of) every transaction; calling it after each of a sale's half-dozen
 * journal operations cost more than the rest of the sale on a nearly full journal. Each update
 * makes a new view object, so snapshots the engine already holds never change under it.
 */
import type { Journal, JournalTransaction, JournalView } from '../journal/journal.js';
import type { JournalCall } from './engine-io.js';

export class JournalMirror {
  private current: JournalView;

  constructor(private readonly journal: Journal) {
    this.current = journal.view();
  }

  get view(): JournalView {
    return this.current;
  }

  /** Re-reads everything (after settlement, a counter raise or a failed call). */
  refresh(): JournalView {
    this.current = this.journal.view();
    return this.current;
  }

  /** Brings the copy up to date after `request` succeeded (`value`: what takeCounter returned). */
  afterSuccess(request: JournalCall, value: number | undefined): JournalView {
    switch (request.method) {
      case 'takeCounter':
        this.current = { ...this.current, counters: { ...this.current.counters, [request.name]: value! } };
        return this.current;
      case 'raiseCounter':
      case 'settle':
        return this.refresh();
      case 'housekeep':
        return this.current;
      case 'begin':
        // A reused STAN replaces its old record, and the new one is the newest.
        return this.replace(request.tx.stan, true);
      case 'approve': {
        this.replace(request.stan, false);
        // An approved void also marks its original (voidedBy).
        const original = this.find(request.stan)?.original;
        const voided = original?.voucherNo === undefined
          ? undefined
          : this.current.transactions.find((tx) => tx.voucherNo === original.voucherNo && tx.stan !== request.stan && (original.batchNo === undefined || tx.batchNo === original.batchNo));
        return voided ? this.replace(voided.stan, false) : this.current;
      }
      default:
        return this.replace(request.stan, false);
    }
  }

  private find(stan: number): JournalTransaction | undefined {
    return this.current.transactions.find((tx) => tx.stan === stan);
  }

  private replace(stan: number, newest: boolean): JournalView {
    const fresh = this.journal.find(stan);
    if (!fresh) return this.refresh();
    const others = this.current.transactions.filter((tx) => tx.stan !== stan);
    let transactions: JournalTransaction[];
    if (newest) transactions = [...others, fresh];
    else transactions = this.current.transactions.map((tx) => (tx.stan === stan ? fresh : tx));
    if (!newest && transactions.length === others.length) return this.refresh();
    this.current = { counters: this.current.counters, transactions };
    return this.current;
  }
}
