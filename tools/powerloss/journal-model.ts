import type { CounterName, JournalTransaction } from '../../firmware/journal/journal.js';
import type { JournalCall } from '../../firmware/journal/journal-call.js';

export type { JournalCall };

/**
 * The power-loss oracle: what the journal must show after each call, written independently of the
 * journal's own record fold (a plain array of transactions changed call by call), so a wrong fold
 * and a lost or resurrected record both show up as a mismatch.
 */
export interface ModelState {
  counters: Record<CounterName, number>;
  transactions: JournalTransaction[];
  /** STAN each workload transaction got when it began (the workload names transactions by index). */
  stans: Record<number, number>;
  /** The last STAN and voucher number takeCounter returned: a mount may never go back past them. */
  issued: { stan: number; voucher: number };
}

export function emptyModel(): ModelState {
  return { counters: { stan: 0, voucher: 0, batch: 0 }, transactions: [], stans: {}, issued: { stan: 0, voucher: 0 } };
}

const next = (n: number): number => (n >= 999999 ? 1 : n + 1);

/** The state after `call` returned. Does not change `state` (copies only what the call changes). */
export function applyCall(state: ModelState, call: JournalCall, workloadTx?: number): ModelState {
  const s: ModelState = { counters: { ...state.counters }, transactions: [...state.transactions], stans: state.stans, issued: { ...state.issued } };
  const edit = (stan: number): JournalTransaction => {
    const index = s.transactions.findIndex((t) => t.stan === stan);
    if (index < 0) throw new Error(`oracle: no transaction with STAN ${stan}`);
    const copy = { ...s.transactions[index]! };
    s.transactions[index] = copy;
    return copy;
  };
  switch (call.method) {
    case 'takeCounter':
      s.counters[call.name] = next(s.counters[call.name]);
      if (call.name !== 'batch') s.issued[call.name] = s.counters[call.name];
      break;
    case 'raiseCounter':
      s.counters[call.name] = Math.max(s.counters[call.name], call.atLeast);
      break;
    case 'begin':
      s.transactions.push({ ...structuredClone(call.tx), status: 'pending', reversalTries: 0, printed: false });
      if (workloadTx !== undefined) s.stans = { ...s.stans, [workloadTx]: call.tx.stan };
      break;
    case 'approve': {
      const tx = edit(call.stan);
      tx.status = 'approved';
      tx.approval = { ...call.approval };
      delete tx.reversalReason;
      const o = tx.original;
      if (tx.type.endsWith('void') && o?.voucherNo !== undefined) {
        const original = s.transactions.find((t) => t.voucherNo === o.voucherNo && (o.batchNo === undefined || t.batchNo === o.batchNo));
        if (original) edit(original.stan).voidedBy = tx.voucherNo;
      }
      break;
    }
    case 'declined': {
      const tx = edit(call.stan);
      tx.status = 'declined';
      tx.responseCode = call.responseCode;
      delete tx.reversalReason;
      break;
    }
    case 'requireReversal': {
      const tx = edit(call.stan);
      tx.status = 'reversal-pending';
      tx.reversalReason = call.reason;
      break;
    }
    case 'reversalTried':
      edit(call.stan).reversalTries = call.tries;
      break;
    case 'reversalAcked':
      edit(call.stan).status = 'reversed';
      break;
    case 'reversalFailed':
      edit(call.stan).status = 'reversal-failed';
      break;
    case 'outcomeUnknown':
      edit(call.stan).status = 'unknown';
      break;
    case 'printed':
      edit(call.stan).printed = true;
      break;
    case 'settle':
      s.transactions = s.transactions.filter(
        (t) => t.batchNo > call.batchNo || t.status === 'pending' || t.status === 'reversal-pending',
      );
      s.counters.batch = s.counters.batch > call.batchNo ? s.counters.batch : next(call.batchNo);
      break;
    case 'housekeep':
      break;
  }
  return s;
}

/** JSON with sorted keys and no undefined members: two views are equal exactly when these are. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}


type View = { counters: Record<CounterName, number>; transactions: unknown };

/**
 * A mount moves the STAN and voucher counters ahead (FORMAT.md, "Counters at mount"): never back,
 * and by at most this much on the images the sweeps build.
 */
const MOUNT_JUMP_LIMIT = 200;

/**
 * The state a fresh mount showing `seen` is in, when it is `state` with the STAN and voucher
 * counters moved ahead by the mount (and nothing else changed); undefined otherwise.
 */
export function adoptMount(seen: string, state: ModelState): ModelState | undefined {
  const view = JSON.parse(seen) as View;
  if (!recordsMatch(view, state)) return undefined;
  // Values a mount moved past but nothing took were never handed out: the next mount may compute
  // its own margin from the last value taken, or from the highest one a transaction holds.
  for (const name of ['stan', 'voucher'] as const) {
    const held = state.transactions.map((t) => (name === 'stan' ? t.stan : t.voucherNo));
    if (!movedAhead(Math.max(state.issued[name], ...held), view.counters[name], MOUNT_JUMP_LIMIT)) return undefined;
  }
  return { ...state, counters: { ...view.counters } };
}

/** The view `seen` holds exactly the transactions and batch of `state` (STAN and voucher aside). */
export function sameRecords(seen: string, state: ModelState): boolean {
  return recordsMatch(JSON.parse(seen) as View, state);
}

function recordsMatch(view: View, state: ModelState): boolean {
  return canonical(view.transactions) === canonical(state.transactions) && view.counters.batch === state.counters.batch;
}

/** `to` is `from` or up to `limit` values after it, counting through the wrap from 999999 to 1. */
function movedAhead(from: number, to: number, limit: number): boolean {
  const distance = (((to - from) % 999999) + 999999) % 999999;
  return distance <= limit;
}
