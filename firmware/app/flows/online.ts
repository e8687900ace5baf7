/**
 * The online heart of the terminal and the reversal contract (R1-R7, DESIGN.md):
 * - reversal rounds before every online transaction, at boot, at sign-in and before settlement;
 * - financial transactions: counters, durable begin, send, MAC-verified response recorded before
 *   anything is shown, reversal at once when the outcome is not known.
 */
import type { CardRead } from '../../drivers/magstripe/card-read.js';
import { getString, type IsoMessage } from '../../iso8583/message.js';
import type {
  Approval,
  FinancialType,
  JournalTransaction,
  OriginalReference,
  ReversalReason,
} from '../../journal/journal.js';
import type { CardEntryMode } from '../card-entry.js';
import type { EngineContext } from '../engine-context.js';
import type { HostOutcome } from '../engine-io.js';
import { buildFinancialRequest, buildReversal, localTimeAndDate, pad } from '../iso-requests.js';
import { outcomeUnknownSlip, reversalFailedSlip } from '../receipts.js';
import { formatFen } from '../screens/screen-text.js';
import { TRANSACTION_KINDS } from '../transaction-kinds.js';
import { maskPan } from '../../security/pan-mask.js';
import { paperReady, printTransactionCopies, printWithRecovery } from './printing.js';
import { hostExchange, journalCall, log, pause, show, t, untilKey, type Flow } from './primitives.js';

/** 0410 codes that clear a reversal (R4): done, invalid (nothing to reverse), original not found. */
export const REVERSAL_CLEARED_CODES = ['00', '12', '25'];

/**
 * F39 recorded when the request never left (HostError 'unreachable', requestSent false): no reversal
 * is owed, and the journal's "declined" with this local code closes the record without one.
 */
export const NOT_SENT_CODE = 'NS';

export type RoundResult = 'clear' | 'blocked';

/** Records that owe a reversal now, oldest first. */
function owedReversals(ctx: EngineContext): JournalTransaction[] {
  return ctx.journal.view.transactions.filter((tx) => tx.status === 'reversal-pending');
}

/**
 * A record still 'pending' outside its own flow was cut short (power cut or journal failure):
 * its request may have left, so a reversible one is owed a 98, a refund becomes 'unknown'.
 */
function* settleInterrupted(ctx: EngineContext): Flow<boolean> {
  const interrupted = ctx.journal.view.transactions.filter((tx) => tx.status === 'pending');
  for (const tx of interrupted) {
    if (tx.reversible) {
      const owed = yield* journalCall(ctx, { method: 'requireReversal', stan: tx.stan, reason: '98' });
      if (!owed.ok) return false;
    } else if (!(yield* recordUnknown(ctx, tx.stan))) return false;
  }
  return true;
}

/**
 * A non-reversible request (refund) whose outcome cannot be known: recorded as 'unknown', logged,
 * and a 交易结果未知 请与收单行核实 slip printed; the settlement report lists it too. false when the
 * journal could not record it (it stays 'pending' and is settled the same way next time).
 */
function* recordUnknown(ctx: EngineContext, stan: number): Flow<boolean> {
  const recorded = yield* journalCall(ctx, { method: 'outcomeUnknown', stan });
  if (!recorded.ok) return false;
  const tx = ctx.journal.view.transactions.find((r) => r.stan === stan);
  log(ctx, 'warn', 'transaction.unknown', { type: tx?.type, stan });
  if (tx) yield* printWithRecovery(ctx, outcomeUnknownSlip(tx, ctx.settings, ctx.time.wall));
  return true;
}

function isCleared(outcome: HostOutcome): boolean {
  if (!outcome.ok || !outcome.macOk) return false;
  const code = getString(outcome.response, 39);
  return outcome.response.mti === '0410' && code !== undefined && REVERSAL_CLEARED_CODES.includes(code);
}

/**
 * 冲正成功 with the amount and voucher of the transaction it undid, until a key is pressed: the
 * cashier must be able to tell the customer that the earlier, unanswered charge was taken back.
 */
function* announceReversal(ctx: EngineContext, tx: JournalTransaction): Flow<void> {
  const what = t(ctx, 'amountVoucher', { amount: formatFen(tx.amountFen), voucher: pad(tx.voucherNo, 6) });
  const body = ctx.display.rows >= 4 ? [t(ctx, 'reversalDone'), what, t(ctx, 'pressAnyKey')] : [t(ctx, 'reversalDone'), what];
  yield* untilKey(ctx, TRANSACTION_KINDS[tx.type].title, body);
}

/**
 * Sends every owed reversal, up to the configured tries each (counted in the journal, so a reboot
 * continues the count). Out of tries: reversal failed, slip printed. 'blocked' when one is still
 * owed (host unreachable, journal failure): no new online transaction may go out. `announce`: each
 * cleared reversal is shown until a key (off only where the caller shows the outcome itself).
 */
