/**
 * The oracle of a simulated day: it watches what the terminal's journal holds after every action
 * and every reboot, and remembers it (settlement frees journal records, the oracle keeps them), then
 * checks the issuer's ledger against it:
 * - one-sided: an entry standing at the issuer that the terminal neither holds as approved nor
 *   lists for manual handling (failed reversal; a refund whose outcome is unknown) — a silent 单边帐;
 * - lost approval: approved on the terminal, nothing standing at the issuer;
 * - wrong reversal: a reversal sent for, or applied to, a transaction the terminal holds as approved;
 * - STAN reuse: two requests (reversals aside: they repeat their original's STAN) with one STAN;
 * - a failed reversal (manual handling) the cashier was never shown on paper or in the journal;
 * - a receipt printed for a transaction that does not stand approved at the issuer (R2: record first);
 * - an approval with no receipt printed by the end of the day (R5: an approval whose receipt did not
 *   finish is offered for printing, and the cashier always takes the offer);
 * - a settlement whose totals differ from the host's, unless the batch holds what explains it (a
 *   failed reversal, a refund of unknown outcome, or a reversal its settlement round tried and the
 *   host's faults defeated);
 * - a reversal sent again after the host's 00, 12 or 25 reached the terminal (counted as wrong);
 * - an unnecessary manual handling: a reversal given up although the host had answered it 00, 12 or
 *   25, or before it was tried as often as the settings say (R3);
 * - a boot that let another request out before the reversals its image owed (R5: reversals first).
 * It learns what the terminal held from the flash images alone (read before every boot recovery
 * and after every action), never from the terminal's own view.
 * Voucher no. = STAN on this terminal (cup-pos.md), so slips and reports are keyed the same way.
 */
import { defaultSettings } from '../../../firmware/app/settings.js';
import type { PrintJob } from '../../../firmware/drivers/printer/print-job.js';
import type { JournalTransaction } from '../../../firmware/journal/journal.js';
import type { IssuerLedger } from '../../../tools/host-sim/issuer-ledger.js';
import { TERMINAL_ID, type SentRequest } from './sim-host.js';

export interface OracleVerdict {
  oneSided: string[];
  lostApprovals: string[];
  wrongReversals: string[];
  stanReuse: string[];
  /** Reversals that ran out of tries, handed to a person (冲正不成功 slip, settlement report). */
  manual: number;
  /** Refunds whose outcome is unknown (cut after they left; refunds are not reversed): each on a 交易结果未知 slip. */
  unknownRefunds: number;
  /**
   * Failed reversals not shown as R4 says: each needs its 冲正不成功 slip (a power cut may eat a
   * slip: then the report must carry it), and a place in its batch's settlement report (or, when the
   * batch is not settled yet, in the journal, for the report to come).
   */
  manualUnlisted: string[];
  /** Transaction receipts handed to a customer for what is not standing at the issuer as approved (R2). */
  receiptsWithoutDebit: string[];
  /** Approvals that never got a receipt (R5). */
  approvalsWithoutReceipt: string[];
  /** Settlements whose totals differ from the host's with nothing in the batch to explain it. */
  settlementMismatches: string[];
  /** Reversals given up (manual handling) that the host had answered 00, 12 or 25. */
  unnecessaryManual: string[];
  /**
   * Requests that went out before a reversal the flash owed: after a boot, anything but the
   * sign-in before the reversals its image owed (R5); at any other time, a transaction, settlement
   * or batch upload sent while the image held a reversal still owed (a skipped reversal round).
   */
  reversalsSkipped: string[];
}

/** Requests that must wait for every owed reversal (reversals go out first: cup-pos.md). */
const AFTER_REVERSALS = new Set(['0100', '0200', '0220', '0500', '0320']);

export function verdictFailed(v: OracleVerdict): boolean {
  return (
    v.oneSided.length + v.lostApprovals.length + v.wrongReversals.length + v.stanReuse.length + v.manualUnlisted.length + v.receiptsWithoutDebit.length +
      v.approvalsWithoutReceipt.length + v.settlementMismatches.length + v.unnecessaryManual.length + v.reversalsSkipped.length >
    0
  );
}

/** Tries before a reversal may be given up (the terminal's default settings; R3). */
const REVERSAL_TRIES = defaultSettings().reversalTries;
/** 0410 codes that clear a reversal (R4). */
const CLEARS_REVERSAL = new Set(['00', '12', '25']);

function keyOf(batch: number | string, stan: number | string): string {
  return `${String(batch).padStart(6, '0')}/${String(stan).padStart(6, '0')}`;
}

