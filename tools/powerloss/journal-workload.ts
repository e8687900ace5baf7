import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import type { CounterName, FinancialType, NewTransaction, ReversalReason } from '../../firmware/journal/journal.js';
import type { JournalCall, ModelState } from './journal-model.js';

/**
 * A trading day as abstract steps: transactions are named by their index in the day, and STANs,
 * voucher and batch numbers are read from the state when a step runs. After a cut the sweep may
 * repeat a step whose call did not land, and the rest of the day still fits.
 */
export type WorkloadStep =
  | { do: 'take'; counter: CounterName }
  | { do: 'raise-batch'; value: number }
  /** `voucherIsStan`: the engine's shape, no voucher take (the STAN is the voucher number). */
  | { do: 'begin'; tx: number; type: FinancialType; amountFen: number; voidOf?: number; voucherIsStan?: boolean }
  | { do: 'approve' | 'acked' | 'failed' | 'unknown' | 'printed'; tx: number }
  | { do: 'declined'; tx: number; code: string }
  | { do: 'require'; tx: number; reason: ReversalReason }
  | { do: 'tried'; tx: number; tries: number }
  | { do: 'settle' }
  /** Settles only when the journal refuses new transactions (resolved against the live journal). */
  | { do: 'settle-if-full' }
  /** The terminal waits for the next customer: the shell's idle-time housekeeping (Journal.housekeep). */
  | { do: 'idle' };

export function tradingDay(transactions: number, seed: number): WorkloadStep[] {
  const random = new SeededRandom(seed);
  const steps: WorkloadStep[] = [{ do: 'raise-batch', value: 1 }];
  let approvedSales: number[] = [];
  let owedAfterSettle: number[] = [];
  let sinceSettle = 0;
  for (let tx = 0; tx < transactions; tx++) {
    steps.push({ do: 'take', counter: 'stan' }, { do: 'take', counter: 'voucher' });
    const roll = random.next();
    const type: FinancialType =
      roll < 0.08 && approvedSales.length > 0 ? 'void' : roll < 0.14 ? 'refund' : roll < 0.19 ? 'preauth' : 'sale';
    const voidOf = type === 'void' ? random.pick(approvedSales) : undefined;
    if (voidOf !== undefined) approvedSales = approvedSales.filter((t) => t !== voidOf);
    steps.push({ do: 'begin', tx, type, amountFen: random.int(1, 500000), ...(voidOf === undefined ? {} : { voidOf }) });
    const outcome = random.next();
    if (type === 'refund') {
      steps.push(outcome < 0.7 ? { do: 'approve', tx } : { do: 'unknown', tx });
    } else if (outcome < 0.72) {
      steps.push({ do: 'approve', tx });
      if (random.chance(0.92)) steps.push({ do: 'printed', tx });
      if (type === 'sale') approvedSales.push(tx);
    } else if (outcome < 0.82) {
      steps.push({ do: 'declined', tx, code: random.pick(['51', '55', '05']) });
    } else if (outcome < 0.9) {
      steps.push({ do: 'require', tx, reason: '98' }, { do: 'tried', tx, tries: 1 }, { do: 'tried', tx, tries: 2 });
      steps.push(random.chance(0.6) ? { do: 'acked', tx } : { do: 'failed', tx });
    } else if (outcome < 0.95) {
      steps.push({ do: 'approve', tx }, { do: 'require', tx, reason: '96' }, { do: 'acked', tx });
    } else {
      // Host unreachable until after settlement: the owed reversal must survive it (and GC).
      steps.push({ do: 'require', tx, reason: random.pick(['98', 'A0', '06'] as const) }, { do: 'tried', tx, tries: 1 });
      owedAfterSettle.push(tx);
    }
    if (++sinceSettle >= random.int(6, 10)) {
      steps.push({ do: 'settle' });
      for (const owed of owedAfterSettle) steps.push({ do: 'acked', tx: owed });
      owedAfterSettle = [];
      approvedSales = [];
      sinceSettle = 0;
    }
    idleAfter(steps, tx);
  }
  return steps;
}

/**
 * The shell housekeeps whenever it waits for the cashier, so between customers. Three customers in
 * four: the fourth goes straight on (a queue at the till), so appends still change sector and
 * collect inside a commit too, and the sweeps cut in both paths.
 */
function idleAfter(steps: WorkloadStep[], tx: number): void {
  if (tx % 4 !== 3) steps.push({ do: 'idle' });
}

