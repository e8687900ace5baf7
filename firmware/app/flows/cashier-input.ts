/** Keypad and card-reader prompts: amounts, numbers, passwords/PINs, swipes, menu choices. */
import type { CardRead } from '../../drivers/magstripe/card-read.js';
import type { PosKey } from '../../hal/pos-keys.js';
import type { EngineContext } from '../engine-context.js';
import { formatFen, type TextKey } from '../screens/screen-text.js';
import { maskPan } from '../../security/pan-mask.js';
import { log, pause, show, t, waitInput, type Flow } from './primitives.js';

export const MAX_AMOUNT_DIGITS = 12;

function digitsOf(key: PosKey): string | undefined {
  if (key === '00') return '00';
  return /^[0-9]$/.test(key) ? key : undefined;
}

/** Pure keypad editing: digits append up to maxLength, CLEAR deletes the last one. */
export function editDigits(current: string, key: PosKey, maxLength: number): string {
  if (key === 'CLEAR') return current.slice(0, -1);
  const d = digitsOf(key);
  if (d === undefined) return current;
  return (current + d).slice(0, maxLength);
}

/** Amount in fen; 0 refused; undefined when the cashier cancels or walks away. */
export function* enterAmount(ctx: EngineContext, title: TextKey): Flow<number | undefined> {
  let digits = '';
  let hint = '';
  for (;;) {
    const fen = digits === '' ? 0 : Number(digits);
    const amount = formatFen(fen).padStart(ctx.display.cols);
    // Two rows: the refusal takes the prompt's place so that it is seen.
    show(ctx, title, ctx.display.rows >= 4 ? [t(ctx, 'enterAmount'), amount, hint] : [hint || t(ctx, 'enterAmount'), amount]);
    const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
    if (ev.kind === 'timeout') return undefined;
    if (ev.kind !== 'key') continue;
    hint = '';
    if (ev.key === 'CANCEL') return undefined;
    if (ev.key === 'ENTER') {
      const limit = ctx.settings.amountLimitFen;
      if (fen > 0 && (limit === 0 || fen <= limit)) return fen;
      if (fen === 0) {
        hint = t(ctx, 'amountZero');
        continue;
      }
      // The merchant's per-transaction limit: refused here, nothing is sent; the cashier may key again.
      log(ctx, 'info', 'amount.over-limit', { amountFen: fen, limitFen: limit });
      yield* pause(ctx, title, [t(ctx, 'overLimit'), t(ctx, 'limitIs', { amount: formatFen(limit) })]);
      continue;
    }
    // Leading zeros add nothing to an amount: keep the digit string canonical.
    digits = editDigits(digits, ev.key, MAX_AMOUNT_DIGITS).replace(/^0+/, '');
  }
}

/**
 * A number of minLength..maxLength digits. `secret` echoes '*' (passwords, PINs). Returns '' only
 * when allowEmpty (PIN bypass); undefined on cancel or timeout.
 */
export function* enterNumber(
  ctx: EngineContext,
  title: TextKey | { raw: string },
  prompt: string,
  opts: { minLength: number; maxLength: number; secret?: boolean; allowEmpty?: boolean; extraLine?: string },
): Flow<string | undefined> {
  let digits = '';
  for (;;) {
    const echo = opts.secret ? '*'.repeat(digits.length) : digits;
    // The extra line (amount, current value) only where there is room for it and the echo.
    show(ctx, title, opts.extraLine !== undefined && ctx.display.rows >= 4 ? [opts.extraLine, prompt, echo] : [prompt, echo]);
    const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
    if (ev.kind === 'timeout') return undefined;
    if (ev.kind !== 'key') continue;
    if (ev.key === 'CANCEL') return undefined;
    if (ev.key === 'ENTER') {
      if (digits.length === 0 && opts.allowEmpty) return '';
      if (digits.length >= opts.minLength) return digits;
      continue;
    }
    digits = editDigits(digits, ev.key, opts.maxLength);
  }
}

/** Waits for a good swipe; bad swipes show 请重刷 and wait again. */
export function* readCard(ctx: EngineContext, title: TextKey, amountFen: number | undefined, preread?: CardRead): Flow<CardRead | undefined> {
  if (preread) return preread;
  let again = false;
  for (;;) {
    const amountLine = amountFen !== undefined ? formatFen(amountFen) : '';
    show(ctx, title, [t(ctx, again ? 'swipeAgain' : 'swipeCard'), amountLine]);
    const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
    if (ev.kind === 'timeout') return undefined;
    if (ev.kind === 'key' && ev.key === 'CANCEL') return undefined;
    if (ev.kind !== 'swipe') continue;
    if (ev.result.ok) return ev.result;
    log(ctx, 'info', 'swipe.bad', { reason: ev.result.reason, detail: ev.result.detail });
    again = true;
  }
}

/** Shows the masked PAN and amount; ENTER confirms. */
export function* confirmCard(ctx: EngineContext, title: TextKey, card: CardRead, amountFen: number | undefined): Flow<boolean> {
  const lines = [maskPan(card.pan, ctx.display.cols)];
  if (amountFen !== undefined) lines.push(formatFen(amountFen));
  lines.push(t(ctx, 'confirmCard'));
  show(ctx, title, ctx.display.rows >= 4 ? lines : [lines[0]!, lines[1]!]);
  for (;;) {
    const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
    if (ev.kind === 'timeout') return false;
    if (ev.kind !== 'key') continue;
    if (ev.key === 'ENTER') return true;
    if (ev.key === 'CANCEL') return false;
  }
}

/** PIN of 4-12 digits echoing '*'; 'bypass' when allowed and ENTER is pressed with none. */
export function* enterPin(ctx: EngineContext, title: TextKey, amountFen: number | undefined): Flow<string | 'bypass' | undefined> {
  const pin = yield* enterNumber(ctx, title, t(ctx, 'enterPin'), {
    minLength: 4,
    maxLength: 12,
    secret: true,
    allowEmpty: ctx.settings.pinBypassAllowed,
    ...(amountFen !== undefined ? { extraLine: formatFen(amountFen) } : {}),
  });
  if (pin === '') return 'bypass';
  return pin;
}

/**
 * A menu screen: returns the chosen key among `choices`, undefined on CANCEL or timeout. UP/DOWN
 * scroll the lines when the display has fewer body rows than the menu has lines.
 */
export function* chooseKey(ctx: EngineContext, title: TextKey, lines: readonly string[], choices: readonly PosKey[]): Flow<PosKey | undefined> {
  const visible = ctx.display.rows >= 4 ? ctx.display.rows - 1 : ctx.display.rows;
  let top = 0;
  for (;;) {
    show(ctx, title, lines.slice(top, top + visible));
    const ev = yield* waitInput(ctx.settings.idleTimeoutMs);
    if (ev.kind === 'timeout') return undefined;
    if (ev.kind !== 'key') continue;
    if (ev.key === 'CANCEL') return undefined;
    if (ev.key === 'DOWN') top = Math.max(0, Math.min(top + 1, lines.length - visible));
    if (ev.key === 'UP') top = Math.max(0, top - 1);
    if (choices.includes(ev.key)) return ev.key;
  }
}

/** MMDD that names a real calendar day (29 Feb accepted). */
export function isValidMmdd(mmdd: string): boolean {
  if (!/^\d{4}$/.test(mmdd)) return false;
  const month = Number(mmdd.slice(0, 2));
  const day = Number(mmdd.slice(2));
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]!;
}
