import type { FlashDevice } from '../drivers/flash/flash-device.js';
import type { PanCipher } from '../security/pan-at-rest.js';
import { capacityModel, transactionsLeft, type CapacityModel } from './capacity.js';
import { encodeFrame } from './frame.js';
import {
  JournalError,
  JournalFull,
  type Approval,
  type CounterName,
  type Journal,
  type JournalCapacity,
  type JournalHealth,
  type JournalTransaction,
  type JournalView,
  type NewTransaction,
  type ReversalReason,
} from './journal.js';
import { nextCounterValue, type JournalState, type RecordEffect, type TransactionEntry } from './journal-state.js';
import type { LogRing } from './log-ring.js';
import { COUNTER_NAMES, encodeRecord, REVERSAL_REASONS, type JournalRecord, type StoredNewTransaction, type StoredRequest, withRequest } from './record-codec.js';
import { checkApproval, checkCounterValue, checkNewTransaction, checkResponseCode, checkTries } from './transaction-check.js';

const VOID_TYPES = new Set(['void', 'preauth-void', 'completion-void']);

/**
 * The Journal on a FlashDevice. Calls run one at a time; each encodes one record, appends it
 * (programmed and synced), and only then folds it into the in-memory state, so a call that fails
 * (power cut) has changed nothing the next mount would not also see. After a device error the
 * journal refuses further calls: only a fresh mount knows what reached flash.
 */
export class FlashJournal implements Journal {
  private queue: Promise<unknown> = Promise.resolve();
  /** Calls queued or running. */
  private inFlight = 0;
  private failure: unknown;
  private closed = false;
  private readonly capacityModel: CapacityModel;
  private readonly clearPans = new WeakMap<TransactionEntry, string>();

  constructor(
    private readonly device: FlashDevice,
    private readonly state: JournalState,
    private readonly ring: LogRing,
    private readonly cipher: PanCipher,
    private nextSeq: number,
    private readonly mountHealth: JournalHealth,
  ) {
    this.capacityModel = capacityModel(device.geometry);
  }

  view(): JournalView {
    return {
      counters: { ...this.state.counters },
      transactions: [...this.state.transactions.values()].map((entry) => this.clearTransaction(entry)),
    };
  }

  capacity(): JournalCapacity {
    return { transactionsLeft: transactionsLeft(this.capacityModel, this.state.transactionRoom()) };
  }

  /** What mount found damaged (empty findings on a healthy image). */
  health(): JournalHealth {
    return { findings: [...this.mountHealth.findings], countersAdvanced: { ...this.mountHealth.countersAdvanced } };
  }

  /** Records GC copied forward since mount (of one kind only, when given). */
  gcCopies(kind?: JournalRecord['kind']): number {
    const byKind = this.ring.copiedByKind;
    if (kind !== undefined) return byKind[kind] ?? 0;
    let total = 0;
    for (const count of Object.values(byKind)) total += count;
    return total;
  }

  find(stan: number): JournalTransaction | undefined {
    const entry = this.state.findByStan(stan);
    return entry ? this.clearTransaction(entry) : undefined;
  }

  takeCounter(name: CounterName): Promise<number> {
    return this.exclusive(async () => {
      checkCounterName(name);
      const value = nextCounterValue(this.state.counters[name]);
      await this.commit({ kind: 'counter', counter: name, value });
      return value;
    });
  }

  raiseCounter(name: CounterName, atLeast: number): Promise<void> {
    return this.exclusive(async () => {
      checkCounterName(name);
      checkCounterValue(name, atLeast);
      if (this.state.counters[name] >= atLeast) return;
      await this.commit({ kind: 'counter', counter: name, value: atLeast });
    });
  }

  begin(tx: NewTransaction): Promise<void> {
    return this.exclusive(async () => {
      checkNewTransaction(tx);
      if (this.state.findByStan(tx.stan)) throw new JournalError(`STAN ${tx.stan} is already in the journal`);
      const left = this.capacity().transactionsLeft;
      if (left < 1) throw new JournalFull(left);
      await this.commit({ kind: 'begin', tx: storedTransaction(tx, this.cipher.seal(tx.request.pan)) });
    });
  }

  approve(stan: number, approval: Approval): Promise<void> {
    return this.exclusive(async () => {
      checkApproval(approval);
      const entry = this.existing(stan);
      const original = entry.tx.original;
      const voided =
        VOID_TYPES.has(entry.tx.type) && original?.voucherNo !== undefined
          ? this.state.findByVoucher(original.voucherNo, original.batchNo)
          : undefined;
      const { authCode, rrn, hostDate, hostTime } = approval;
      const record: JournalRecord = { kind: 'approve', stan, approval: { authCode, rrn, hostDate, hostTime } };
      await this.commit(voided ? { ...record, voidsStan: voided.tx.stan } : record);
    });
  }

  declined(stan: number, responseCode: string): Promise<void> {
    return this.exclusive(async () => {
      checkResponseCode(responseCode);
      this.existing(stan);
      await this.commit({ kind: 'declined', stan, responseCode });
    });
  }

  requireReversal(stan: number, reason: ReversalReason): Promise<void> {
    return this.exclusive(async () => {
      if (!REVERSAL_REASONS.includes(reason)) throw new JournalError(`unknown reversal reason ${String(reason)}`);
      this.existing(stan);
      await this.commit({ kind: 'require-reversal', stan, reason });
    });
  }

