import type { CounterName, JournalTransaction } from './journal.js';
import { withRequest, type JournalRecord, type StoredNewTransaction, type StoredRequest } from './record-codec.js';

/**
 * The journal's meaning, as a pure fold over records in sequence order. Mount replays every record
 * found on flash through `apply`; the live journal applies each record after it is durable. Records
 * are identified by their sequence number; a transaction by the sequence number of its begin record
 * (STANs wrap and may come back once the old holder is settled).
 */
export interface StoredTransaction extends Omit<JournalTransaction, 'request'> {
  request: StoredRequest;
}

export interface TransactionEntry {
  /** Sequence number of the begin record. */
  readonly id: number;
  tx: StoredTransaction;
  /** Sequence number of the newest reversal-tried record: older ones are superseded. */
  triedSeq?: number;
  triedBytes?: number;
  /** Flash bytes of this transaction's live records: change it through JournalState.charge. */
  bytes: number;
  /** Flash bytes of its begin record (the rest of `bytes` is its later records). */
  readonly beginBytes: number;
}

/** What a record touched, kept beside it so GC can tell whether it is still needed. */
export interface RecordEffect {
  kind: JournalRecord['kind'];
  /** Transactions this record says something about (empty: it named no live transaction). */
  transactionIds: number[];
}

/** Statuses that still owe the host a reversal: they survive settlement (a pending reversal is never lost). */
const OWES_REVERSAL = new Set(['pending', 'reversal-pending']);
const STAN_MAX = 999999;

export class JournalState {
  readonly counters: Record<CounterName, number> = { stan: 0, voucher: 0, batch: 0 };
  /** Sequence number of the record that last set each counter (a counter or settle record). */
  readonly counterWriters: Record<CounterName, number | undefined> = { stan: undefined, voucher: undefined, batch: undefined };
  private readonly counterWriterBytes: Record<CounterName, number> = { stan: 0, voucher: 0, batch: 0 };
  /** The newest settle record, and the batch it settled: it stays live (see FORMAT.md, "Removal"). */
  lastSettle: { seq: number; batchNo: number } | undefined;
  /** Live transactions in begin order. */
  readonly transactions = new Map<number, TransactionEntry>();
  private readonly byStan = new Map<number, number>();
  /**
   * The sums of every live transaction's `bytes` and room, kept as they change: capacity() is asked
   * before every begin, and a walk over up to a hundred entries, cold after a sync, cost microseconds.
   */
  private transactionBytes = 0;
  private reservedBytes = 0;

  /**
   * `followUpAllowance`: the room each live transaction keeps for its later records
   * (CapacityModel.followUpBytes; 0 where nobody asks for capacity).
   */
  constructor(private readonly followUpAllowance: number) {}

  findByStan(stan: number): TransactionEntry | undefined {
    const id = this.byStan.get(stan);
    return id === undefined ? undefined : this.transactions.get(id);
  }

  findByVoucher(voucherNo: number, batchNo: number | undefined): TransactionEntry | undefined {
    for (const entry of this.transactions.values()) {
      if (entry.tx.voucherNo === voucherNo && (batchNo === undefined || entry.tx.batchNo === batchNo)) return entry;
    }
    return undefined;
  }

  /** Bytes of every live record: the transactions' and the newest writer of each counter. */
  liveBytes(): number {
    return this.counterWriterBytes.stan + this.counterWriterBytes.voucher + this.counterWriterBytes.batch + this.transactionBytes;
  }

  /**
   * Flash room the live transactions hold, which capacity() counts: each one's begin record, and its
   * later records or the room it keeps for them, whichever is more. A later record is drawn from that
   * room, not counted beside it (counted twice, capacity() promised transactions begin then refused).
   */
  transactionRoom(): number {
    return this.reservedBytes;
  }

  /** Folds one record in; `frameBytes` is what it occupies on flash. */
  apply(record: JournalRecord, seq: number, frameBytes: number): RecordEffect {
    const effect = this.fold(record, seq, frameBytes);
    const charged = effect.transactionIds.length > 0 ? this.transactions.get(effect.transactionIds[0]!) : undefined;
    if (charged && record.kind !== 'begin') this.charge(charged, frameBytes);
    return effect;
  }