export class LedgerOracle {
  /** Every transaction ever seen approved, by batch/STAN (the cashier's receipts, too). */
  private readonly approved = new Map<string, JournalTransaction>();
  private readonly reversalFailed = new Set<string>();
  private readonly unknownRefunds = new Set<string>();
  /** Each boot: the host's request count at power-on and the reversals its flash image owed. */
  private readonly boots: { firstRequest: number; owed: string[] }[] = [];
  private readonly skippedRounds: string[] = [];

  /**
   * `keysSurviveBoot: false` where the terminal's working keys die with it (a killed process keeps
   * no secure memory): a reversal cannot be MACed before sign-in, so the 0800 may go first.
   */
  constructor(private readonly options: { keysSurviveBoot?: boolean } = {}) {}

  /** A boot: `transactions` is its flash image before recovery; `firstRequest` the next request's index. */
  observeBoot(transactions: readonly JournalTransaction[], firstRequest: number): void {
    this.observe(transactions);
    // A pending refund is not reversible: it becomes 'unknown' (manual), nothing is sent for it.
    const owed = transactions
      .filter((tx) => tx.status === 'reversal-pending' || (tx.status === 'pending' && tx.reversible))
      .map((tx) => keyOf(tx.batchNo, tx.stan));
    this.boots.push({ firstRequest, owed });
  }

  /**
   * A request leaving the terminal, with the flash image as it stood then: a transaction or a
   * settlement must not leave while another transaction still owes its reversal.
   */
  observeRequest(mti: string, stan: string | undefined, transactions: readonly JournalTransaction[]): void {
    if (!AFTER_REVERSALS.has(mti)) return;
    const owed = transactions.filter((tx) => tx.status === 'reversal-pending' && String(tx.stan).padStart(6, '0') !== stan);
    for (const tx of owed) this.skippedRounds.push(`${mti} ${stan ?? '?'} went out while ${keyOf(tx.batchNo, tx.stan)} owed its reversal`);
  }

  /** What one flash image holds (see JournalImageReader). */
  observe(transactions: readonly JournalTransaction[]): void {
    for (const tx of transactions) {
      const key = keyOf(tx.batchNo, tx.stan);
      if (tx.status === 'approved') this.approved.set(key, tx);
      else if (tx.status === 'reversal-failed') this.reversalFailed.add(key);
      else if (tx.status === 'unknown' && tx.type === 'refund') this.unknownRefunds.add(key);
    }
  }

  /** Approved transactions, newest first (the receipts a cashier would pick up). */
  receipts(): JournalTransaction[] {
    return [...this.approved.values()].reverse();
  }

  /**
   * `host`: the issuer's ledger and the requests as the host received them; `printed`: every job
   * that printed to the end; `journal`: the terminal's journal at the end of the day.
   */
  check(
    host: { ledger: IssuerLedger; sent: readonly Pick<SentRequest, 'mti' | 'stan' | 'batch' | 'deliveredCode' | 'settlement'>[] },
    printed: readonly PrintJob[],
    journal: readonly JournalTransaction[],
    options: { cuts: number },
  ): OracleVerdict {
    const entries = host.ledger.entries({ terminalId: TERMINAL_ID });
    const standing = new Set(entries.filter((e) => !e.reversed).map((e) => keyOf(e.batch, e.stan)));
    const oneSided = entries
      .filter((e) => !e.reversed)
      .map((e) => keyOf(e.batch, e.stan))
      .filter((k) => !this.approved.has(k) && !this.reversalFailed.has(k) && !this.unknownRefunds.has(k));
    const lostApprovals = [...this.approved.keys()].filter((k) => !standing.has(k));
    const wrong = new Set(entries.filter((e) => e.reversed && this.approved.has(keyOf(e.batch, e.stan))).map((e) => keyOf(e.batch, e.stan)));
    for (const r of host.sent) {
      if (r.mti === '0400' && r.batch !== undefined && r.stan !== undefined && this.approved.has(keyOf(r.batch, r.stan))) wrong.add(keyOf(r.batch, r.stan));
    }
    const seen = new Set<string>();
    const stanReuse: string[] = [];
    for (const r of host.sent) {
      if (r.mti === '0400' || r.stan === undefined) continue;
      if (seen.has(r.stan)) stanReuse.push(`${r.mti} ${r.stan}`);
      seen.add(r.stan);
    }
    const manualUnlisted = this.unlistedFailures(printed, journal, options.cuts > 0);
    const receiptsWithoutDebit = [
      ...new Set(
        printed
          .filter((job) => job.kind === 'transaction')
          .map((job) => keyOf(job.batchNo, job.voucherNo))
          .filter((key) => !this.approved.has(key) || !standing.has(key)),
      ),
    ];
    const receipted = new Set(printed.filter((job) => job.kind === 'transaction').map((job) => keyOf(job.batchNo, job.voucherNo)));
    const approvalsWithoutReceipt = [...this.approved.keys()].filter((k) => !receipted.has(k));
    // A reversal sent again after the host's clearing answer reached the terminal, with no power cut between (R4).
    const boots = this.boots.map((b) => b.firstRequest);
    host.sent.forEach((r, i) => {
      if (r.mti !== '0400' || !CLEARS_REVERSAL.has(r.deliveredCode ?? '')) return;
      const key = keyOf(r.batch ?? '', r.stan ?? '');
      const again = host.sent.findIndex((later, j) => j > i && later.mti === '0400' && keyOf(later.batch ?? '', later.stan ?? '') === key);
      if (again > i && !boots.some((b) => b > i && b <= again)) wrong.add(`${key} reversed again after ${r.deliveredCode}`);
    });
    const unnecessaryManual = [...this.reversalFailed].filter((k) => {
      const tries = host.sent.filter((r) => r.mti === '0400' && keyOf(r.batch ?? '', r.stan ?? '') === k);
      return tries.length < REVERSAL_TRIES || tries.some((r) => CLEARS_REVERSAL.has(r.deliveredCode ?? ''));
    });
    return {
      oneSided: [...new Set(oneSided)],
      lostApprovals,
      wrongReversals: [...wrong],
      stanReuse,
      manual: this.reversalFailed.size,
      unknownRefunds: this.unknownRefunds.size,
      manualUnlisted,
      receiptsWithoutDebit,
      approvalsWithoutReceipt,
      settlementMismatches: this.settlementMismatches(host.sent),
      unnecessaryManual,
      reversalsSkipped: [...this.bootRoundsSkipped(host.sent), ...this.skippedRounds],
    };
  }