  reversalTried(stan: number, tries: number): Promise<void> {
    return this.exclusive(async () => {
      checkTries(tries);
      this.existing(stan);
      await this.commit({ kind: 'reversal-tried', stan, tries });
    });
  }

  reversalAcked(stan: number): Promise<void> {
    return this.stanOnly('reversal-acked', stan);
  }

  reversalFailed(stan: number): Promise<void> {
    return this.stanOnly('reversal-failed', stan);
  }

  outcomeUnknown(stan: number): Promise<void> {
    return this.stanOnly('outcome-unknown', stan);
  }

  printed(stan: number): Promise<void> {
    return this.stanOnly('printed', stan);
  }

  settle(batchNo: number): Promise<void> {
    return this.exclusive(async () => {
      checkCounterValue('batchNo', batchNo);
      const settled = this.state.lastSettle?.batchNo ?? 0;
      if (batchNo < settled) {
        // The newest settle record must remove everything earlier ones removed (FORMAT.md, "Removal").
        throw new JournalError(`batch ${batchNo} is older than batch ${settled}, already settled`);
      }
      const current = this.state.counters.batch;
      const nextBatch = current > batchNo ? current : nextCounterValue(batchNo);
      await this.commit({ kind: 'settle', batchNo, nextBatch });
    });
  }

  /** Idle-time flash work (LogRing.prepare), in turn with the calls; writes no record. */
  housekeep(): Promise<void> {
    return this.exclusive(async () => {
      try {
        await this.ring.prepare();
      } catch (error) {
        // Like a failed commit: only a fresh mount knows what reached flash.
        this.failure = error;
        throw error;
      }
    });
  }

  /** Waits for calls in flight; the device stays open (its owner closes it). */
  close(): Promise<void> {
    return this.exclusive(async () => {
      this.closed = true;
    });
  }

  private stanOnly(kind: 'reversal-acked' | 'reversal-failed' | 'outcome-unknown' | 'printed', stan: number): Promise<void> {
    return this.exclusive(async () => {
      this.existing(stan);
      await this.commit({ kind, stan });
    });
  }

  private existing(stan: number): TransactionEntry {
    const entry = this.state.findByStan(stan);
    if (!entry) throw new JournalError(`no transaction with STAN ${stan} in the journal`);
    return entry;
  }

  /** Append durably, then fold into the state: the state never runs ahead of flash. */
  private async commit(record: JournalRecord): Promise<void> {
    const payload = encodeRecord(record);
    const seq = this.nextSeq;
    const frame = encodeFrame(seq, payload, this.device.geometry.programUnit);
    const effect: RecordEffect = { kind: record.kind, transactionIds: [] };
    try {
      await this.ring.append(frame, seq, effect);
    } catch (error) {
      this.failure = error;
      throw error;
    }
    this.nextSeq = seq + 1;
    effect.transactionIds = this.state.apply(record, seq, frame.length).transactionIds;
  }

  /**
   * Runs `work` after every call made before it. With none in flight it starts now, not a
   * microtask later: the usual case (the engine awaits each call), and a hop on every commit.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.inFlight === 0 ? this.start(work) : this.queue.then(() => this.start(work));
    this.inFlight++;
    this.queue = run.then(this.finished, this.finished);
    return run;
  }

  private readonly finished = (): void => {
    this.inFlight--;
  };

  private start<T>(work: () => Promise<T>): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new JournalError('journal is closed'));
    return work();
  }

  private clearTransaction(entry: TransactionEntry): JournalTransaction {
    let pan = this.clearPans.get(entry);
    if (pan === undefined) {
      pan = this.cipher.open(entry.tx.request.sealedPan);
      this.clearPans.set(entry, pan);
    }
    const { sealedPan: _sealed, ...request } = entry.tx.request;
    const tx: JournalTransaction = { ...entry.tx, request: { ...request, pan } };
    if (entry.tx.approval) tx.approval = { ...entry.tx.approval };
    if (entry.tx.original) tx.original = { ...entry.tx.original };
    return tx;
  }
}

/**
 * The transaction as the begin record holds it, built field by field in the order decodeBegin builds
 * it (optional fields only when present): the object rest (`{ pan, ...request }`) and spreads with
 * a property added or replaced it replaces took V8's slow path, microseconds each on every begin.
 */
function storedTransaction(tx: NewTransaction, sealedPan: Uint8Array): StoredNewTransaction {
  const q = tx.request;
  const request: StoredRequest = {
    mti: q.mti,
    processingCode: q.processingCode,
    amountFen: q.amountFen,
    stan: q.stan,
    localTime: q.localTime,
    localDate: q.localDate,
    entryMode: q.entryMode,
    conditionCode: q.conditionCode,
    field60: q.field60,
    sealedPan,
    expiry: q.expiry,
  };
  if (q.authCode !== undefined) request.authCode = q.authCode;
  if (q.originalRrn !== undefined) request.originalRrn = q.originalRrn;
  if (q.field61 !== undefined) request.field61 = q.field61;
  return withRequest(tx, request);
}

function checkCounterName(name: CounterName): void {
  if (!COUNTER_NAMES.includes(name)) throw new JournalError(`unknown counter ${String(name)}`);
}