export function* reversalRound(ctx: EngineContext, announce = true): Flow<RoundResult> {
  if (!(yield* settleInterrupted(ctx))) return 'blocked';
  for (const tx of owedReversals(ctx)) {
    const reason: ReversalReason = tx.reversalReason ?? '98';
    let tries = tx.reversalTries;
    let cleared = false;
    while (!cleared && tries < ctx.settings.reversalTries) {
      show(ctx, TRANSACTION_KINDS[tx.type].title, [t(ctx, 'reversing'), formatFen(tx.amountFen)]);
      const outcome = yield* hostExchange(ctx, buildReversal(tx, reason, ctx.settings), { mac: true });
      if (!outcome.ok && outcome.kind === 'unreachable' && !outcome.requestSent) {
        // Nothing left the terminal: not a try. The reversal stays owed for the next round.
        return 'blocked';
      }
      cleared = isCleared(outcome);
      if (cleared) {
        const done = yield* journalCall(ctx, { method: 'reversalAcked', stan: tx.stan });
        if (!done.ok) return 'blocked';
        log(ctx, 'info', 'reversal.cleared', { stan: tx.stan, reason });
        if (announce) yield* announceReversal(ctx, tx);
      } else {
        tries += 1;
        const noted = yield* journalCall(ctx, { method: 'reversalTried', stan: tx.stan, tries });
        if (!noted.ok) return 'blocked';
      }
    }
    if (!cleared) {
      const failed = yield* journalCall(ctx, { method: 'reversalFailed', stan: tx.stan });
      if (!failed.ok) return 'blocked';
      log(ctx, 'error', 'reversal.failed', { stan: tx.stan, voucherNo: tx.voucherNo, maskedPan: maskPan(tx.request.pan), tries });
      show(ctx, TRANSACTION_KINDS[tx.type].title, [t(ctx, 'reversalFailed'), t(ctx, 'manualHandling')]);
      const record = ctx.journal.view.transactions.find((r) => r.stan === tx.stan) ?? tx;
      yield* printWithRecovery(ctx, reversalFailedSlip(record, ctx.settings, ctx.time.wall));
    }
  }
  return owedReversals(ctx).length === 0 ? 'clear' : 'blocked';
}

/** A round left a reversal owed (host unreachable, journal failure): no trading until it clears. */
export function* explainBlocked(ctx: EngineContext): Flow<void> {
  yield* pause(ctx, 'reversing', [t(ctx, 'reversalOwed'), t(ctx, 'hostUnreachable')]);
}

/** The current batch number; a fresh journal (batch 0) takes batch 1 first. */
export function* currentBatch(ctx: EngineContext): Flow<number | undefined> {
  const batch = ctx.journal.view.counters.batch;
  if (batch > 0) return batch;
  const taken = yield* journalCall(ctx, { method: 'takeCounter', name: 'batch' });
  return taken.ok ? taken.value : undefined;
}

/** Takes a fresh STAN from the journal (R6: advanced on flash before use). */
export function* takeStan(ctx: EngineContext): Flow<number | undefined> {
  const taken = yield* journalCall(ctx, { method: 'takeCounter', name: 'stan' });
  return taken.ok ? taken.value : undefined;
}

export interface FinancialRequest {
  type: FinancialType;
  amountFen: number;
  card: CardRead;
  /** Swipe, or a chip card sent as a fallback (card-entry.ts); kept on the journal record. */
  entry: CardEntryMode;
  /** Memory only; never stored or logged. */
  pin?: string;
  original?: OriginalReference;
}

export type FinancialResult = 'approved' | 'declined' | 'reversed' | 'unknown' | 'not-sent' | 'refused';

function approvalOf(response: IsoMessage, wall: Date): Approval {
  const local = localTimeAndDate(wall);
  return {
    authCode: getString(response, 38) ?? '',
    rrn: getString(response, 37) ?? '',
    hostDate: getString(response, 13) ?? local.date,
    hostTime: getString(response, 12) ?? local.time,
  };
}

/** Room for one more transaction with its reversal (R7)? Shows 请先结算 when not. */
export function* ensureRoom(ctx: EngineContext, title: FinancialType): Flow<boolean> {
  if (ctx.journal.capacity.transactionsLeft >= 1) return true;
  log(ctx, 'warn', 'journal.full', { transactionsLeft: ctx.journal.capacity.transactionsLeft });
  yield* pause(ctx, TRANSACTION_KINDS[title].title, [t(ctx, 'settleFirst')]);
  return false;
}

/**
 * One financial transaction from the moment the cashier has entered everything to the last receipt.
 */
