/** Operator and supervisor checks, online sign-in (0800 with key exchange), sign-off and echo (0820). */
import { getBytes, getString } from '../../iso8583/message.js';
import type { EngineContext } from '../engine-context.js';
import { buildNetworkManagement, buildSignIn } from '../iso-requests.js';
import { verifyPassword } from '../passwords.js';
import { afterWrongPassword, attemptCounted, cleared, lockedMsLeft, type PasswordLockouts } from '../password-lockout.js';
import type { TextKey } from '../screens/screen-text.js';
import { enterNumber } from './cashier-input.js';
import { settlementReport } from '../receipts.js';
import { currentBatch, reversalRound, takeStan } from './online.js';
import { printWithRecovery } from './printing.js';
import { EngineProtocolError, hostExchange, journalCall, log, pause, show, t, type Flow } from './primitives.js';

export const SUPERVISOR = '00';

/** Makes the attempt counts durable; false when the store failed. */
export function* saveLockouts(ctx: EngineContext, lockouts: PasswordLockouts): Flow<boolean> {
  const ev = yield { op: 'save-lockouts', lockouts };
  if (ev.kind !== 'lockouts-saved') throw new EngineProtocolError('lockouts-saved', ev.kind);
  if (ev.ok) ctx.lockouts = lockouts;
  return ev.ok;
}

/** 已锁定: shown instead of the password prompt while `who` is locked; true when it was. */
function* refusedWhileLocked(ctx: EngineContext, who: string, title: TextKey): Flow<boolean> {
  const left = lockedMsLeft(ctx.lockouts, who, ctx.time.wall.getTime());
  if (left === 0) return false;
  const minutes = Math.ceil(left / 60_000);
  const body = [t(ctx, 'locked'), t(ctx, 'lockedMinutes', { minutes })];
  if (who !== SUPERVISOR) body.push(t(ctx, 'supervisorUnlocks'));
  yield* pause(ctx, title, body);
  return true;
}

/**
 * Checks a password with its attempt counted first (password-lockout.ts): the count is durable
 * before the answer is known, so cutting the power after a wrong guess does not undo it.
 */
function* passwordAccepted(ctx: EngineContext, who: string, password: string, stored: string, title: TextKey): Flow<boolean> {
  const now = ctx.time.wall.getTime();
  if (!(yield* saveLockouts(ctx, attemptCounted(ctx.lockouts, who, now)))) {
    // Not counted, so not checked: a guess must never escape the count.
    yield* pause(ctx, title, [t(ctx, 'journalError')]);
    return false;
  }
  if (verifyPassword(password, stored)) {
    yield* saveLockouts(ctx, cleared(ctx.lockouts, who));
    return true;
  }
  const failures = ctx.lockouts[who]?.failures ?? 0;
  log(ctx, 'warn', who === SUPERVISOR ? 'supervisor.wrong-password' : 'operator.wrong-password', { operator: who, failures });
  const locked = afterWrongPassword(ctx.lockouts, who, now, ctx.settings.passwordTries, ctx.settings.lockoutMinutes);
  if (locked !== ctx.lockouts) {
    yield* saveLockouts(ctx, locked);
    log(ctx, 'warn', 'password.locked', { operator: who, minutes: ctx.settings.lockoutMinutes });
    yield* refusedWhileLocked(ctx, who, title);
    return false;
  }
  yield* pause(ctx, title, [t(ctx, 'wrongPassword'), t(ctx, 'triesLeft', { tries: ctx.settings.passwordTries - failures })]);
  return false;
}

/** Asks for the supervisor password; true when it matches. Refused while the supervisor is locked. */
export function* supervisorApproves(ctx: EngineContext): Flow<boolean> {
  if (yield* refusedWhileLocked(ctx, SUPERVISOR, 'admin')) return false;
  const password = yield* enterNumber(ctx, { raw: t(ctx, 'supervisorPassword') }, t(ctx, 'supervisorPassword'), {
    minLength: 4,
    maxLength: 12,
    secret: true,
  });
  if (password === undefined) return false;
  return yield* passwordAccepted(ctx, SUPERVISOR, password, ctx.settings.supervisorPasswordHash, 'admin');
}

/** 9-6 解锁: the supervisor lifts an operator's lock (and clears the count) before its time is up. */
export function* unlockFlow(ctx: EngineContext): Flow<void> {
  if (!(yield* supervisorApproves(ctx))) return;
  const who = yield* enterNumber(ctx, 'admin', t(ctx, 'unlockWhose'), { minLength: 2, maxLength: 2 });
  if (who === undefined) return;
  if (!(yield* saveLockouts(ctx, cleared(ctx.lockouts, who)))) return yield* pause(ctx, 'admin', [t(ctx, 'journalError')]);
  log(ctx, 'info', 'password.unlocked', { operator: who });
  yield* pause(ctx, 'admin', [t(ctx, 'unlocked', { operator: who })]);
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
  if (yield* refusedWhileLocked(ctx, operator, 'signIn')) return;
  const password = yield* enterNumber(ctx, 'signIn', t(ctx, 'password'), { minLength: 4, maxLength: 12, secret: true });
  if (password === undefined) return;
  if (!(yield* passwordAccepted(ctx, operator, password, stored, 'signIn'))) return;
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
