/**
 * The scripted trading day of `npm run powerloss`: sign-in; 34 sales (and any number more) (five of them declined: low
 * balance, expired, lost, stolen, over the card's limit); a void; a refund; a pre-auth and its
 * completion; balance inquiries; reprints; a paper-out in the middle of a receipt; settlement.
 * Amounts are all different, so the cashier finds the originals of the void, refund and completion
 * by amount (as a person reads them off the receipts).
 */
import type { DayEvent } from './day-run.js';
import type { CashierAction } from './cashier.js';

/** Cards of tools/host-sim/cards.json: 0-4 and 10-11 pay; the others decline. */
const PAYING = [0, 1, 2, 3, 4, 10, 11];
const DECLINING: { card: number; amountFen: number }[] = [
  { card: 5, amountFen: 5_000 }, // 51: balance 10.00
  { card: 6, amountFen: 1_234 }, // 54: expired
  { card: 7, amountFen: 2_345 }, // 41: lost
  { card: 8, amountFen: 3_456 }, // 43: stolen
  { card: 9, amountFen: 20_000 }, // 61: over the 100.00 limit
];

export const VOIDED_SALE = 3_303;
export const REFUNDED_SALE = 5_505;
export const PREAUTH = 50_000;
/** The sale caught in a network blip before settlement: no answer, then the link is down for its reversal. */
export const BLIP_SALE = 7_707;

function sale(n: number): CashierAction {
  return { do: 'sale', amountFen: 1_000 + n * 101, card: PAYING[n % PAYING.length]! };
}

/** `extraSales` more approved sales before settlement make a longer day (more places to cut). */
export function tradingDay(extraSales = 0): DayEvent[] {
  const actions: CashierAction[] = [{ do: 'sign-in' }];
  for (let n = 1; n <= 8; n++) actions.push(sale(n));
  actions.push({ do: 'sale', amountFen: VOIDED_SALE, card: 1 }, { do: 'balance', card: 0 });
  actions.push({ do: 'sale', ...DECLINING[0]! }, { do: 'sale', amountFen: REFUNDED_SALE, card: 2 });
  for (let n = 9; n <= 14; n++) actions.push(sale(n));
  // The roll ends in the middle of the next receipt: 纸张用完 请装纸, reload, the receipt again.
  actions.push({ do: 'paper-out', afterLines: 12 }, sale(15), { do: 'sale', ...DECLINING[1]! });
  actions.push({ do: 'void', ofAmount: VOIDED_SALE }, { do: 'reprint-last' });
  for (let n = 16; n <= 20; n++) actions.push(sale(n));
  actions.push({ do: 'refund', ofAmount: REFUNDED_SALE, amountFen: 2_000 }, { do: 'sale', ...DECLINING[2]! });
  actions.push({ do: 'preauth', amountFen: PREAUTH, card: 3 }, { do: 'balance', card: 2 });
  for (let n = 21; n <= 24; n++) actions.push(sale(n));
  actions.push({ do: 'completion', ofAmount: PREAUTH, amountFen: 48_000 }, { do: 'sale', ...DECLINING[3]! });
  for (let n = 25; n <= 27; n++) actions.push(sale(n));
  actions.push({ do: 'sale', ...DECLINING[4]! }, { do: 'reprint-last' }, { do: 'balance', card: 10 });
  for (let n = 28; n < 28 + extraSales; n++) actions.push(sale(n));
  // A network blip: the sale's answer never comes and its reversal finds the link down (nothing
  // sent, the round is blocked), so settlement's own reversal round must send it before the 0500.
  const blip = actions.push({ do: 'sale', amountFen: BLIP_SALE, card: 4 }) - 1;
  actions.push({ do: 'settle' });
  return actions.map((action, i) => (i === blip ? { action, faults: ['drop', 'unreachable'] } : { action }));
}