export function* runFinancial(ctx: EngineContext, req: FinancialRequest): Flow<FinancialResult> {
  const kind = TRANSACTION_KINDS[req.type];
  const title = kind.title;
  if (!(yield* ensureRoom(ctx, req.type))) return 'refused';
  if (!(yield* paperReady(ctx))) return 'refused';
  show(ctx, title, [t(ctx, 'processing')]);
  if ((yield* reversalRound(ctx)) === 'blocked') {
    yield* explainBlocked(ctx);
    return 'refused';
  }
  const batchNo = yield* currentBatch(ctx);
  const stan = batchNo === undefined ? undefined : yield* takeStan(ctx);
  if (batchNo === undefined || stan === undefined) {
    yield* pause(ctx, title, [t(ctx, 'journalError')]);
    return 'refused';
  }
  const { message, reversal } = buildFinancialRequest({
    type: req.type,
    amountFen: req.amountFen,
    stan,
    batchNo,
    card: req.card,
    entry: req.entry,
    withPin: req.pin !== undefined,
    ...(req.original ? { original: req.original } : {}),
    settings: ctx.settings,
    wall: ctx.time.wall,
  });
  // R1: the reversal record is durable before the request leaves.
  const begun = yield* journalCall(ctx, {
    method: 'begin',
    tx: {
      type: req.type,
      ...(req.entry === 'fallback' ? { entryMode: req.entry } : {}),
      stan,
      // 凭证号 = STAN (cup-pos.md): F61.2 of a void names the original by it.
      voucherNo: stan,
      batchNo,
      amountFen: req.amountFen,
      operator: ctx.session.operator ?? '00',
      reversible: kind.reversible,
      request: reversal,
      ...(req.original ? { original: req.original } : {}),
    },
  });
  if (!begun.ok) {
    yield* pause(ctx, title, [t(ctx, begun.full ? 'settleFirst' : 'journalError')]);
    return 'refused';
  }
  log(ctx, 'info', 'transaction.begin', { type: req.type, stan, amountFen: req.amountFen, maskedPan: maskPan(req.card.pan) });
  show(ctx, title, [t(ctx, 'connecting'), formatFen(req.amountFen)]);
  const outcome = yield* hostExchange(ctx, message, {
    mac: true,
    encryptTracks: ctx.settings.keyMode === '004',
    ...(req.pin !== undefined ? { pin: { pin: req.pin, pan: req.card.pan } } : {}),
  });
  return yield* settleOutcome(ctx, req.type, stan, outcome, message);
}

/** Fields a response must echo unchanged when it carries them (F2 only when the request had it). */
const ECHOED_FIELDS = [2, 3, 4, 11, 41, 42] as const;

/**
 * The echoed fields that differ from the request: a MAC-valid 00 for another amount, card or
 * merchant approves nothing the cashier asked for (DIALECT.md). A field the response leaves out
 * is not compared (the link has already matched F11 and F41).
 */
export function echoMismatches(request: IsoMessage, response: IsoMessage): number[] {
  return ECHOED_FIELDS.filter((f) => {
    const sent = getString(request, f);
    const got = getString(response, f);
    return sent !== undefined && got !== undefined && got !== sent;
  });
}

/**
 * A decline that carries an authorization code the request did not send: only approvals get one,
 * so either the host contradicts itself or the line changed F39 in a way the CUP ECB MAC's XOR fold
 * cannot see (the same bit in two 8-byte blocks). The outcome is uncertain: reverse (DIALECT.md).
 */
function declineWithNewAuthCode(request: IsoMessage, response: IsoMessage, code: string | undefined): boolean {
  const auth = getString(response, 38);
  return code !== '00' && auth !== undefined && auth.trim() !== '' && auth !== getString(request, 38);
}

function expectedResponseMti(requestMti: string): string {
  return requestMti.slice(0, 2) + String(Number(requestMti[2]) + 1) + requestMti[3];
}

