/** 9 管理: sign-in/off, echo test, parameters and passwords (the last two need the supervisor). */
import type { EngineContext } from '../engine-context.js';
import { textsFor } from '../engine-context.js';
import { settingsProblems, type TerminalSettings } from '../settings.js';
import type { TextKey } from '../screens/screen-text.js';
import { chooseKey, enterNumber } from './cashier-input.js';
import { networkManagement, operatorSignIn, SUPERVISOR, supervisorApproves, unlockFlow } from './sign-in.js';
import { EngineProtocolError, log, pause, t, type Flow } from './primitives.js';

/** Stores new settings; the shell persists them and tells the composition root. */
function* saveSettings(ctx: EngineContext, next: TerminalSettings): Flow<boolean> {
  const problems = settingsProblems(next);
  if (problems.length > 0) {
    log(ctx, 'warn', 'settings.invalid', { problems });
    yield* pause(ctx, 'admin', [t(ctx, 'invalidValue')]);
    return false;
  }
  const ev = yield { op: 'save-settings', settings: next };
  if (ev.kind !== 'settings-saved') throw new EngineProtocolError('settings-saved', ev.kind);
  if (!ev.ok) {
    yield* pause(ctx, 'admin', [t(ctx, 'journalError')]);
    return false;
  }
  ctx.settings = next;
  ctx.texts = textsFor(next, ctx.display);
  ctx.notices.push({ kind: 'settings-changed', settings: next });
  yield* pause(ctx, 'admin', [t(ctx, 'saved')], 1500);
  return true;
}

/** Host IP keyed as 12 digits (192168001010 -> 192.168.1.10): the keypad has no dot. */
export function ipFromDigits(digits: string): string | undefined {
  if (!/^\d{12}$/.test(digits)) return undefined;
  const parts = [0, 3, 6, 9].map((i) => Number(digits.slice(i, i + 3)));
  return parts.every((p) => p <= 255) ? parts.join('.') : undefined;
}

function* numberParam(ctx: EngineContext, prompt: TextKey, current: string, minLength: number, maxLength: number): Flow<string | undefined> {
  return yield* enterNumber(ctx, 'admin', t(ctx, prompt), { minLength, maxLength, extraLine: current });
}

function* parametersFlow(ctx: EngineContext): Flow<void> {
  const s = ctx.settings;
  const choice = yield* chooseKey(
    ctx,
    'admin',
    [t(ctx, 'paramMenu1'), t(ctx, 'paramMenu2'), t(ctx, 'paramMenu3'), t(ctx, 'paramMenu4'), t(ctx, 'paramMenu5')],
    ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
  );
  let next: TerminalSettings | undefined;
  switch (choice) {
    case '1': {
      const v = yield* numberParam(ctx, 'paramMerchantNo', s.merchantNo, 15, 15);
      if (v !== undefined) next = { ...s, merchantNo: v };
      break;
    }
    case '2': {
      const v = yield* numberParam(ctx, 'paramTerminalId', s.terminalId, 8, 8);
      if (v !== undefined) next = { ...s, terminalId: v };
      break;
    }
    case '3': {
      const ip = yield* numberParam(ctx, 'paramHostIp', s.host.address, 12, 12);
      if (ip === undefined) break;
      const address = ipFromDigits(ip);
      if (address === undefined) {
        yield* pause(ctx, 'admin', [t(ctx, 'invalidValue')]);
        break;
      }
      const port = yield* numberParam(ctx, 'paramHostPort', String(s.host.port), 1, 5);
      if (port !== undefined) next = { ...s, host: { address, port: Number(port) } };
      break;
    }
    case '4': {
      const v = yield* numberParam(ctx, 'paramTimeout', String(s.hostTimeoutMs / 1000), 1, 3);
      if (v !== undefined) next = { ...s, hostTimeoutMs: Number(v) * 1000 };
      break;
    }
    case '5': {
      const v = yield* numberParam(ctx, 'paramReversalTries', String(s.reversalTries), 1, 1);
      if (v !== undefined) next = { ...s, reversalTries: Number(v) };
      break;
    }
    case '6': {
      const v = yield* numberParam(ctx, 'paramCopies', String(s.receiptCopies), 1, 1);
      if (v !== undefined) next = { ...s, receiptCopies: Number(v) };
      break;
    }
    case '7': {
      const v = yield* numberParam(ctx, 'paramIdleTimeout', String(s.idleTimeoutMs / 1000), 1, 3);
      if (v !== undefined) next = { ...s, idleTimeoutMs: Number(v) * 1000 };
      break;
    }
    case '8': {
      const tries = yield* numberParam(ctx, 'paramPasswordTries', String(s.passwordTries), 1, 2);
      if (tries === undefined) break;
      const minutes = yield* numberParam(ctx, 'paramLockoutMinutes', String(s.lockoutMinutes), 1, 4);
      if (minutes !== undefined) next = { ...s, passwordTries: Number(tries), lockoutMinutes: Number(minutes) };
      break;
    }
    case '9': {
      // Whole yuan; 0 lifts the limit.
      const v = yield* numberParam(ctx, 'paramAmountLimit', String(s.amountLimitFen / 100), 1, 9);
      if (v !== undefined) next = { ...s, amountLimitFen: Number(v) * 100 };
      break;
    }
    default:
      return;
  }
  if (next) yield* saveSettings(ctx, next);
}

function* passwordFlow(ctx: EngineContext): Flow<void> {
  const whose = yield* enterNumber(ctx, 'admin', t(ctx, 'changeWhose'), { minLength: 2, maxLength: 2 });
  if (whose === undefined) return;
  const minLength = whose === SUPERVISOR ? 6 : 4;
  const first = yield* enterNumber(ctx, 'admin', t(ctx, 'newPassword'), { minLength, maxLength: 12, secret: true });
  if (first === undefined) return;
  const again = yield* enterNumber(ctx, 'admin', t(ctx, 'repeatPassword'), { minLength, maxLength: 12, secret: true });
  if (again === undefined) return;
  if (first !== again) return yield* pause(ctx, 'admin', [t(ctx, 'passwordMismatch')]);
  const ev = yield { op: 'hash-password', password: first };
  if (ev.kind !== 'password-hashed') throw new EngineProtocolError('password-hashed', ev.kind);
  const s = ctx.settings;
  const next = whose === SUPERVISOR
    ? { ...s, supervisorPasswordHash: ev.hash }
    : { ...s, operators: { ...s.operators, [whose]: ev.hash } };
  if (yield* saveSettings(ctx, next)) log(ctx, 'info', 'password.changed', { operator: whose });
}

export function* adminFlow(ctx: EngineContext): Flow<void> {
  const choice = yield* chooseKey(ctx, 'admin', [t(ctx, 'adminMenu1'), t(ctx, 'adminMenu2'), t(ctx, 'adminMenu3')], ['1', '2', '3', '4', '5', '6']);
  switch (choice) {
    case '1':
      return yield* operatorSignIn(ctx);
    case '2':
      return yield* networkManagement(ctx, '002');
    case '3':
      return yield* networkManagement(ctx, '301');
    case '4':
      if (yield* supervisorApproves(ctx)) yield* parametersFlow(ctx);
      return;
    case '5':
      if (yield* supervisorApproves(ctx)) yield* passwordFlow(ctx);
      return;
    case '6':
      return yield* unlockFlow(ctx);
    default:
      return;
  }
}
