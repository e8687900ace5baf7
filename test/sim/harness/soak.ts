/**
 * Random trading days for `npm run soak`: each day signs in, trades (sales, declines, balance
 * inquiries, voids, refunds, pre-auths, their voids and completions, completion voids, reprints,
 * paper-outs), sends echo tests while idle between customers, changes shifts (sign-off, sign-in)
 * and settles. About a third of the requests get one of the host simulator's faults (every kind),
 * and about one event in eight (echo tests, sign-offs and sign-ins as well) loses power somewhere
 * inside (a flash operation in any cut mode, a message boundary, a print job); four in ten of those
 * lose it again while the terminal recovers (boot reversal, sign-in).
 * Everything comes from the seed: day d of seed S is the same day on every machine.
 */
import { CUT_MODES } from '../../../firmware/drivers/flash/simulated-nor.js';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';

import type { CashierAction } from './cashier.js';
import type { DayEvent, DayOptions, PowerCutPlan } from './day-run.js';
import { emptyTotals, runAndTally, type RunTotals } from './run-totals.js';
import { MESSAGE_BOUNDARIES, REVERSAL_ANSWERS, SIM_FAULT_KINDS, type SimFault } from './sim-host.js';

const PAYING = [0, 1, 2, 3, 4, 10, 11];
const DECLINING = [5, 6, 7, 8, 9];
/** Share of request slots that get a fault; reversals of faulted requests may be faulted too. */
export const FAULT_RATE = 0.3;
const CUT_RATE = 0.12;
const RECOVERY_CUT_RATE = 0.4;
/**
 * The soak's journal: 8 sectors of 1 KiB (room for about a dozen transactions), so it fills and the
 * cashier settles (请先结算) several times a day, and the idle terminal's echo tests wrap the ring
 * over the open batch between settlements, so GC carries its records (50 echo tests at most between
 * customers: 30 gave 8 GC copies per 200 transactions on seed 1, 50 gave 86 on seed 2). On the
 * 64 KiB default the ring never wraps within a day, and reading its images for the oracle at every
 * request made the day half as slow again.
 */
export const SOAK_JOURNAL = { flashSectors: 8, sectorSize: 1024 } as const;

function fen(rng: SeededRandom, used: Set<number>): number {
  for (;;) {
    const amount = rng.int(1, 99_999);
    if (!used.has(amount)) {
      used.add(amount);
      return amount;
    }
  }
}

function randomAction(rng: SeededRandom, used: Set<number>, sales: number[], preauths: number[], completions: number[]): CashierAction {
  const roll = rng.next();
  if (roll < 0.5) {
    const amountFen = fen(rng, used);
    sales.push(amountFen);
    return { do: 'sale', amountFen, card: rng.pick(PAYING) };
  }
  if (roll < 0.58) return { do: 'sale', amountFen: fen(rng, used) + 20_000, card: rng.pick(DECLINING) };
  if (roll < 0.66) return { do: 'balance', card: rng.pick([...PAYING, ...DECLINING]) };
  if (roll < 0.72 && sales.length > 0) return { do: 'void', ofAmount: sales.splice(rng.int(0, sales.length - 1), 1)[0]! };
  if (roll < 0.77 && sales.length > 0) {
    const ofAmount = rng.pick(sales);
    return { do: 'refund', ofAmount, amountFen: rng.int(1, ofAmount) };
  }
  if (roll < 0.83) {
    const amountFen = fen(rng, used);
    preauths.push(amountFen);
    return { do: 'preauth', amountFen, card: rng.pick(PAYING) };
  }
  if (roll < 0.88 && preauths.length > 0) {
    const ofAmount = preauths.splice(rng.int(0, preauths.length - 1), 1)[0]!;
    if (rng.chance(0.3)) return { do: 'preauth-void', ofAmount };
    const amountFen = fen(rng, used) % ofAmount || ofAmount;
    completions.push(amountFen);
    return { do: 'completion', ofAmount, amountFen };
  }
  if (roll < 0.9 && completions.length > 0) return { do: 'completion-void', ofAmount: completions.splice(rng.int(0, completions.length - 1), 1)[0]! };
  if (roll < 0.94) return { do: 'reprint-last' };
  return { do: 'paper-out', afterLines: rng.int(0, 40) };
}

function randomFaults(rng: SeededRandom, kinds: readonly SimFault[] = SIM_FAULT_KINDS): (SimFault | null)[] {
  return Array.from({ length: 8 }, () => (rng.chance(FAULT_RATE) ? rng.pick(kinds) : null));
}

/** An echo test sends one 0820 and never a 0400, so a 0400's answer would be a fault that never happens. */
const ECHO_FAULT_KINDS = SIM_FAULT_KINDS.filter((k) => !(REVERSAL_ANSWERS as readonly string[]).includes(k));

function cutPlan(rng: SeededRandom, maxOp: number): PowerCutPlan {
  const roll = rng.next();
  if (roll < 0.55) return { flashOp: rng.int(1, maxOp), mode: rng.pick(CUT_MODES) };
  if (roll < 0.9) return { request: rng.int(0, 1), at: rng.pick(MESSAGE_BOUNDARIES) };
  return { printJob: rng.int(0, 1) };
}

