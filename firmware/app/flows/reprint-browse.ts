/**
 * 6 重打印 (last, by voucher no., settlement report, 交易明细 list, a skipped cardholder copy) and
 * 7 交易查询 (browse the batch).
 */
import type { JournalTransaction } from '../../journal/journal.js';
import type { EngineContext } from '../engine-context.js';
import { pad } from '../iso-requests.js';
import { formatFen, type TextKey } from '../screens/screen-text.js';
import { TRANSACTION_KINDS } from '../transaction-kinds.js';
import { maskPan } from '../../security/pan-mask.js';
import { chooseKey, enterNumber } from './cashier-input.js';
import { printTransactionCopies, printWithRecovery } from './printing.js';
import { transactionList } from '../receipts.js';
import { pause, show, t, waitInput, type Flow } from './primitives.js';

function printable(tx: JournalTransaction): boolean {
  return tx.status === 'approved';
}

export function* reprintFlow(ctx: EngineContext): Flow<void> {
  const choice = yield* chooseKey(
    ctx,
    'reprint',
    [t(ctx, 'reprintMenu1'), t(ctx, 'reprintMenu2'), t(ctx, 'reprintMenu3')],
    ['1', '2', '3', '4', '5'],
  );
  if (choice === undefined) return;
  if (choice === '3') {
    if (!ctx.lastSettlement) return yield* pause(ctx, 'reprint', [t(ctx, 'noReport')]);
    yield* printWithRecovery(ctx, { ...ctx.lastSettlement, reprint: true });
    return;
  }
  if (choice === '4') return yield* printTransactionList(ctx);
  if (choice === '5') return yield* cardholderCopy(ctx);
  let tx: JournalTransaction | undefined;
  if (choice === '1') {
    // The last one made: the view lists transactions in the order they began. Not the highest
    // voucher number, which wraps from 999999 to 1 with the STAN.
    tx = ctx.journal.view.transactions.filter(printable).at(-1);
  } else {
    const voucher = yield* enterNumber(ctx, 'reprint', t(ctx, 'voucherNo'), { minLength: 1, maxLength: 6 });
    if (voucher === undefined) return;
    tx = ctx.journal.view.transactions.find((r) => r.voucherNo === Number(voucher) && printable(r));
  }
  if (!tx) return yield* pause(ctx, 'reprint', [t(ctx, choice === '1' ? 'noTransactions' : 'notFound')]);
  yield* printTransactionCopies(ctx, tx, true);
}

/**
 * 6-4 交易明细: every record the journal holds for the open batch (and any reversal still being
 * handled), with its outcome, then the batch totals.
 */
function* printTransactionList(ctx: EngineContext): Flow<void> {
  const transactions = ctx.journal.view.transactions;
  if (transactions.length === 0) return yield* pause(ctx, 'reprint', [t(ctx, 'noTransactions')]);
  yield* printWithRecovery(ctx, transactionList({
    transactions,
    batchNo: ctx.journal.view.counters.batch,
    operator: ctx.session.operator ?? '00',
    settings: ctx.settings,
    wall: ctx.time.wall,
  }));
}

/**
 * 6-5: the cardholder copy of a transaction by voucher no. (ENTER alone: the last one skipped at
 * 撕下). A copy skipped at 撕下 never printed, so it is not marked 重打印; any other one is.
 */
function* cardholderCopy(ctx: EngineContext): Flow<void> {
  const voucher = yield* enterNumber(ctx, 'reprint', t(ctx, 'voucherNo'), { minLength: 1, maxLength: 6, allowEmpty: ctx.skippedCopies.length > 0 });
  if (voucher === undefined) return;
  const wanted = voucher === '' ? ctx.skippedCopies.at(-1) : Number(voucher);
  const tx = ctx.journal.view.transactions.find((r) => r.voucherNo === wanted && printable(r));
  if (!tx) return yield* pause(ctx, 'reprint', [t(ctx, 'notFound')]);
  const skipped = ctx.skippedCopies.includes(tx.voucherNo);
  if (!(yield* printTransactionCopies(ctx, tx, !skipped, ['cardholder']))) return;
  if (skipped) ctx.skippedCopies = ctx.skippedCopies.filter((v) => v !== tx.voucherNo);
}

function statusKey(tx: JournalTransaction): TextKey {
  if (tx.voidedBy !== undefined) return 'voided';
  return `status_${tx.status}` as TextKey;
}

/** One transaction per screen, newest first; UP/DOWN move, CANCEL/ENTER leave. */
export function* browseFlow(ctx: EngineContext): Flow<void> {
  const list = [...ctx.journal.view.transactions].reverse();
  if (list.length === 0) return yield* pause(ctx, 'browse', [t(ctx, 'noTransactions')]);
  let index = 0;
  for (;;) {
    const tx = list[index]!;
    const kind = TRANSACTION_KINDS[tx.type];
    const head = `${pad(tx.voucherNo, 6)} ${t(ctx, statusKey(tx))}`;
    show(ctx, { raw: `${t(ctx, kind.title)} ${index + 1}/${list.length}` }, [head, formatFen(tx.amountFen), maskPan(tx.request.pan, ctx.display.cols)]);
    const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
    if (ev.kind === 'timeout') return;
    if (ev.kind !== 'key') continue;
    if (ev.key === 'CANCEL' || ev.key === 'ENTER') return;
    if (ev.key === 'DOWN') index = Math.min(list.length - 1, index + 1);
    if (ev.key === 'UP') index = Math.max(0, index - 1);
  }
}
