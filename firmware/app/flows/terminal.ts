/** The terminal's life: boot recovery, then the idle screen and the main menu, for ever. */
import type { CardRead } from '../../drivers/magstripe/card-read.js';
import type { EngineContext } from '../engine-context.js';
import { TRANSACTION_KINDS } from '../transaction-kinds.js';
import { pad } from '../iso-requests.js';
import { formatFen } from '../screens/screen-text.js';
import { adminFlow } from './admin.js';
import { acknowledgeDamage, damageUnacknowledged, logJournalDamage, showDamage } from './journal-damage-gate.js';
import { chooseKey } from './cashier-input.js';
import { balanceFlow, preauthFlow, preauthFollowUpFlow, refundFlow, saleFlow, voidFlow } from './financial-flows.js';
import { reversalRound } from './online.js';
import { printTransactionCopies } from './printing.js';
import { browseFlow, reprintFlow } from './reprint-browse.js';
import { settlementFlow } from './settlement.js';
import { operatorSignIn } from './sign-in.js';
import { log, pause, show, t, waitInput, type Flow } from './primitives.js';

/**
 * R5 at boot: owed and interrupted reversals go out first (reason 98); then each approval whose
 * receipt did not finish is offered for printing (marked 重打印: a partial copy may exist). Never reversed.
 */
export function* bootFlow(ctx: EngineContext): Flow<void> {
  show(ctx, 'appTitle', [t(ctx, 'processing')]);
  logJournalDamage(ctx);
  log(ctx, 'info', 'boot', { transactions: ctx.journal.view.transactions.length, counters: ctx.journal.view.counters });
  const owed = ctx.journal.view.transactions.some((tx) => tx.status === 'pending' || tx.status === 'reversal-pending');
  if (owed) yield* reversalRound(ctx);
  const unprinted = ctx.journal.view.transactions.filter((tx) => tx.status === 'approved' && !tx.printed);
  for (const tx of unprinted) {
    const title = TRANSACTION_KINDS[tx.type].title;
    // Amount and voucher, as 冲正成功 names an earlier transaction: a masked PAN (13-19 characters)
    // and the amount do not fit one line of a 16- or 20-column display, and the amount was cut off.
    const what = t(ctx, 'amountVoucher', { amount: formatFen(tx.amountFen), voucher: pad(tx.voucherNo, 6) });
    show(ctx, title, ctx.display.rows >= 4 ? [t(ctx, 'recoverPrint'), what, t(ctx, 'recoverPrintAsk')] : [t(ctx, 'recoverPrint'), t(ctx, 'recoverPrintAsk')]);
    for (;;) {
      const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
      if (ev.kind === 'key' && ev.key === 'ENTER') {
        yield* printTransactionCopies(ctx, tx, true);
        break;
      }
      // Skipped (or nobody there): it stays unprinted and can be reprinted from menu 6.
      if (ev.kind === 'timeout' || (ev.kind === 'key' && ev.key === 'CANCEL')) break;
    }
  }
}

function showIdle(ctx: EngineContext): void {
  const operator = ctx.session.operator;
  show(ctx, { raw: ctx.settings.merchantName }, operator === undefined
    ? [t(ctx, 'appTitle'), t(ctx, 'idleNotSignedIn')]
    : [t(ctx, 'idleSignedIn', { operator }), t(ctx, 'idleHint')]);
}

type Action = (ctx: EngineContext) => Flow<void>;

function* preauthMenu(ctx: EngineContext): Flow<void> {
  const choice = yield* chooseKey(ctx, 'preauth', [t(ctx, 'preauthMenu1'), t(ctx, 'preauthMenu2')], ['1', '2', '3', '4']);
  if (choice === '1') yield* preauthFlow(ctx);
  else if (choice === '2') yield* preauthFollowUpFlow(ctx, 'preauth-void');
  else if (choice === '3') yield* preauthFollowUpFlow(ctx, 'completion');
  else if (choice === '4') yield* voidFlow(ctx, 'completion-void');
}

const MENU: Record<string, Action> = {
  '1': (ctx) => saleFlow(ctx),
  '2': (ctx) => voidFlow(ctx, 'void'),
  '3': refundFlow,
  '4': balanceFlow,
  '5': preauthMenu,
  '6': reprintFlow,
  '7': browseFlow,
  '8': settlementFlow,
  '9': adminFlow,
};

/** Menu items that work without a signed-in operator (reading the batch, admin). */
const WITHOUT_SIGN_IN = new Set(['6', '7', '9']);

/** Menu items open while journal damage waits for the supervisor: reading the batch, admin (sign-in). */
const WHILE_DAMAGED = new Set(['6', '7', '9']);

/** The damage screen stands in for the idle screen: ENTER asks for the supervisor; sales are refused. */
function* nextActionWhileDamaged(ctx: EngineContext): Flow<Action | undefined> {
  showDamage(ctx);
  const ev = yield* waitInput(undefined);
  if (ev.kind !== 'key') return undefined;
  if (ev.key === 'ENTER') return acknowledgeDamage;
  return WHILE_DAMAGED.has(ev.key) ? menuAction(ctx, ev.key) : undefined;
}

/** Waits at the idle screen for the next action; undefined for nothing to do. */
function* nextAction(ctx: EngineContext): Flow<Action | undefined> {
  if (damageUnacknowledged(ctx)) return yield* nextActionWhileDamaged(ctx);
  showIdle(ctx);
  const ev = yield* waitInput(undefined);
  if (ev.kind === 'swipe') {
    if (ctx.session.operator === undefined) return signInFirst;
    if (!ev.result.ok) return (c) => pause(c, 'sale', [t(c, 'swipeAgain')], 2000);
    const card: CardRead = ev.result;
    return (c) => saleFlow(c, card);
  }
  if (ev.kind !== 'key') return undefined;
  if (ev.key === 'ENTER') {
    if (ctx.session.operator === undefined) return operatorSignIn;
    const choice = yield* chooseKey(ctx, 'menuTitle', [t(ctx, 'menu1'), t(ctx, 'menu2'), t(ctx, 'menu3'), t(ctx, 'menu4'), t(ctx, 'menu5')], Object.keys(MENU) as never[]);
    return choice === undefined ? undefined : menuAction(ctx, choice);
  }
  return menuAction(ctx, ev.key);
}

function signInFirst(ctx: EngineContext): Flow<void> {
  return pause(ctx, 'appTitle', [t(ctx, 'signInFirst')], 2000);
}

function menuAction(ctx: EngineContext, key: string): Action | undefined {
  const action = MENU[key];
  if (!action) return undefined;
  if (ctx.session.operator === undefined && !WITHOUT_SIGN_IN.has(key)) return signInFirst;
  return action;
}

/** The whole terminal; never returns. A bug inside a flow is logged and the cashier sees 系统故障. */
export function* terminalFlow(ctx: EngineContext): Flow<never> {
  try {
    yield* bootFlow(ctx);
  } catch (error) {
    log(ctx, 'error', 'engine.bug', { where: 'boot', error: String(error) });
  }
  for (;;) {
    try {
      const action = yield* nextAction(ctx);
      if (action) yield* action(ctx);
    } catch (error) {
      log(ctx, 'error', 'engine.bug', { error: String(error) });
      yield* pause(ctx, 'appTitle', [t(ctx, 'systemError'), t(ctx, 'pressAnyKey')], 5000);
    }
  }
}
