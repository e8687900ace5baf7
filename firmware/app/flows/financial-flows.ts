/** The cashier's side of each financial menu item: what is asked, in which order. */
import type { CardRead } from '../../drivers/magstripe/card-read.js';
import { getString } from '../../iso8583/message.js';
import type { FinancialType, JournalTransaction } from '../../journal/journal.js';
import type { EngineContext } from '../engine-context.js';
import { entryModeFor, type CardEntryMode } from '../card-entry.js';
import { buildBalanceInquiry } from '../iso-requests.js';
import { formatFen } from '../screens/screen-text.js';
import { TRANSACTION_KINDS } from '../transaction-kinds.js';
import { maskPan } from '../../security/pan-mask.js';
import { confirmCard, enterAmount, enterNumber, enterPin, isValidMmdd, readCard } from './cashier-input.js';
import { currentBatch, ensureRoom, explainBlocked, reversalRound, runFinancial, takeStan } from './online.js';
import { hostExchange, log, pause, show, t, type Flow } from './primitives.js';
import { supervisorApproves } from './sign-in.js';

/**
 * Card, confirmation and (optionally) PIN. undefined when the cashier gives up, or when a chip card
 * was swiped and the terminal refuses chip swipes (请插卡 / USE CHIP CARD: nothing is sent).
 */
function* cardAndPin(
  ctx: EngineContext,
  type: FinancialType | 'balance',
  amountFen: number | undefined,
  needPin: boolean,
  preread?: CardRead,
): Flow<{ card: CardRead; entry: CardEntryMode; pin?: string } | undefined> {
  const title = type === 'balance' ? 'balance' : TRANSACTION_KINDS[type].title;
  const card = yield* readCard(ctx, title, amountFen, preread);
  if (!card) return undefined;
  const entry = entryModeFor(card.serviceCode, ctx.settings);
  if (entry === 'refused') {
    log(ctx, 'info', 'swipe.chip-card-refused', { serviceCode: card.serviceCode, maskedPan: maskPan(card.pan) });
    yield* pause(ctx, title, [t(ctx, 'useChipCard')], 5000);
    return undefined;
  }
  if (!(yield* confirmCard(ctx, title, card, amountFen))) return undefined;
  if (!needPin) return { card, entry };
  const pin = yield* enterPin(ctx, title, amountFen);
  if (pin === undefined) return undefined;
  return pin === 'bypass' ? { card, entry } : { card, entry, pin };
}

/** 1 消费, or a swipe at the idle screen (preread card). */
export function* saleFlow(ctx: EngineContext, preread?: CardRead): Flow<void> {
  if (!(yield* ensureRoom(ctx, 'sale'))) return;
  const amountFen = yield* enterAmount(ctx, 'sale');
  if (amountFen === undefined) return;
  const entry = yield* cardAndPin(ctx, 'sale', amountFen, true, preread);
  if (!entry) return;
  yield* runFinancial(ctx, { type: 'sale', amountFen, ...entry });
}

/** A transaction of this batch by voucher number that a void may cancel. */
function* findVoidable(ctx: EngineContext, voidType: FinancialType): Flow<JournalTransaction | undefined> {
  const title = TRANSACTION_KINDS[voidType].title;
  const voucher = yield* enterNumber(ctx, title, t(ctx, 'voucherNo'), { minLength: 1, maxLength: 6 });
  if (voucher === undefined) return undefined;
  const wanted = TRANSACTION_KINDS[voidType].voids;
  const original = ctx.journal.view.transactions.find((tx) => tx.voucherNo === Number(voucher) && tx.type === wanted);
  if (!original || original.status !== 'approved') {
    yield* pause(ctx, title, [t(ctx, original ? 'cannotVoid' : 'notFound')]);
    return undefined;
  }
  if (original.voidedBy !== undefined) {
    yield* pause(ctx, title, [t(ctx, 'alreadyVoided')]);
    return undefined;
  }
  return original;
}

/** 2 撤销 (sale void) and 5-4 完成撤销 (completion void): supervisor, voucher no., same card. */
export function* voidFlow(ctx: EngineContext, voidType: 'void' | 'completion-void'): Flow<void> {
  if (!(yield* ensureRoom(ctx, voidType))) return;
  if (!(yield* supervisorApproves(ctx))) return;
  const original = yield* findVoidable(ctx, voidType);
  if (!original) return;
  const title = TRANSACTION_KINDS[voidType].title;
  const entry = yield* cardAndPin(ctx, voidType, original.amountFen, false);
  if (!entry) return;
  if (entry.card.pan !== original.request.pan) {
    yield* pause(ctx, title, [t(ctx, 'cardMismatch')]);
    return;
  }
  yield* runFinancial(ctx, {
    type: voidType,
    amountFen: original.amountFen,
    card: entry.card,
    entry: entry.entry,
    original: {
      voucherNo: original.voucherNo,
      batchNo: original.batchNo,
      ...(original.approval ? { rrn: original.approval.rrn, authCode: original.approval.authCode, date: original.approval.hostDate } : {}),
    },
  });
}

