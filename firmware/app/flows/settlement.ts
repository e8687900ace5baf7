/**
 * 8 结算: owed reversals first, then the totals (0500 F48); when the host says unbalanced, batch
 * upload (0320 records, then the end message with the count) and the exchange ends there — CUP
 * hosts settle an uploaded batch on the terminal's books, there is no second 0500. Then the report
 * (not balanced + uploaded, failed reversals, results unknown), then a new batch. 0500 and 0320
 * carry no MAC (DIALECT.md).
 */
import { getString } from '../../iso8583/message.js';
import type { EngineContext } from '../engine-context.js';
import type { HostOutcome } from '../engine-io.js';
import { buildBatchUpload, buildSettlement } from '../iso-requests.js';
import { settlementReport } from '../receipts.js';
import { batchTotals, batchUploadField48s, hostSaysBalanced, settledTransactions, settlementField48 } from '../settlement-totals.js';
import { cellWidth, formatFen, type TextKey } from '../screens/screen-text.js';
import { chooseKey } from './cashier-input.js';
import { currentBatch, explainBlocked, reversalRound, takeStan } from './online.js';
import { paperReady, printWithRecovery } from './printing.js';
import { hostExchange, journalCall, log, pause, show, t, type Flow } from './primitives.js';

type Step = { ok: true; response: HostOutcome & { ok: true } } | { ok: false; screen: 'noResponse' | 'macError' | 'badResponse' | 'journalError' | 'declined'; code?: string };

function* exchangeWithStan(ctx: EngineContext, build: (stan: number) => Parameters<typeof hostExchange>[1]): Flow<Step> {
  const stan = yield* takeStan(ctx);
  if (stan === undefined) return { ok: false, screen: 'journalError' };
  // CUP terminals send 0500 and 0320 without a MAC, and the host answers without one.
  const outcome = yield* hostExchange(ctx, build(stan), { mac: false });
  if (!outcome.ok) return { ok: false, screen: outcome.kind === 'malformed' ? 'badResponse' : 'noResponse' };
  if (!outcome.macOk) return { ok: false, screen: 'macError' };
  const code = getString(outcome.response, 39) ?? '';
  if (code !== '00') return { ok: false, screen: 'declined', code };
  return { ok: true, response: outcome };
}

function* explain(ctx: EngineContext, step: Step & { ok: false }): Flow<void> {
  const lines = step.screen === 'declined'
    ? [t(ctx, 'declined', { code: step.code ?? '' }), ctx.texts.responseMeaning(step.code ?? '')]
    : [t(ctx, step.screen)];
  yield* pause(ctx, 'settlement', lines, 5000);
}

/** One screen line per total (label, count, amount right-aligned), or two where the display is narrow. */
function totalsLines(ctx: EngineContext): string[] {
  const totals = batchTotals(ctx.journal.view.transactions);
  const rows: [TextKey, number, number][] = [
    ['totalDomesticDebit', totals.domestic.debitCount, totals.domestic.debitFen],
    ['totalDomesticCredit', totals.domestic.creditCount, totals.domestic.creditFen],
    ['totalForeignDebit', totals.foreign.debitCount, totals.foreign.debitFen],
    ['totalForeignCredit', totals.foreign.creditCount, totals.foreign.creditFen],
  ];
  const cols = ctx.display.cols;
  return rows.flatMap(([label, count, fen]) => {
    const head = `${t(ctx, label)} ${count}`;
    const amount = formatFen(fen);
    const gap = cols - cellWidth(head) - amount.length;
    return gap >= 1 ? [head + ' '.repeat(gap) + amount] : [head, amount.padStart(cols)];
  });
}

/**
 * The batch totals (内卡/外卡 debit and credit, counts and amounts) and 确认 before anything is sent:
 * settlement closes the batch, so the cashier checks the figures first. UP/DOWN scroll them.
 */
function* confirmTotals(ctx: EngineContext): Flow<boolean> {
  const choice = yield* chooseKey(ctx, 'settlement', [t(ctx, 'settleConfirm'), ...totalsLines(ctx)], ['ENTER']);
  if (choice === 'ENTER') return true;
  log(ctx, 'info', 'settlement.not-confirmed');
  return false;
}

export function* settlementFlow(ctx: EngineContext): Flow<void> {
  if (!(yield* confirmTotals(ctx))) return;
  // The report prints once the host has closed the batch: paper first, or the report is lost to a jam.
  if (!(yield* paperReady(ctx))) return;
  show(ctx, 'settlement', [t(ctx, 'processing')]);
  if ((yield* reversalRound(ctx)) === 'blocked') {
    yield* explainBlocked(ctx);
    return;
  }
  const batchNo = yield* currentBatch(ctx);
  if (batchNo === undefined) {
    yield* pause(ctx, 'settlement', [t(ctx, 'journalError')]);
    return;
  }
  const operator = ctx.session.operator ?? '00';
  const field48 = settlementField48(batchTotals(ctx.journal.view.transactions));
  show(ctx, 'settlement', [t(ctx, 'connecting')]);
  let step = yield* exchangeWithStan(ctx, (stan) => buildSettlement({ stan, batchNo, operator, field48, settings: ctx.settings }));
  if (!step.ok) return yield* explain(ctx, step);
  const balanced = hostSaysBalanced(getString(step.response.response, 48));
  if (!balanced) {
    show(ctx, 'settlement', [t(ctx, 'settleUnbalanced'), t(ctx, 'batchUpload')]);
    for (const records of batchUploadField48s(ctx.journal.view.transactions)) {
      step = yield* exchangeWithStan(ctx, (stan) => buildBatchUpload({ stan, batchNo, records, settings: ctx.settings }));
      if (!step.ok) return yield* explain(ctx, step);
    }
    const uploadedCount = settledTransactions(ctx.journal.view.transactions).length;
    step = yield* exchangeWithStan(ctx, (stan) => buildBatchUpload({ stan, batchNo, uploadedCount, settings: ctx.settings }));
    if (!step.ok) return yield* explain(ctx, step);
  }
  log(ctx, 'info', 'settlement.done', { batchNo, balanced, uploaded: !balanced });
  const report = settlementReport({
    transactions: ctx.journal.view.transactions,
    batchNo,
    balanced,
    uploaded: !balanced,
    operator,
    settings: ctx.settings,
    wall: ctx.time.wall,
  });
  ctx.lastSettlement = report;
  // The verdict as printWithRecovery's status: a screen shown before it would be replaced at once by
  // its PRINTING screen, and on a paper-out the cashier must still see that the host has settled.
  yield* printWithRecovery(ctx, report, [t(ctx, balanced ? 'settleBalanced' : 'settleUnbalanced')]);
  const settled = yield* journalCall(ctx, { method: 'settle', batchNo });
  yield* pause(ctx, 'settlement', [t(ctx, settled.ok ? 'settleDone' : 'journalError')]);
}