/** Sometimes a cut; of those, some strike again while the terminal recovers from the first. */
function withRandomCut(rng: SeededRandom, event: DayEvent): DayEvent {
  if (!rng.chance(CUT_RATE)) return event;
  event.cut = cutPlan(rng, 6);
  if (rng.chance(RECOVERY_CUT_RATE)) event.cutInRecovery = cutPlan(rng, 3);
  return event;
}

/**
 * What a terminal does between customers: while idle it sends an echo test (0820, 回响测试) every
 * few minutes, and at a shift change the cashier signs off and the next one signs in. Each takes a
 * STAN without a transaction, and the counter record it leaves is garbage at the next take, which
 * capacity does not count: enough of them between settlements wrap the ring over the open batch's
 * own records, and GC must carry them (FORMAT.md, "Capacity").
 */
export interface IdleHabits {
  /** Echo tests in a quiet spell before a customer: 0 to this many, drawn evenly. */
  maxEchoTests: number;
  /** Chance that a shift ends before a customer (a sign-off, then the next cashier's sign-in). */
  shiftChange: number;
}

/** A quiet terminal: an echo test every few minutes, customers far apart, a few shift changes a day. */
const IDLE_HABITS: IdleHabits = { maxEchoTests: 50, shiftChange: 0.03 };

function idleEvents(rng: SeededRandom, habits: IdleHabits): DayEvent[] {
  const events: DayEvent[] = [];
  const echoTests = rng.int(0, habits.maxEchoTests);
  for (let i = 0; i < echoTests; i++) events.push(withRandomCut(rng, { action: { do: 'echo' }, faults: randomFaults(rng, ECHO_FAULT_KINDS) }));
  if (rng.chance(habits.shiftChange)) {
    for (const action of [{ do: 'sign-off' }, { do: 'sign-in' }] as const) events.push(withRandomCut(rng, { action, faults: randomFaults(rng) }));
  }
  return events;
}

/** One random day of about `transactions` cashier transactions, with the idle terminal's echo tests and shift changes between them. */
export function randomDay(seed: number, transactions: number, habits: IdleHabits = IDLE_HABITS): DayEvent[] {
  if (!Number.isInteger(transactions) || transactions < 1) throw new RangeError(`a day needs at least one transaction, got ${transactions}`);
  const rng = new SeededRandom(seed);
  const used = new Set<number>();
  const sales: number[] = [];
  const preauths: number[] = [];
  const completions: number[] = [];
  const events: DayEvent[] = [{ action: { do: 'sign-in' }, faults: randomFaults(rng) }];
  let count = 0;
  while (count < transactions) {
    const action = randomAction(rng, used, sales, preauths, completions);
    if (!['reprint-last', 'paper-out'].includes(action.do)) count += 1;
    events.push(...idleEvents(rng, habits));
    events.push(withRandomCut(rng, { action, faults: randomFaults(rng) }));
  }
  events.push(withRandomCut(rng, { action: { do: 'settle' }, faults: randomFaults(rng) }));
  return events;
}

/**
 * What a soak must reach to count: a soak that approves nothing, never fills the journal, never
 * sees GC copy a record or never meets a fault kind proves nothing about those paths. Per 1,000
 * transactions (scaled down for shorter soaks, at least 1 each).
 */
export const SOAK_FLOORS_PER_1000 = { approvals: 300, journalFull: 10, gcCopies: 50, eachFaultKind: 5 } as const;

/** The floors a soak of `transactions` missed, one line each (empty: all met). */
export function missedFloors(totals: RunTotals, transactions: number): string[] {
  const floor = (per1000: number) => Math.max(1, Math.floor((per1000 * transactions) / 1000));
  const missed: string[] = [];
  const approvals = Object.values(totals.approved).reduce((a, b) => a + b, 0);
  if (approvals < floor(SOAK_FLOORS_PER_1000.approvals)) missed.push(`approvals=${approvals} < ${floor(SOAK_FLOORS_PER_1000.approvals)}`);
  if (totals.settlementsAsked < floor(SOAK_FLOORS_PER_1000.journalFull)) missed.push(`journal_full=${totals.settlementsAsked} < ${floor(SOAK_FLOORS_PER_1000.journalFull)}`);
  if (totals.gcCopies < floor(SOAK_FLOORS_PER_1000.gcCopies)) missed.push(`gc_copies=${totals.gcCopies} < ${floor(SOAK_FLOORS_PER_1000.gcCopies)}`);
  for (const kind of SIM_FAULT_KINDS) {
    const n = totals.faultsByKind[kind] ?? 0;
    if (n < floor(SOAK_FLOORS_PER_1000.eachFaultKind)) missed.push(`fault ${kind}=${n} < ${floor(SOAK_FLOORS_PER_1000.eachFaultKind)}`);
  }
  return missed;
}

/** Days of 20-40 transactions until `transactions` have been run. */
export async function soak(seed: number, transactions: number, options: Omit<DayOptions, 'seed'> = {}, onDay?: (r: RunTotals) => void): Promise<RunTotals> {
  const totals = emptyTotals();
  const sizes = new SeededRandom(seed);
  while (totals.transactions < transactions) {
    const daySeed = (seed * 7919 + totals.days) >>> 0;
    const events = randomDay(daySeed, Math.min(sizes.int(20, 40), transactions - totals.transactions));
    await runAndTally(totals, events, { ...SOAK_JOURNAL, ...options, seed: daySeed });
    onDay?.(totals);
  }
  return totals;
}