function* enterMmdd(ctx: EngineContext, title: 'refund' | 'preauthVoid' | 'completion'): Flow<string | undefined> {
  for (;;) {
    const date = yield* enterNumber(ctx, title, t(ctx, 'originalDate'), { minLength: 4, maxLength: 4 });
    if (date === undefined) return undefined;
    if (isValidMmdd(date)) return date;
    yield* pause(ctx, title, [t(ctx, 'invalidValue')], 2000);
  }
}

/** 3 退货: supervisor, original reference no. and date, amount, card. Sent as 0220, never reversed. */
export function* refundFlow(ctx: EngineContext): Flow<void> {
  if (!(yield* ensureRoom(ctx, 'refund'))) return;
  if (!(yield* supervisorApproves(ctx))) return;
  const rrn = yield* enterNumber(ctx, 'refund', t(ctx, 'originalRrn'), { minLength: 12, maxLength: 12 });
  if (rrn === undefined) return;
  const date = yield* enterMmdd(ctx, 'refund');
  if (date === undefined) return;
  const amountFen = yield* enterAmount(ctx, 'refund');
  if (amountFen === undefined) return;
  const entry = yield* cardAndPin(ctx, 'refund', amountFen, false);
  if (!entry) return;
  yield* runFinancial(ctx, { type: 'refund', amountFen, card: entry.card, entry: entry.entry, original: { rrn, date } });
}

/** 5-1 预授权. */
export function* preauthFlow(ctx: EngineContext): Flow<void> {
  if (!(yield* ensureRoom(ctx, 'preauth'))) return;
  const amountFen = yield* enterAmount(ctx, 'preauth');
  if (amountFen === undefined) return;
  const entry = yield* cardAndPin(ctx, 'preauth', amountFen, true);
  if (!entry) return;
  yield* runFinancial(ctx, { type: 'preauth', amountFen, ...entry });
}

/** 5-2 预授权撤销 and 5-3 预授权完成: by the pre-auth's authorization code and date. */
export function* preauthFollowUpFlow(ctx: EngineContext, type: 'preauth-void' | 'completion'): Flow<void> {
  if (!(yield* ensureRoom(ctx, type))) return;
  if (type === 'preauth-void' && !(yield* supervisorApproves(ctx))) return;
  const title = TRANSACTION_KINDS[type].title as 'preauthVoid' | 'completion';
  const authCode = yield* enterNumber(ctx, title, t(ctx, 'authCode'), { minLength: 6, maxLength: 6 });
  if (authCode === undefined) return;
  const date = yield* enterMmdd(ctx, title);
  if (date === undefined) return;
  const amountFen = yield* enterAmount(ctx, title);
  if (amountFen === undefined) return;
  const entry = yield* cardAndPin(ctx, type, amountFen, type === 'completion');
  if (!entry) return;
  yield* runFinancial(ctx, { type, amountFen, ...entry, original: { authCode, date } });
}

/** F54: account type(2) amount type(2) currency(3) C/D(1) amount(12); the first balance is shown. */
export function parseBalance(field54: string | undefined): number | undefined {
  if (field54 === undefined || field54.length < 20) return undefined;
  const sign = field54[7] === 'D' ? -1 : 1;
  const digits = field54.slice(8, 20);
  return /^\d{12}$/.test(digits) ? sign * Number(digits) : undefined;
}

/** 4 余额查询: not financial (not journaled, not reversed), but it does trigger owed reversals. */
export function* balanceFlow(ctx: EngineContext): Flow<void> {
  const entry = yield* cardAndPin(ctx, 'balance', undefined, true);
  if (!entry) return;
  show(ctx, 'balance', [t(ctx, 'processing')]);
  if ((yield* reversalRound(ctx)) === 'blocked') {
    yield* explainBlocked(ctx);
    return;
  }
  const batchNo = yield* currentBatch(ctx);
  const stan = batchNo === undefined ? undefined : yield* takeStan(ctx);
  if (batchNo === undefined || stan === undefined) {
    yield* pause(ctx, 'balance', [t(ctx, 'journalError')]);
    return;
  }
  show(ctx, 'balance', [t(ctx, 'connecting')]);
  const request = buildBalanceInquiry({ stan, batchNo, card: entry.card, entry: entry.entry, withPin: entry.pin !== undefined, settings: ctx.settings });
  const outcome = yield* hostExchange(ctx, request, {
    mac: true,
    encryptTracks: ctx.settings.keyMode === '004',
    ...(entry.pin !== undefined ? { pin: { pin: entry.pin, pan: entry.card.pan } } : {}),
  });
  if (!outcome.ok) {
    yield* pause(ctx, 'balance', [t(ctx, outcome.kind === 'malformed' ? 'badResponse' : 'noResponse')]);
    return;
  }
  if (!outcome.macOk) {
    yield* pause(ctx, 'balance', [t(ctx, 'macError')]);
    return;
  }
  const code = getString(outcome.response, 39) ?? '';
  const balance = parseBalance(getString(outcome.response, 54));
  if (code !== '00' || balance === undefined) {
    yield* pause(ctx, 'balance', [t(ctx, 'declined', { code }), ctx.texts.responseMeaning(code)], 5000);
    return;
  }
  yield* pause(ctx, 'balance', [t(ctx, 'balanceIs'), formatFen(balance), maskPan(entry.card.pan, ctx.display.cols)], 10_000);
}