  private fold(record: JournalRecord, seq: number, frameBytes: number): RecordEffect {
    switch (record.kind) {
      case 'counter':
        this.counters[record.counter] = record.value;
        this.counterWriters[record.counter] = seq;
        this.counterWriterBytes[record.counter] = frameBytes;
        return effectOf(record.kind, undefined);
      case 'begin': {
        const previous = this.findByStan(record.tx.stan);
        if (previous) this.remove(previous);
        const entry: TransactionEntry = {
          id: seq,
          tx: pendingTransaction(record.tx),
          bytes: frameBytes,
          beginBytes: frameBytes,
        };
        this.transactions.set(seq, entry);
        this.transactionBytes += frameBytes;
        this.reservedBytes += this.roomOf(entry);
        this.byStan.set(record.tx.stan, seq);
        return effectOf(record.kind, entry);
      }
      case 'approve': {
        const entry = this.findByStan(record.stan);
        if (!entry) return effectOf(record.kind, undefined);
        entry.tx.status = 'approved';
        entry.tx.approval = { ...record.approval };
        delete entry.tx.reversalReason;
        const effect = effectOf(record.kind, entry);
        const original = record.voidsStan === undefined ? undefined : this.findByStan(record.voidsStan);
        if (original) {
          original.tx.voidedBy = entry.tx.voucherNo;
          effect.transactionIds.push(original.id);
        }
        return effect;
      }
      case 'declined':
        return this.update(record.stan, record.kind, (tx) => {
          tx.status = 'declined';
          tx.responseCode = record.responseCode;
          delete tx.reversalReason;
        });
      case 'require-reversal':
        return this.update(record.stan, record.kind, (tx) => {
          tx.status = 'reversal-pending';
          tx.reversalReason = record.reason;
        });
      case 'reversal-tried': {
        const effect = this.update(record.stan, record.kind, (tx) => {
          tx.reversalTries = record.tries;
        });
        const entry = this.findByStan(record.stan);
        if (entry) {
          // The superseded tries record is garbage now; apply() charges this one.
          this.charge(entry, -(entry.triedBytes ?? 0));
          entry.triedSeq = seq;
          entry.triedBytes = frameBytes;
        }
        return effect;
      }
      case 'reversal-acked':
        return this.update(record.stan, record.kind, (tx) => void (tx.status = 'reversed'));
      case 'reversal-failed':
        return this.update(record.stan, record.kind, (tx) => void (tx.status = 'reversal-failed'));
      case 'outcome-unknown':
        return this.update(record.stan, record.kind, (tx) => void (tx.status = 'unknown'));
      case 'printed':
        return this.update(record.stan, record.kind, (tx) => void (tx.printed = true));
      case 'settle':
        // Earlier batches too: a reversal owed at an earlier settlement was kept, and once it is
        // done its record goes with the next settlement. (Batch numbers wrap only after 999999 days.)
        for (const entry of [...this.transactions.values()]) {
          if (entry.tx.batchNo <= record.batchNo && !OWES_REVERSAL.has(entry.tx.status)) this.remove(entry);
        }
        this.counters.batch = record.nextBatch;
        this.counterWriters.batch = seq;
        this.counterWriterBytes.batch = frameBytes;
        this.lastSettle = { seq, batchNo: record.batchNo };
        return effectOf(record.kind, undefined);
    }
  }

  /**
   * Whether a record must be kept (copied forward by GC): it is the newest writer of a counter, or
   * it describes a live transaction and has not been superseded (only reversal-tried records are).
   */
  isLive(seq: number, effect: RecordEffect): boolean {
    if (effect.kind === 'settle' && this.lastSettle?.seq === seq) return true;
    if (effect.kind === 'counter' || effect.kind === 'settle') {
      return COUNTER_KEYS.some((name) => this.counterWriters[name] === seq);
    }
    for (const id of effect.transactionIds) {
      const entry = this.transactions.get(id);
      if (entry && (effect.kind !== 'reversal-tried' || entry.triedSeq === seq)) return true;
    }
    return false;
  }