/**
 * Sales as the engine makes them (online.ts): take a STAN, begin with it as the voucher number too,
 * approve, print; a settlement when the journal is full. What format 3's begin records leave out.
 */
export function engineSales(sales: number): WorkloadStep[] {
  const steps: WorkloadStep[] = [{ do: 'raise-batch', value: 1 }];
  for (let tx = 0; tx < sales; tx++) {
    steps.push({ do: 'settle-if-full' }, { do: 'take', counter: 'stan' });
    steps.push({ do: 'begin', tx, type: 'sale', amountFen: 100 * (tx + 1), voucherIsStan: true });
    steps.push({ do: 'approve', tx }, { do: 'printed', tx });
    idleAfter(steps, tx);
  }
  return steps;
}

export interface GeneratedDayOptions {
  seed: number;
  transactions: number;
  /**
   * Longest life of an owed reversal, in transactions (it is acked or fails 1..this many later).
   * Set it to several journal-fulls so reversals stay owed across many settlements.
   */
  maxOwedTransactions: number;
  /** Chance that a transaction leaves a reversal owed (default: 4-12%, from the seed). */
  owedChance?: number;
  /** Chance, after each transaction, of a settlement before the journal is full (default: 0-1%). */
  earlySettleChance?: number;
  /**
   * Most network-management exchanges (echo tests, sign-in, sign-off) after each transaction, 0..this
   * many (default 0). Each takes a STAN: a counter record that is garbage once the next take lands,
   * and that capacity() does not count. Enough of them between settlements wrap the ring over the
   * batch's own live records, so GC carries approved sales' 'printed' records (FORMAT.md, "Capacity").
   */
  maxEchoTests?: number;
}

/**
 * A seeded workload that reaches GC's copy path: reversals stay owed for a random number of
 * transactions (so across settlements, and GC carries them forward lap after lap, past settle
 * records), most settlements happen only when the journal is full (so the ring wraps with live
 * records in every sector), and the mix of outcomes varies with the seed. A settle that applies
 * only when the journal is full precedes every begin.
 */
export function generatedDay(options: GeneratedDayOptions): WorkloadStep[] {
  const random = new SeededRandom(options.seed);
  const owedChance = options.owedChance ?? 0.04 + random.next() * 0.08;
  const earlySettle = options.earlySettleChance ?? random.next() * 0.01;
  const steps: WorkloadStep[] = [{ do: 'raise-batch', value: 1 }];
  /** Owed reversals and the transaction after which the host answers each. */
  let owed: { tx: number; dueAfter: number; fails: boolean }[] = [];
  let approvedSales: number[] = [];
  for (let tx = 0; tx < options.transactions; tx++) {
    steps.push({ do: 'settle-if-full' });
    steps.push({ do: 'take', counter: 'stan' }, { do: 'take', counter: 'voucher' });
    const roll = random.next();
    const type: FinancialType =
      roll < 0.06 && approvedSales.length > 0 ? 'void' : roll < 0.1 ? 'refund' : roll < 0.14 ? 'preauth' : 'sale';
    const voidOf = type === 'void' ? random.pick(approvedSales) : undefined;
    if (voidOf !== undefined) approvedSales = approvedSales.filter((t) => t !== voidOf);
    steps.push({ do: 'begin', tx, type, amountFen: random.int(1, 500000), ...(voidOf === undefined ? {} : { voidOf }) });
    const outcome = random.next();
    if (outcome < owedChance) {
      // Host unreachable: the reversal stays owed for a while, across settlements.
      const reason = random.pick(['98', '96', 'A0', '06'] as const);
      if (reason === '96') steps.push({ do: 'approve', tx });
      steps.push({ do: 'require', tx, reason }, { do: 'tried', tx, tries: 1 });
      owed.push({ tx, dueAfter: tx + random.int(1, options.maxOwedTransactions), fails: random.chance(0.2) });
    } else if (type === 'refund') {
      steps.push(outcome < 0.8 ? { do: 'approve', tx } : { do: 'unknown', tx });
    } else if (outcome < 0.8) {
      steps.push({ do: 'approve', tx });
      if (random.chance(0.95)) steps.push({ do: 'printed', tx });
      if (type === 'sale') approvedSales.push(tx);
    } else if (outcome < 0.9) {
      steps.push({ do: 'declined', tx, code: random.pick(['51', '55', '05']) });
    } else {
      steps.push({ do: 'require', tx, reason: '98' }, { do: 'tried', tx, tries: 1 });
      steps.push(random.chance(0.7) ? { do: 'acked', tx } : { do: 'failed', tx });
    }
    for (const o of owed) if (o.dueAfter <= tx) steps.push(o.fails ? { do: 'failed', tx: o.tx } : { do: 'acked', tx: o.tx });
    owed = owed.filter((o) => o.dueAfter > tx);
    // Drawn only when asked for, so the days without echo tests keep their seeds' shapes.
    const echoTests = options.maxEchoTests ? random.int(0, options.maxEchoTests) : 0;
    for (let i = 0; i < echoTests; i++) steps.push({ do: 'take', counter: 'stan' });
    if (random.chance(earlySettle)) {
      steps.push({ do: 'settle' });
      approvedSales = [];
    }
    idleAfter(steps, tx);
  }
  return steps;
}

