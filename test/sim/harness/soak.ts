/**
 * Random trading days for `npm run soak`: each day signs in, trades (sales, declines, balance
 * inquiries, voids, refunds, pre-auths, their voids and completions, completion voids, reprints,
 * paper-outs) and settles. About a
 * third of the requests get one of the host simulator's faults (every kind), and about one event in
 * eight loses power somewhere inside (a flash operation in any cut mode, or a message boundary);
 * four in ten of those lose it again while the terminal recovers (boot reversal, sign-in).
 * Everything comes from the seed: day d of seed S is the same day on every machine.
 */
import { CUT_MODES } from '../../../firmware/drivers/flash/simulated-nor.js';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import { FAULT_KINDS, type FaultKind } from '../../../tools/host-sim/fault-plan.js';
import type { CashierAction } from './cashier.js';
import type { DayEvent, DayOptions, PowerCutPlan } from './day-run.js';
import { emptyTotals, runAndTally, type RunTotals } from './run-totals.js';
import { MESSAGE_BOUNDARIES } from './sim-host.js';

const PAYING = [0, 1, 2, 3, 4, 10, 11];
const DECLINING = [5, 6, 7, 8, 9];
/** Share of request slots that get a fault; reversals of faulted requests may be faulted too. */
export const FAULT_RATE = 0.3;
const CUT_RATE = 0.12;
const RECOVERY_CUT_RATE = 0.4;
/** 6 sectors of 4 KiB: room for about 25 transactions. */
const SMALL_JOURNAL_SECTORS = 6;

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

function randomFaults(rng: SeededRandom): (FaultKind | null)[] {
  return Array.from({ length: 8 }, () => (rng.chance(FAULT_RATE) ? rng.pick(FAULT_KINDS) : null));
}

function cutPlan(rng: SeededRandom, maxOp: number): PowerCutPlan {
  return rng.chance(0.6) ? { flashOp: rng.int(1, maxOp), mode: rng.pick(CUT_MODES) } : { request: rng.int(0, 1), at: rng.pick(MESSAGE_BOUNDARIES) };
}

/** Sometimes a cut; of those, some strike again while the terminal recovers from the first. */
function withRandomCut(rng: SeededRandom, event: DayEvent): DayEvent {
  if (!rng.chance(CUT_RATE)) return event;
  event.cut = cutPlan(rng, 6);
  if (rng.chance(RECOVERY_CUT_RATE)) event.cutInRecovery = cutPlan(rng, 3);
  return event;
}

/** One random day of about `transactions` cashier transactions. */
export function randomDay(seed: number, transactions: number): DayEvent[] {
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
    events.push(withRandomCut(rng, { action, faults: randomFaults(rng) }));
  }
  events.push(withRandomCut(rng, { action: { do: 'settle' }, faults: randomFaults(rng) }));
  return events;
}

/** Days of 20-40 transactions until `transactions` have been run. */
export async function soak(seed: number, transactions: number, options: Omit<DayOptions, 'seed'> = {}, onDay?: (r: RunTotals) => void): Promise<RunTotals> {
  const totals = emptyTotals();
  const sizes = new SeededRandom(seed);
  while (totals.transactions < transactions) {
    const daySeed = (seed * 7919 + totals.days) >>> 0;
    const events = randomDay(daySeed, Math.min(sizes.int(20, 40), transactions - totals.transactions));
    // Every third day on a small journal: it fills up, the terminal asks for settlement (请先结算).
    await runAndTally(totals, events, { ...(totals.days % 3 === 2 ? { flashSectors: SMALL_JOURNAL_SECTORS } : {}), ...options, seed: daySeed });
    onDay?.(totals);
  }
  return totals;
}