/** R2/R3: what the response (or its absence) means for the journal, then the cashier. */
function* settleOutcome(ctx: EngineContext, type: FinancialType, stan: number, outcome: HostOutcome, request: IsoMessage): Flow<FinancialResult> {
  const kind = TRANSACTION_KINDS[type];
  const title = kind.title;
  let reason: ReversalReason;
  let screen: 'noResponse' | 'macError' | 'badResponse';
  if (!outcome.ok) {
    if (outcome.kind === 'unreachable' && !outcome.requestSent) {
      yield* journalCall(ctx, { method: 'declined', stan, responseCode: NOT_SENT_CODE });
      yield* pause(ctx, title, [t(ctx, 'hostUnreachable')]);
      return 'not-sent';
    }
    reason = outcome.kind === 'malformed' ? '06' : '98';
    screen = outcome.kind === 'malformed' ? 'badResponse' : 'noResponse';
  } else if (!outcome.macOk) {
    reason = 'A0';
    screen = 'macError';
  } else {
    const code = getString(outcome.response, 39);
    const mismatched = echoMismatches(request, outcome.response);
    if (mismatched.length > 0) {
      log(ctx, 'error', 'host.echo-mismatch', { stan, fields: mismatched, responseCode: code });
    }
    const contradictory = declineWithNewAuthCode(request, outcome.response, code);
    if (contradictory) log(ctx, 'error', 'host.decline-with-auth-code', { stan, responseCode: code });
    if (outcome.response.mti !== expectedResponseMti(kind.mti) || code === undefined || !/^[0-9A-Z]{2}$/.test(code) || mismatched.length > 0 || contradictory) {
      reason = '06';
      screen = 'badResponse';
    } else if (code === '00') {
      return yield* recordApproval(ctx, type, stan, approvalOf(outcome.response, ctx.time.wall));
    } else {
      const recorded = yield* journalCall(ctx, { method: 'declined', stan, responseCode: code });
      if (!recorded.ok) {
        // Still 'pending' on flash: the next round reverses it (harmless: the host declined it).
        yield* pause(ctx, title, [t(ctx, 'journalError')]);
        return 'declined';
      }
      log(ctx, 'info', 'transaction.declined', { type, stan, responseCode: code });
      yield* pause(ctx, title, [t(ctx, 'declined', { code }), ctx.texts.responseMeaning(code)], 5000);
      return 'declined';
    }
  }
  if (!kind.reversible) {
    show(ctx, title, [t(ctx, screen), t(ctx, 'outcomeUnknown')]);
    yield* recordUnknown(ctx, stan);
    yield* pause(ctx, title, [t(ctx, screen), t(ctx, 'outcomeUnknown')], 5000);
    return 'unknown';
  }
  return yield* reverseNow(ctx, type, stan, reason, screen);
}

function* reverseNow(
  ctx: EngineContext,
  type: FinancialType,
  stan: number,
  reason: ReversalReason,
  screen: 'noResponse' | 'macError' | 'badResponse' | 'journalError',
): Flow<FinancialResult> {
  const title = TRANSACTION_KINDS[type].title;
  const owed = yield* journalCall(ctx, { method: 'requireReversal', stan, reason });
  if (!owed.ok) {
    // The record stays 'pending' on flash; boot or the next round reverses it with 98.
    yield* pause(ctx, title, [t(ctx, screen), t(ctx, 'journalError')]);
    return 'reversed';
  }
  log(ctx, 'warn', 'reversal.owed', { stan, reason });
  show(ctx, title, [t(ctx, screen), t(ctx, 'reversing')]);
  yield* reversalRound(ctx, false);
  const status = ctx.journal.view.transactions.find((tx) => tx.stan === stan)?.status;
  // Reversed, handed to manual handling, or still owed (tried again before the next online work).
  const result = status === 'reversed' ? 'reversalDone' : status === 'reversal-failed' ? 'manualHandling' : 'reversalOwed';
  yield* pause(ctx, title, [t(ctx, screen), t(ctx, result)], 5000);
  return 'reversed';
}

function* recordApproval(ctx: EngineContext, type: FinancialType, stan: number, approval: Approval): Flow<FinancialResult> {
  const title = TRANSACTION_KINDS[type].title;
  // R2: recorded (and the reversal cleared) before the screen or printer shows anything.
  const recorded = yield* journalCall(ctx, { method: 'approve', stan, approval });
  if (!recorded.ok) {
    if (!TRANSACTION_KINDS[type].reversible) {
      yield* recordUnknown(ctx, stan);
      yield* pause(ctx, title, [t(ctx, 'journalError'), t(ctx, 'outcomeUnknown')], 5000);
      return 'unknown';
    }
    // Approved by the host, but the terminal could not record it: reason 96.
    return yield* reverseNow(ctx, type, stan, '96', 'journalError');
  }
  log(ctx, 'info', 'transaction.approved', { type, stan, authCode: approval.authCode, rrn: approval.rrn });
  const tx = ctx.journal.view.transactions.find((r) => r.stan === stan);
  show(ctx, title, [t(ctx, 'approved'), tx ? formatFen(tx.amountFen) : '']);
  if (tx && !(yield* printTransactionCopies(ctx, tx, false))) {
    // The cashier gave up on the paper: the sale still stands, and says so (reprint from menu 6).
    yield* pause(ctx, title, [t(ctx, 'approved'), formatFen(tx.amountFen), t(ctx, 'reprintLater')], 5000);
  }
  return 'approved';
}
