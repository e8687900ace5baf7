/**
 * Settlement (结算) totals as field 48 of the 0500 carries them, computed the same way by the
 * terminal and by the host simulator so that "balanced" means the two books agree.
 *
 * F48 = domestic then foreign, each: debit amount n12 + debit count n3 + credit amount n12 +
 * credit count n3 + reconciliation code n1 (the terminal sends 0; the host answers 1 balanced,
 * 2 unbalanced, 3 error) — 62 digits in all.
 *
 * What counts: approved sales and completions are debits, approved refunds are credits. A void or
 * completion void removes its original from the totals and is not counted itself; reversed
 * transactions count nowhere; pre-authorisations and their voids only hold funds and count nowhere.
 */

export type CardOrigin = 'domestic' | 'foreign';
export type ReconciliationCode = '0' | '1' | '2' | '3';
export type SettledType = 'sale' | 'void' | 'refund' | 'preauth' | 'preauth-void' | 'completion' | 'completion-void';

export interface SideTotals {
  debitFen: number;
  debitCount: number;
  creditFen: number;
  creditCount: number;
}

export interface SettlementTotals {
  domestic: SideTotals;
  foreign: SideTotals;
}

export interface SettlementField48 {
  totals: SettlementTotals;
  domesticCode: ReconciliationCode;
  foreignCode: ReconciliationCode;
}

/** One approved transaction of the batch as the totals see it. */
export interface SettledTransaction {
  type: SettledType;
  origin: CardOrigin;
  amountFen: number;
  /** Voided by a later void / completion void of the same batch. */
  voided: boolean;
  /** Reversed (冲正) successfully. */
  reversed: boolean;
}

export class SettlementFieldError extends Error {
  constructor(detail: string) {
    super(`settlement F48: ${detail}`);
    this.name = 'SettlementFieldError';
  }
}

/**
 * International scheme BINs (Visa 4, Mastercard 5 / 2-series, Amex/JCB/Diners 3) are 外卡;
 * everything else, UnionPay 62 included, is 内卡. A simplification of the real BIN tables that the
 * terminal and the simulator share.
 */
export function cardOrigin(pan: string): CardOrigin {
  return /^[345]/.test(pan) || /^2[2-7]/.test(pan) ? 'foreign' : 'domestic';
}

export function emptyTotals(): SettlementTotals {
  return {
    domestic: { debitFen: 0, debitCount: 0, creditFen: 0, creditCount: 0 },
    foreign: { debitFen: 0, debitCount: 0, creditFen: 0, creditCount: 0 },
  };
}

export function computeTotals(transactions: readonly SettledTransaction[]): SettlementTotals {
  const totals = emptyTotals();
  for (const t of transactions) {
    if (t.voided || t.reversed) continue;
    const side = totals[t.origin];
    if (t.type === 'sale' || t.type === 'completion') {
      side.debitFen += t.amountFen;
      side.debitCount += 1;
    } else if (t.type === 'refund') {
      side.creditFen += t.amountFen;
      side.creditCount += 1;
    }
  }
  return totals;
}

export function totalsEqual(a: SettlementTotals, b: SettlementTotals): boolean {
  return sideEqual(a.domestic, b.domestic) && sideEqual(a.foreign, b.foreign);
}

export function formatSettlementField48(
  totals: SettlementTotals,
  domesticCode: ReconciliationCode = '0',
  foreignCode: ReconciliationCode = '0',
): string {
  return formatSide(totals.domestic, domesticCode, 'domestic') + formatSide(totals.foreign, foreignCode, 'foreign');
}

export function parseSettlementField48(f48: string): SettlementField48 {
  if (!/^\d{62}/.test(f48)) throw new SettlementFieldError(`expected at least 62 digits, got "${f48.slice(0, 70)}"`);
  const domestic = parseSide(f48.slice(0, 31), 'domestic');
  const foreign = parseSide(f48.slice(31, 62), 'foreign');
  return { totals: { domestic: domestic.side, foreign: foreign.side }, domesticCode: domestic.code, foreignCode: foreign.code };
}

function sideEqual(a: SideTotals, b: SideTotals): boolean {
  return a.debitFen === b.debitFen && a.debitCount === b.debitCount && a.creditFen === b.creditFen && a.creditCount === b.creditCount;
}

function formatSide(side: SideTotals, code: ReconciliationCode, name: string): string {
  return (
    digits(side.debitFen, 12, `${name} debit amount`) +
    digits(side.debitCount, 3, `${name} debit count`) +
    digits(side.creditFen, 12, `${name} credit amount`) +
    digits(side.creditCount, 3, `${name} credit count`) +
    code
  );
}

function digits(value: number, width: number, what: string): string {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 10 ** width) {
    throw new SettlementFieldError(`${what} ${value} does not fit n${width}`);
  }
  return String(value).padStart(width, '0');
}

function parseSide(s: string, name: string): { side: SideTotals; code: ReconciliationCode } {
  const code = s[30]!;
  if (!'0123'.includes(code)) throw new SettlementFieldError(`${name} reconciliation code "${code}" is not 0-3`);
  return {
    side: {
      debitFen: Number(s.slice(0, 12)),
      debitCount: Number(s.slice(12, 15)),
      creditFen: Number(s.slice(15, 27)),
      creditCount: Number(s.slice(27, 30)),
    },
    code: code as ReconciliationCode,
  };
}