  /**
   * After a loss of up to `recordsLost` records (mount's bound), the STAN and voucher counters may
   * be behind what was handed out. Each record advances a counter by at most one, and every record
   * that survives after this counter's newest writer is of another kind, so every value handed out
   * is within recordsLost of the writer's: jump past that, and past every number still in the
   * journal, so a number is never handed out twice. In memory only; the next takeCounter writes it.
   * Returns the counters it moved, with their old values.
   */
  advanceAfterLoss(recordsLost: number): Partial<Record<CounterName, number>> {
    const moved: Partial<Record<CounterName, number>> = {};
    for (const name of ['stan', 'voucher'] as const) {
      const inJournal = Math.max(0, ...[...this.transactions.values()].map((e) => (name === 'stan' ? e.tx.stan : e.tx.voucherNo)));
      const margin = Math.min(STAN_MAX - 2, recordsLost + 1);
      const from = Math.max(this.counters[name], inJournal);
      moved[name] = this.counters[name];
      this.counters[name] = ((from + margin - 1) % STAN_MAX) + 1;
    }
    return moved;
  }

  /**
   * Whether a dead record still decides a removed transaction's status: if it vanished while the
   * transaction's begin record survives elsewhere, replay would see the transaction still owing a
   * reversal, and no settle record would remove it. GC keeps such a record (a "status tombstone")
   * while the begin has a copy outside the sector being collected. See FORMAT.md, "Removal".
   */
  decidesRemovedStatus(effect: RecordEffect): number[] {
    if (!STATUS_KINDS.has(effect.kind)) return [];
    return effect.transactionIds.filter((id) => !this.transactions.has(id));
  }

  private update(stan: number, kind: JournalRecord['kind'], change: (tx: StoredTransaction) => void): RecordEffect {
    const entry = this.findByStan(stan);
    if (entry) change(entry.tx);
    return effectOf(kind, entry);
  }

  /** Live bytes `delta` more for a live transaction. */
  private charge(entry: TransactionEntry, delta: number): void {
    this.reservedBytes -= this.roomOf(entry);
    entry.bytes += delta;
    this.transactionBytes += delta;
    this.reservedBytes += this.roomOf(entry);
  }

  /** What one live transaction counts for in transactionRoom(). */
  private roomOf(entry: TransactionEntry): number {
    return entry.beginBytes + Math.max(this.followUpAllowance, entry.bytes - entry.beginBytes);
  }

  private remove(entry: TransactionEntry): void {
    this.transactionBytes -= entry.bytes;
    this.reservedBytes -= this.roomOf(entry);
    this.transactions.delete(entry.id);
    if (this.byStan.get(entry.tx.stan) === entry.id) this.byStan.delete(entry.tx.stan);
  }
}

/**
 * A begun transaction's state, field by field: `{ ...tx, status, reversalTries, printed }` (a spread
 * followed by new properties) took V8's slow path, about 8 µs a begin. Shallow, as the spread was.
 */
function pendingTransaction(tx: StoredNewTransaction): StoredTransaction {
  const pending = withRequest(tx, tx.request) as StoredTransaction;
  pending.status = 'pending';
  pending.reversalTries = 0;
  pending.printed = false;
  return pending;
}

/** A module function, not a closure per record: the bundle names every named closure as it is made (keepNames). */
function effectOf(kind: JournalRecord['kind'], entry: TransactionEntry | undefined): RecordEffect {
  return { kind, transactionIds: entry ? [entry.id] : [] };
}

const COUNTER_KEYS: readonly CounterName[] = ['stan', 'voucher', 'batch'];
/** Records that set a transaction's status, which is what settlement reads to keep or remove it. */
const STATUS_KINDS = new Set<JournalRecord['kind']>([
  'approve',
  'declined',
  'require-reversal',
  'reversal-acked',
  'reversal-failed',
  'outcome-unknown',
]);

/** The value after `current` for a six-digit counter: 999999 wraps to 1, 0 is never handed out. */
export function nextCounterValue(current: number): number {
  return current >= STAN_MAX ? 1 : current + 1;
}
