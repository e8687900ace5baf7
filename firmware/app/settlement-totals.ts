/**
 * Settlement arithmetic on the terminal's side: which journal records stand in the batch, F48 of
 * the 0500 (computed by firmware/iso8583/settlement-totals.ts, shared with the host simulator so that
 * "balanced" means both books agree), and the batch-upload records.
 */
import {
  cardOrigin,
  computeTotals,
  formatSettlementField48,
  parseSettlementField48,
  SettlementFieldError,
  type SettlementTotals,
} from '../iso8583/settlement-totals.js';
import type { JournalTransaction } from '../journal/journal.js';
import { amountField, pad } from './iso-requests.js';
import { TRANSACTION_KINDS } from './transaction-kinds.js';

/** Approved transactions that count in the batch: not voided, and a debit or a credit. */
export function settledTransactions(transactions: readonly JournalTransaction[]): JournalTransaction[] {
  return transactions.filter(
    (tx) => tx.status === 'approved' && tx.voidedBy === undefined && TRANSACTION_KINDS[tx.type].settlement !== 'none',
  );
}

export function batchTotals(transactions: readonly JournalTransaction[]): SettlementTotals {
  return computeTotals(
    transactions
      .filter((tx) => tx.status === 'approved')
      .map((tx) => ({
        type: tx.type,
        origin: cardOrigin(tx.request.pan),
        amountFen: tx.amountFen,
        voided: tx.voidedBy !== undefined,
        reversed: false,
      })),
  );
}

export function settlementField48(totals: SettlementTotals): string {
  return formatSettlementField48(totals);
}

/** The host's verdict on the domestic totals: 1 balanced; 2/3 (or an unreadable field) not. */
export function hostSaysBalanced(responseField48: string | undefined): boolean {
  if (responseField48 === undefined) return false;
  try {
    const parsed = parseSettlementField48(responseField48);
    return parsed.domesticCode === '1' && (parsed.foreignCode === '1' || parsed.foreignCode === '0');
  } catch (error) {
    if (error instanceof SettlementFieldError) return false;
    throw error;
  }
}

/** F48 for batch upload messages: count(2) + up to 8 records of org(2)+STAN(6)+PAN(20)+amount(12). */
export function batchUploadField48s(transactions: readonly JournalTransaction[]): string[] {
  const records = settledTransactions(transactions).map(
    (tx) => '00' + pad(tx.stan, 6) + tx.request.pan.padStart(20, '0') + amountField(tx.amountFen),
  );
  const out: string[] = [];
  for (let i = 0; i < records.length; i += 8) {
    const chunk = records.slice(i, i + 8);
    out.push(pad(chunk.length, 2) + chunk.join(''));
  }
  return out;
}
