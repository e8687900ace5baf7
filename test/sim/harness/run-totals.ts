/** Sums of many simulated days (a sweep or a soak) and the first failure, shrunk and described. */
import { isTransaction } from './cashier.js';
import { runDay, type DayEvent, type DayOptions } from './day-run.js';
import { describeFailure } from './failure-report.js';
import { verdictFailed } from './ledger-oracle.js';

export interface RunTotals {
  days: number;
  transactions: number;
  requests: number;
  faults: number;
  faultsByKind: Record<string, number>;
  /** Transactions approved, by type. */
  approved: Record<string, number>;
  cuts: number;
  /** Settlements the terminal asked for (journal full) before the end of the day. */
  settlementsAsked: number;
  oneSided: number;
  lostApprovals: number;
  wrongReversals: number;
  stanReuse: number;
  manual: number;
  unknownRefunds: number;
  /** Failed reversals never shown on a slip, a report or in the journal (see LedgerOracle). */
  manualUnlisted: number;
  /** Receipts for transactions not standing approved at the issuer (see LedgerOracle). */
  receiptsWithoutDebit: number;
  /** Approvals without a receipt, settlements off the host's books, reversals given up needlessly. */
  approvalsWithoutReceipt: number;
  settlementMismatches: number;
  unnecessaryManual: number;
  reversalsSkipped: number;
  /** Journal records GC copied to another sector, as the oracle saw them on the flash images. */
  gcCopies: number;
  /** Days the harness could not drive to the end (thrown); each is a failure too. */
  errors: number;
  /** The first failing day: seed, finding and shortest trace. */
  failure?: string;
}

export function emptyTotals(): RunTotals {
  return { days: 0, transactions: 0, requests: 0, faults: 0, faultsByKind: {}, approved: {}, cuts: 0, settlementsAsked: 0, oneSided: 0, lostApprovals: 0, wrongReversals: 0, stanReuse: 0, manual: 0, unknownRefunds: 0, manualUnlisted: 0, receiptsWithoutDebit: 0, approvalsWithoutReceipt: 0, settlementMismatches: 0, unnecessaryManual: 0, reversalsSkipped: 0, gcCopies: 0, errors: 0 };
}

/** Runs one day and adds it to the totals; the first failure is shrunk and kept. */
export async function runAndTally(totals: RunTotals, events: readonly DayEvent[], options: DayOptions): Promise<void> {
  let failed: boolean;
  totals.days += 1;
  try {
    const r = await runDay(events, options);
    totals.transactions += r.transactions;
    totals.requests += r.requests;
    totals.faults += r.faults;
    for (const [kind, n] of Object.entries(r.faultsByKind)) totals.faultsByKind[kind] = (totals.faultsByKind[kind] ?? 0) + n;
    for (const [type, n] of Object.entries(r.approved)) totals.approved[type] = (totals.approved[type] ?? 0) + n;
    totals.cuts += r.cuts;
    totals.settlementsAsked += r.settlementsAsked;
    totals.oneSided += r.verdict.oneSided.length;
    totals.lostApprovals += r.verdict.lostApprovals.length;
    totals.wrongReversals += r.verdict.wrongReversals.length;
    totals.stanReuse += r.verdict.stanReuse.length;
    totals.manual += r.verdict.manual;
    totals.unknownRefunds += r.verdict.unknownRefunds;
    totals.manualUnlisted += r.verdict.manualUnlisted.length;
    totals.receiptsWithoutDebit += r.verdict.receiptsWithoutDebit.length;
    totals.approvalsWithoutReceipt += r.verdict.approvalsWithoutReceipt.length;
    totals.settlementMismatches += r.verdict.settlementMismatches.length;
    totals.unnecessaryManual += r.verdict.unnecessaryManual.length;
    totals.reversalsSkipped += r.verdict.reversalsSkipped.length;
    totals.gcCopies += r.gcCopies;
    failed = verdictFailed(r.verdict);
  } catch {
    totals.errors += 1;
    totals.transactions += events.filter((e) => isTransaction(e.action)).length;
    failed = true;
  }
  if (failed && totals.failure === undefined) totals.failure = await describeFailure(events, options, options.shrink === false ? 0 : undefined);
}
