/** Operator and supervisor checks, online sign-in (0800 with key exchange), sign-off and echo (0820). */
import { getBytes, getString } from '../../iso8583/message.js';
import type { EngineContext } from '../engine-context.js';
import { buildNetworkManagement, buildSignIn } from '../iso-requests.js';
import { verifyPassword } from '../passwords.js';
import { enterNumber } from './cashier-input.js';
import { settlementReport } from '../receipts.js';
import { currentBatch, reversalRound, takeStan } from './online.js';
import { printWithRecovery } from './printing.js';
import { EngineProtocolError, hostExchange, journalCall, log, pause, show, t, type Flow } from './primitives.js';

export const SUPERVISOR = '00';

/** Asks for the supervisor password; true when it matches. */
export function* supervisorApproves(ctx: EngineContext): Flow<boolean> {
  const password = yield* enterNumber(ctx, { raw: t(ctx, 'supervisorPassword') }, t(ctx, 'supervisorPassword'), {
    minLength: 4,
    maxLength: 12,
    secret: true,
  });
  if (password === undefined) return false;
  if (verifyPassword(password, ctx.settings.supervisorPasswordHash)) return true;
  log(ctx, 'warn', 'supervisor.wrong-password');
  yield* pause(ctx, 'admin', [t(ctx, 'wrongPassword')]);
  return false;
}

/** 60.2 of a response: the host's batch number. */
function hostBatch(field60: string | undefined): number | undefined {
  if (field60 === undefined || field60.length < 8) return undefined;
  const batch = Number(field60.slice(2, 8));
  return Number.isInteger(batch) && batch > 0 ? batch : undefined;
}

/**
 * The host is on a later batch than the terminal. When the terminal still holds records of its
 * batch, the host closed that batch (a settlement whose response was lost): the terminal closes it
 * too, with its report, rather than trade on a batch the host refuses (77).
 */
function* followHostBatch(ctx: EngineContext, batchNo: number, hostBatchNo: number): Flow<void> {
  const transactions = ctx.journal.view.transactions;
  if (transactions.some((tx) => tx.batchNo === batchNo)) {
    log(ctx, 'warn', 'batch.closed-by-host', { batchNo, hostBatchNo });
    const report = settlementReport({
      transactions,
      batchNo,
      balanced: true,
      uploaded: false,
      operator: ctx.session.operator ?? SUPERVISOR,
      settings: ctx.settings,
      wall: ctx.time.wall,
    });
    ctx.lastSettlement = report;
    yield* printWithRecovery(ctx, report);
    const settled = yield* journalCall(ctx, { method: 'settle', batchNo });
    if (!settled.ok) return;
  }
  yield* journalCall(ctx, { method: 'raiseCounter', name: 'batch', atLeast: hostBatchNo });
}

/** Operator no. + password, then the online sign-in; the operator is signed in only when keys load. */
export function* operatorSignIn(ctx: EngineContext): Flow<void> {
  const operator = yield* enterNumber(ctx, 'signIn', t(ctx, 'operatorNo'), { minLength: 2, maxLength: 2 });
  if (operator === undefined) return;
  const stored = ctx.settings.operators[operator];
  if (operator === SUPERVISOR || stored === undefined) {
    yield* pause(ctx, 'signIn', [t(ctx, 'unknownOperator')]);
    return;
  }
  const password = yield* enterNumber(ctx, 'signIn', t(ctx, 'password'), { minLength: 4, maxLength: 12, secret: true });
  if (password === undefined) return;
  if (!verifyPassword(password, stored)) {
    log(ctx, 'warn', 'operator.wrong-password', { operator });
    yield* pause(ctx, 'signIn', [t(ctx, 'wrongPassword')]);
    return;
  }
  show(ctx, 'signIn', [t(ctx, 'connecting')]);
  const batchNo = yield* currentBatch(ctx);
  const stan = batchNo === undefined ? undefined : yield* takeStan(ctx);
  if (batchNo === undefined || stan === undefined) {
    yield* pause(ctx, 'signIn', [t(ctx, 'journalError')]);
    return;
  }
  const outcome = yield* hostExchange(ctx, buildSignIn({ stan, batchNo, operator, settings: ctx.settings }), { mac: false });
  if (!outcome.ok) {
    yield* pause(ctx, 'signIn', [t(ctx, outcome.kind === 'malformed' ? 'badResponse' : 'noResponse')]);
    return;
  }
  const code = getString(outcome.response, 39) ?? '';
  const field62 = getBytes(outcome.response, 62);
  if (code !== '00' || field62 === undefined) {
    yield* pause(ctx, 'signIn', [t(ctx, 'signInFailed', { code }), ctx.texts.responseMeaning(code)], 5000);
    return;
  }
  const installed = yield { op: 'install-keys', field62, keyMode: ctx.settings.keyMode };
  if (installed.kind !== 'keys-result') throw new EngineProtocolError('keys-result', installed.kind);
  if (!installed.outcome.ok) {
    // The old keys stay in force; the operator is not signed in with unusable keys.
    log(ctx, 'error', 'sign-in.key-check-failed', { reason: installed.outcome.reason });
    yield* pause(ctx, 'signIn', [t(ctx, 'keyCheckFailed')], 5000);
    return;
  }
  const newBatch = hostBatch(getString(outcome.response, 60));
  if (newBatch !== undefined && newBatch > batchNo) yield* followHostBatch(ctx, batchNo, newBatch);
  ctx.session.operator = operator;
  log(ctx, 'info', 'sign-in.ok', { operator });
  show(ctx, 'signIn', [t(ctx, 'signInOk')]);
  // Owed reversals go out at sign-in (R3), now that the MAC key is fresh.
  yield* reversalRound(ctx);
  yield* pause(ctx, 'signIn', [t(ctx, 'signInOk')], 1500);
}

/** 0820 sign-off (002) or echo test (301). */
export function* networkManagement(ctx: EngineContext, code: '002' | '301'): Flow<void> {
  const title = code === '002' ? 'signOff' : 'echo';
  if (code === '002' && (yield* reversalRound(ctx)) === 'blocked') {
    yield* pause(ctx, title, [t(ctx, 'reversalOwed'), t(ctx, 'hostUnreachable')]);
    return;
  }
  show(ctx, title, [t(ctx, 'connecting')]);
  const batchNo = yield* currentBatch(ctx);
  const stan = batchNo === undefined ? undefined : yield* takeStan(ctx);
  if (batchNo === undefined || stan === undefined) {
    yield* pause(ctx, title, [t(ctx, 'journalError')]);
    return;
  }
  const outcome = yield* hostExchange(ctx, buildNetworkManagement({ stan, batchNo, code, settings: ctx.settings }), { mac: false });
  if (code === '002') {
    // Signed off whatever the host said: the session and its keys end here.
    delete ctx.session.operator;
    const cleared = yield { op: 'clear-keys' };
    if (cleared.kind !== 'keys-result') throw new EngineProtocolError('keys-result', cleared.kind);
  }
  if (!outcome.ok) {
    yield* pause(ctx, title, [t(ctx, code === '002' ? 'signOffOk' : 'noResponse')]);
    return;
  }
  const rc = getString(outcome.response, 39) ?? '';
  if (rc !== '00') {
    yield* pause(ctx, title, [t(ctx, 'declined', { code: rc }), ctx.texts.responseMeaning(rc)]);
    return;
  }
  yield* pause(ctx, title, [t(ctx, code === '002' ? 'signOffOk' : 'echoOk')]);
}