/**
 * The concrete call a step makes in this state, or undefined when it no longer applies.
 * `journalFull` says whether the journal refuses new transactions now (settle-if-full settles, begin is refused).
 */
export function resolveStep(step: WorkloadStep, state: ModelState, journalFull = false): JournalCall | undefined {
  switch (step.do) {
    case 'settle-if-full':
      return journalFull ? { method: 'settle', batchNo: state.counters.batch } : undefined;
    case 'take':
      return { method: 'takeCounter', name: step.counter };
    case 'raise-batch':
      return { method: 'raiseCounter', name: 'batch', atLeast: step.value };
    case 'settle':
      return { method: 'settle', batchNo: state.counters.batch };
    case 'idle':
      return { method: 'housekeep' };
    case 'begin':
      // A journal full of owed reversals stays full after settlement: the terminal refuses the sale.
      return journalFull ? undefined : { method: 'begin', tx: newTransaction(step, state) };
  }
  const stan = state.stans[step.tx];
  if (stan === undefined || !state.transactions.some((t) => t.stan === stan)) return undefined;
  switch (step.do) {
    case 'approve':
      return { method: 'approve', stan, approval: { authCode: String(100000 + (stan % 900000)), rrn: String(stan).padStart(12, '7'), hostDate: '1122', hostTime: '101533' } };
    case 'declined':
      return { method: 'declined', stan, responseCode: step.code };
    case 'require':
      return { method: 'requireReversal', stan, reason: step.reason };
    case 'tried':
      return { method: 'reversalTried', stan, tries: step.tries };
    case 'acked':
      return { method: 'reversalAcked', stan };
    case 'failed':
      return { method: 'reversalFailed', stan };
    case 'unknown':
      return { method: 'outcomeUnknown', stan };
    case 'printed':
      return { method: 'printed', stan };
  }
}

const PROCESSING_CODES: Record<FinancialType, string> = {
  sale: '000000',
  void: '200000',
  refund: '200000',
  preauth: '030000',
  'preauth-void': '200000',
  completion: '000000',
  'completion-void': '200000',
};

function newTransaction(step: Extract<WorkloadStep, { do: 'begin' }>, state: ModelState): NewTransaction {
  // The values takeCounter returned, as the engine uses them (a mount moves the counters past them).
  const stan = state.issued.stan;
  const voided = step.voidOf === undefined ? undefined : state.transactions.find((t) => t.stan === state.stans[step.voidOf!]);
  const tx: NewTransaction = {
    type: step.type,
    stan,
    voucherNo: step.voucherIsStan ? stan : state.issued.voucher,
    batchNo: state.counters.batch,
    amountFen: step.amountFen,
    operator: '01',
    reversible: step.type !== 'refund',
    request: {
      mti: step.type === 'preauth' ? '0100' : step.type === 'refund' ? '0220' : '0200',
      processingCode: PROCESSING_CODES[step.type],
      amountFen: step.amountFen,
      stan,
      localTime: '1015' + String(step.tx % 60).padStart(2, '0'),
      localDate: '1122',
      entryMode: '022',
      conditionCode: step.type === 'preauth' ? '06' : '00',
      field60: '22' + String(state.counters.batch).padStart(6, '0') + '000',
      pan: '62220212345' + String(step.tx).padStart(8, '0'),
      expiry: '2912',
    },
  };
  if (voided) {
    tx.original = { voucherNo: voided.voucherNo, batchNo: voided.batchNo };
    tx.request.authCode = voided.approval?.authCode ?? '000000';
    tx.request.originalRrn = voided.approval?.rrn ?? '000000000000';
  }
  return tx;
}
