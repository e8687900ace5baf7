/**
 * Printing with paper-out recovery: a failed job waits for paper (ENTER, or the paper sensor) and
 * prints again from the top. A resumed job is not marked 重打印: the torn copy never completed, so
 * the complete one is the first; REPRINT marks only copies printed again on request or at boot.
 */
import type { PrintJob, ReceiptCopy } from '../../drivers/printer/print-job.js';
import type { JournalTransaction } from '../../journal/journal.js';
import type { EngineContext } from '../engine-context.js';
import { formatFen, type TextKey } from '../screens/screen-text.js';
import { receiptCopies, transactionReceipt } from '../receipts.js';
import { askPaper, journalCall, log, printJob, show, t, waitInput, type Flow } from './primitives.js';

/**
 * true when the job printed; false when the cashier gave up (CANCEL) after a fault. `status` is what
 * the cashier must keep seeing through a fault (交易成功 and the amount of an approved sale).
 */
export function* printWithRecovery(ctx: EngineContext, job: PrintJob, status: readonly string[] = []): Flow<boolean> {
  for (;;) {
    show(ctx, 'appTitle', [...status, t(ctx, 'printing')]);
    const outcome = yield* printJob(job);
    if (outcome.ok) return true;
    log(ctx, 'warn', 'printer.fault', { reason: outcome.reason, linesPrinted: outcome.linesPrinted, job: job.kind });
    const fault: TextKey = outcome.reason === 'paper-out' ? 'paperOut' : 'printerFault';
    if (status.length === 0) {
      show(ctx, fault, [t(ctx, fault), t(ctx, 'loadPaper')]);
    } else {
      // The status stays on screen: a cashier who sees only PAPER OUT may think the sale failed and charge again.
      const head = status.join(' ');
      show(ctx, { raw: head }, ctx.display.rows >= 4 ? [t(ctx, fault), t(ctx, 'loadPaper')] : [head, t(ctx, 'loadPaper')]);
    }
    // The receipt matters more than the idle screen: wait without a timeout.
    for (;;) {
      const ev = yield* waitInput(undefined);
      if (ev.kind === 'key' && ev.key === 'CANCEL') return false;
      if ((ev.kind === 'key' && ev.key === 'ENTER') || (ev.kind === 'paper' && ev.present)) break;
    }
  }
}

/**
 * Paper before money: a transaction that would go online while the printer reports no paper would
 * leave the cardholder charged with no receipt. Shows 请装纸 / LOAD PAPER and waits for paper (the
 * sensor, or ENTER to look again); false when the cashier cancels or walks away: nothing was sent.
 * A printer that cannot say (no answer) does not stop trading: a paper-out while printing is handled.
 */
export function* paperReady(ctx: EngineContext): Flow<boolean> {
  for (;;) {
    const present = yield* askPaper();
    if (present !== false) return true;
    log(ctx, 'warn', 'printer.no-paper-before-online');
    show(ctx, 'paperOut', [t(ctx, 'loadPaperFirst'), t(ctx, 'loadPaperThenEnter')]);
    for (;;) {
      const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
      if (ev.kind === 'timeout' || (ev.kind === 'key' && ev.key === 'CANCEL')) return false;
      if ((ev.kind === 'key' && ev.key === 'ENTER') || (ev.kind === 'paper' && ev.present)) break;
    }
  }
}

/**
 * CANCEL at 撕下: the cashier is asked whether to skip the rest (the cardholder copy); ENTER skips,
 * CANCEL goes back to printing it. Nobody there (timeout) prints it, as before.
 */
function* tearOff(ctx: EngineContext, reprint: boolean): Flow<'print' | 'skip'> {
  for (;;) {
    show(ctx, reprint ? 'reprint' : 'approved', [t(ctx, 'tearOff'), t(ctx, 'pressEnterNextCopy')]);
    let ev = yield* waitInput(ctx.settings.idleTimeoutMs);
    if (ev.kind === 'timeout' || (ev.kind === 'key' && ev.key === 'ENTER')) return 'print';
    if (ev.kind !== 'key' || ev.key !== 'CANCEL') continue;
    show(ctx, 'approved', [t(ctx, 'skipCardholderCopy'), t(ctx, 'skipCopyKeys')]);
    for (;;) {
      ev = yield* waitInput(ctx.settings.idleTimeoutMs);
      if (ev.kind === 'timeout') return 'print';
      if (ev.kind === 'key' && ev.key === 'ENTER') return 'skip';
      if (ev.kind === 'key' && ev.key === 'CANCEL') break;
    }
  }
}

/**
 * Prints every configured copy of a transaction: the merchant copy first (then the journal learns
 * it is printed), the others each after a key (or the idle timeout) so the cashier can tear off.
 * `copies` narrows it (6-5 prints the cardholder copy alone). false when a fault was given up on.
 */
export function* printTransactionCopies(
  ctx: EngineContext,
  tx: JournalTransaction,
  reprint: boolean,
  copies: readonly ReceiptCopy[] = receiptCopies(ctx.settings.receiptCopies),
): Flow<boolean> {
  for (const [i, copy] of copies.entries()) {
    if (i > 0 && (yield* tearOff(ctx, reprint)) === 'skip') {
      // Moved to the end when skipped again: 6-5 ENTER prints the copy skipped last.
      ctx.skippedCopies = [...ctx.skippedCopies.filter((v) => v !== tx.voucherNo), tx.voucherNo];
      log(ctx, 'info', 'receipt.copy-skipped', { voucherNo: tx.voucherNo, copies: copies.slice(i) });
      return true;
    }
    const status = reprint ? [t(ctx, 'reprint')] : [t(ctx, 'approved'), formatFen(tx.amountFen)];
    const ok = yield* printWithRecovery(ctx, transactionReceipt(tx, copy, reprint, ctx.settings, ctx.time.wall), status);
    if (!ok) return false;
    if (copy === 'merchant' && !tx.printed) yield* journalCall(ctx, { method: 'printed', stan: tx.stan });
  }
  return true;
}
