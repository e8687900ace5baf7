/**
 * Printing with paper-out recovery: a failed job waits for paper (ENTER, or the paper sensor) and
 * prints again from the top. A resumed job is not marked 重打印: the torn copy never completed, so
 * the complete one is the first; REPRINT marks only copies printed again on request or at boot.
 */
import type { PrintJob } from '../../drivers/printer/print-job.js';
import type { JournalTransaction } from '../../journal/journal.js';
import type { EngineContext } from '../engine-context.js';
import { formatFen } from '../screens/screen-text.js';
import { receiptCopies, transactionReceipt } from '../receipts.js';
import { journalCall, log, printJob, show, t, waitInput, type Flow } from './primitives.js';

/** true when the job printed; false when the cashier gave up (CANCEL) after a fault. */
export function* printWithRecovery(ctx: EngineContext, job: PrintJob, status: readonly string[] = []): Flow<boolean> {
  for (;;) {
    show(ctx, 'appTitle', [...status, t(ctx, 'printing')]);
    const outcome = yield* printJob(job);
    if (outcome.ok) return true;
    log(ctx, 'warn', 'printer.fault', { reason: outcome.reason, linesPrinted: outcome.linesPrinted, job: job.kind });
    if (outcome.reason === 'paper-out') show(ctx, 'paperOut', [t(ctx, 'paperOut'), t(ctx, 'loadPaper')]);
    else show(ctx, 'printerFault', [t(ctx, 'printerFault'), t(ctx, 'loadPaper')]);
    // The receipt matters more than the idle screen: wait without a timeout.
    for (;;) {
      const ev = yield* waitInput(undefined);
      if (ev.kind === 'key' && ev.key === 'CANCEL') return false;
      if ((ev.kind === 'key' && ev.key === 'ENTER') || (ev.kind === 'paper' && ev.present)) break;
    }
  }
}

/**
 * Prints every configured copy of a transaction: the merchant copy first (then the journal learns
 * it is printed), the others each after a key (or the idle timeout) so the cashier can tear off.
 */
export function* printTransactionCopies(ctx: EngineContext, tx: JournalTransaction, reprint: boolean): Flow<void> {
  const copies = receiptCopies(ctx.settings.receiptCopies);
  for (const [i, copy] of copies.entries()) {
    if (i > 0) {
      show(ctx, reprint ? 'reprint' : 'approved', [t(ctx, 'tearOff'), t(ctx, 'pressEnterNextCopy')]);
      let skip = false;
      for (;;) {
        const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
        if (ev.kind === 'timeout' || (ev.kind === 'key' && ev.key === 'ENTER')) break;
        if (ev.kind === 'key' && ev.key === 'CANCEL') {
          skip = true;
          break;
        }
      }
      if (skip) return;
    }
    const status = reprint ? [t(ctx, 'reprint')] : [t(ctx, 'approved'), formatFen(tx.amountFen)];
    const ok = yield* printWithRecovery(ctx, transactionReceipt(tx, copy, reprint, ctx.settings, ctx.time.wall), status);
    if (!ok) return;
    if (copy === 'merchant' && !tx.printed) yield* journalCall(ctx, { method: 'printed', stan: tx.stan });
  }
}
