/**
 * The engine's boundary: what goes in (events) and what comes out (effects). The engine never
 * touches a device; the shell performs effects and feeds their results back as events, so a
 * simulation can drive it with a virtual clock, a scripted cashier and an in-process host.
 */
import type { IsoMessage } from '../iso8583/message.js';
import type { JournalCapacity, JournalView } from '../journal/journal.js';
import type { JournalCall } from '../journal/journal-call.js';
import type { PosKey } from '../hal/pos-keys.js';
import type { SwipeResult } from '../drivers/magstripe/card-read.js';
import type { PrintJob, PrintOutcome } from '../drivers/printer/print-job.js';
import type { LogLevel } from '../ports/log.js';
import type { PasswordLockouts } from './password-lockout.js';
import type { TerminalSettings } from './settings.js';

export type { JournalCall };

/** Operations the engine waits on; exactly one is outstanding whenever the engine is not done. */
export type Operation =
  /** Wait for the cashier (key, swipe) or the printer's paper sensor; timeoutMs ends the wait. */
  | { op: 'input'; timeoutMs?: number }
  | { op: 'journal'; request: JournalCall }
  /**
   * Send a request and wait for its response. The shell encrypts F35/F36 under the TDK when
   * `encryptTracks` (key mode 004), sets F52 from `pin` (memory only, never logged) and F64 (MAC)
   * when `mac` is true, then verifies the response's MAC.
   */
  | { op: 'host'; request: IsoMessage; mac: boolean; encryptTracks?: boolean; pin?: { pin: string; pan: string }; timeoutMs: number }
  | { op: 'print'; job: PrintJob }
  /** Ask the printer whether it has paper (ESC/POS DLE EOT 4, the bare head's sensor) before money moves. */
  | { op: 'paper-check' }
  /** Install working keys from a sign-in response's F62 (check values verified by security). */
  | { op: 'install-keys'; field62: Uint8Array; keyMode: '003' | '004' }
  /** Sign-off: wipe the working keys (answered by a keys-result). */
  | { op: 'clear-keys' }
  /** Hash a new password with a fresh random salt (randomness lives in the shell). */
  | { op: 'hash-password'; password: string }
  | { op: 'save-settings'; settings: TerminalSettings }
  /** Make the password attempt counts durable (they must survive a power cut). */
  | { op: 'save-lockouts'; lockouts: PasswordLockouts }
  /** Make the supervisor's acknowledgement of journal damage durable (journal-damage.ts). */
  | { op: 'save-damage-ack'; fingerprint: string };

export type InputEvent =
  | { kind: 'key'; key: PosKey }
  | { kind: 'swipe'; result: SwipeResult }
  /** The printer's paper sensor changed (paper loaded after a paper-out, for instance). */
  | { kind: 'paper'; present: boolean };

export type JournalOutcome =
  | { ok: true; value: number | undefined; view: JournalView; capacity: JournalCapacity }
  | { ok: false; full: boolean; detail: string; view: JournalView; capacity: JournalCapacity };

export type HostOutcome =
  /** macOk is true when the response carried no MAC because none was required (mac: false). */
  | { ok: true; response: IsoMessage; macOk: boolean }
  | { ok: false; kind: 'unreachable' | 'timeout' | 'malformed'; requestSent: boolean; detail: string };

export type KeyInstallOutcome = { ok: true } | { ok: false; reason: 'key-check-failed' | 'bad-field62' };

/** Everything the engine is told. Results answer the outstanding operation, in kind. */
export type EngineEvent =
  | InputEvent
  /** The input timer set by a `timer` effect fired (or any time passed: the engine checks). */
  | { kind: 'tick' }
  | { kind: 'journal-result'; outcome: JournalOutcome }
  | { kind: 'host-result'; outcome: HostOutcome }
  | { kind: 'print-result'; outcome: PrintOutcome }
  | { kind: 'keys-result'; outcome: KeyInstallOutcome }
  | { kind: 'password-hashed'; hash: string }
  | { kind: 'settings-saved'; ok: boolean }
  /** present undefined: the printer could not say (no answer, an error). */
  | { kind: 'paper-status'; present: boolean | undefined }
  | { kind: 'lockouts-saved'; ok: boolean }
  | { kind: 'damage-ack-saved'; ok: boolean };

/** Fire-and-forget effects the shell performs at once, in order, before the operation. */
export type Notice =
  | { kind: 'screen'; lines: string[] }
  | { kind: 'log'; level: LogLevel; event: string; fields?: Record<string, unknown> }
  /** Call back with a `tick` at this monotonic time (ms); replaces any earlier timer. */
  | { kind: 'timer'; atMs: number }
  | { kind: 'settings-changed'; settings: TerminalSettings };

export interface EngineStep {
  notices: Notice[];
  /** What the engine now waits for. */
  waiting: Operation;
  /**
   * The event did not answer the outstanding operation and changed nothing: `waiting` is the same
   * operation as before, already being performed. Performing it again would be a bug.
   */
  ignored?: true;
}

/** Time as an input: monotonic ms for timeouts, wall time for F12/F13 and receipts. */
export interface EngineTime {
  ms: number;
  wall: Date;
}