  /** After each boot, the requests up to the first that is not a 0400 must include every owed reversal. */
  private bootRoundsSkipped(sent: readonly Pick<SentRequest, 'mti' | 'stan' | 'batch'>[]): string[] {
    const skipped: string[] = [];
    this.boots.forEach((boot, b) => {
      const end = this.boots[b + 1]?.firstRequest ?? sent.length;
      const reversed = new Set<string>();
      for (let i = boot.firstRequest; i < end; i++) {
        const r = sent[i]!;
        if (r.mti === '0800' && this.options.keysSurviveBoot === false) continue;
        if (r.mti !== '0400') {
          for (const key of boot.owed) if (!reversed.has(key)) skipped.push(`boot ${b + 1}: ${r.mti} went out before the reversal of ${key}`);
          return;
        }
        reversed.add(keyOf(r.batch ?? '', r.stan ?? ''));
      }
    });
    return skipped;
  }

  /**
   * The first 0500 of a batch must balance with the host, unless the batch holds a manual item
   * (failed reversal, refund of unknown outcome) or a reversal the settlement's own round (the 0400s
   * just before the 0500) sent and did not get cleared.
   */
  private settlementMismatches(sent: readonly Pick<SentRequest, 'mti' | 'stan' | 'batch' | 'deliveredCode' | 'settlement'>[]): string[] {
    const mismatches: string[] = [];
    sent.forEach((r, i) => {
      const outcome = r.settlement;
      if (!outcome || outcome.balanced || outcome.afterUpload) return;
      const batch = outcome.batch;
      const manual = [...this.reversalFailed, ...this.unknownRefunds].some((k) => k.startsWith(`${batch}/`));
      let owed = false;
      for (let j = i - 1; j >= 0 && sent[j]!.mti === '0400'; j--) {
        if (sent[j]!.batch === batch && !CLEARS_REVERSAL.has(sent[j]!.deliveredCode ?? '')) owed = true;
      }
      if (!manual && !owed) mismatches.push(`batch ${batch}: terminal ${JSON.stringify(outcome.terminalTotals)} host ${JSON.stringify(outcome.hostTotals)}`);
    });
    return mismatches;
  }

  private unlistedFailures(printed: readonly PrintJob[], journal: readonly JournalTransaction[], hadCuts: boolean): string[] {
    const slips = new Set<string>();
    const reported = new Set<string>();
    const reportedBatches = new Set<string>();
    for (const job of printed) {
      if (job.kind === 'reversal-failed') slips.add(keyOf(job.batchNo, job.voucherNo));
      if (job.kind === 'settlement') {
        reportedBatches.add(keyOf(job.batchNo, 0).slice(0, 6));
        for (const f of job.failedReversals) reported.add(keyOf(job.batchNo, f.voucherNo));
      }
    }
    const kept = new Set(journal.filter((tx) => tx.status === 'reversal-failed').map((tx) => keyOf(tx.batchNo, tx.stan)));
    return [...this.reversalFailed].filter((key) => {
      const inReport = reportedBatches.has(key.slice(0, 6)) ? reported.has(key) : kept.has(key);
      const slipOrExcused = slips.has(key) || (hadCuts && reported.has(key));
      return !inReport || !slipOrExcused;
    });
  }
}
