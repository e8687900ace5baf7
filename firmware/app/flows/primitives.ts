/**
 * The building blocks of every flow: a flow is a generator that yields an Operation and is resumed
 * with the event that answers it. Screens and logs are notices collected for the current step.
 */
import type {
  EngineEvent,
  HostOutcome,
  InputEvent,
  JournalCall,
  JournalOutcome,
  Operation,
} from '../engine-io.js';
import type { EngineContext } from '../engine-context.js';
import type { IsoMessage } from '../../iso8583/message.js';
import type { PrintJob, PrintOutcome } from '../../drivers/printer/print-job.js';
import type { LogLevel } from '../../ports/log.js';
import { layoutScreen, type TextKey } from '../screens/screen-text.js';

export type Flow<T> = Generator<Operation, T, EngineEvent>;

/** An input wait ended by the idle timer rather than the cashier. */
export interface InputTimeout {
  kind: 'timeout';
}

/** The engine broke its own protocol (a result of the wrong kind): a bug, caught by the main loop. */
export class EngineProtocolError extends Error {
  constructor(expected: string, got: string) {
    super(`expected ${expected}, got ${got}`);
    this.name = 'EngineProtocolError';
  }
}

export function show(ctx: EngineContext, title: TextKey | { raw: string }, body: readonly string[]): void {
  const titleText = typeof title === 'string' ? ctx.texts.text(title) : title.raw;
  ctx.notices.push({ kind: 'screen', lines: layoutScreen(ctx.display, titleText, body) });
}

export function t(ctx: EngineContext, key: TextKey, params?: Record<string, string | number>): string {
  return ctx.texts.text(key, params);
}

export function log(ctx: EngineContext, level: LogLevel, event: string, fields?: Record<string, unknown>): void {
  ctx.notices.push({ kind: 'log', level, event, ...(fields ? { fields } : {}) });
}

/** Waits for a key, a swipe or a paper-sensor change; `timeoutMs` undefined waits for ever. */
export function* waitInput(timeoutMs: number | undefined): Flow<InputEvent | InputTimeout> {
  const ev = yield timeoutMs === undefined ? { op: 'input' } : { op: 'input', timeoutMs };
  if (ev.kind === 'tick') return { kind: 'timeout' };
  if (ev.kind === 'key' || ev.kind === 'swipe' || ev.kind === 'paper') return ev;
  throw new EngineProtocolError('input', ev.kind);
}

/** Runs a journal call; the snapshot in the context is refreshed from the answer. */
export function* journalCall(ctx: EngineContext, request: JournalCall): Flow<JournalOutcome> {
  const ev = yield { op: 'journal', request };
  if (ev.kind !== 'journal-result') throw new EngineProtocolError('journal-result', ev.kind);
  ctx.journal = { view: ev.outcome.view, capacity: ev.outcome.capacity };
  if (!ev.outcome.ok) log(ctx, 'error', 'journal.failed', { call: request.method, full: ev.outcome.full, detail: ev.outcome.detail });
  return ev.outcome;
}

export function* hostExchange(
  ctx: EngineContext,
  request: IsoMessage,
  options: { mac: boolean; pin?: { pin: string; pan: string } },
): Flow<HostOutcome> {
  const op: Operation = { op: 'host', request, mac: options.mac, timeoutMs: ctx.settings.hostTimeoutMs };
  if (options.pin) op.pin = options.pin;
  const ev = yield op;
  if (ev.kind !== 'host-result') throw new EngineProtocolError('host-result', ev.kind);
  const o = ev.outcome;
  log(ctx, o.ok ? 'info' : 'warn', 'host.exchange', {
    mti: request.mti,
    stan: request.fields[11],
    ...(o.ok ? { responseCode: o.response.fields[39], macOk: o.macOk } : { failure: o.kind, requestSent: o.requestSent }),
  });
  return o;
}

export function* printJob(job: PrintJob): Flow<PrintOutcome> {
  const ev = yield { op: 'print', job };
  if (ev.kind !== 'print-result') throw new EngineProtocolError('print-result', ev.kind);
  return ev.outcome;
}

/** Asks the printer for paper; undefined when it cannot say. */
export function* askPaper(): Flow<boolean | undefined> {
  const ev = yield { op: 'paper-check' };
  if (ev.kind !== 'paper-status') throw new EngineProtocolError('paper-status', ev.kind);
  return ev.present;
}

/** Shows a message until the cashier presses a key (swipes and paper events do not dismiss it). */
export function* untilKey(ctx: EngineContext, title: TextKey | { raw: string }, body: readonly string[]): Flow<void> {
  show(ctx, title, body);
  for (;;) {
    const ev = yield* waitInput(undefined);
    if (ev.kind === 'key') return;
  }
}

/** Shows a message until a key or `ms` passes (result screens the cashier may skip). */
export function* pause(ctx: EngineContext, title: TextKey | { raw: string }, body: readonly string[], ms = 3000): Flow<void> {
  show(ctx, title, body);
  for (;;) {
    const ev = yield* waitInput(ms);
    if (ev.kind === 'timeout' || ev.kind === 'key') return;
  }
}
