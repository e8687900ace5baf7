/**
 * The shell around the pure TransactionEngine: feeds it device events and the time, performs its
 * effects on the injected devices one at a time, and feeds each result back as an event.
 * Everything is injected (journal, host link, security, display, printer, clock, logger, settings
 * store), so a simulation can run the real engine on a virtual clock with simulated devices.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/log.js';
import type { TextDisplay } from '../drivers/lcd/text-display.js';
import type { KeyEvent } from '../hal/pos-keys.js';
import type { SwipeResult } from '../drivers/magstripe/card-read.js';
import type { PrintOutcome, ReceiptPrinter } from '../drivers/printer/print-job.js';
import { HostError, type HostLink } from '../host/host-link.js';
import { getString } from '../iso8583/message.js';
import { JournalFull, type Journal, type JournalHealth } from '../journal/journal.js';
import { invokeJournal } from '../journal/journal-call.js';
import { TransactionEngine } from './engine.js';
import type { EngineEvent, EngineStep, EngineTime, HostOutcome, JournalCall, JournalOutcome, Notice, Operation } from './engine-io.js';
import { damageFingerprint, MemoryDamageAckStore, type DamageAckStore, type JournalDamage } from './journal-damage.js';
import { JournalMirror } from './journal-mirror.js';
import { hashPassword } from './passwords.js';
import { MemoryLockoutStore, type LockoutStore, type PasswordLockouts } from './password-lockout.js';
import { defaultSettings, settingsProblems, type SettingsStore, type TerminalSettings } from './settings.js';
import type { TerminalSecurity } from './terminal-security.js';

export interface TerminalShellOptions {
  /** Mounted and recovered by the caller. */
  journal: Journal;
  host: HostLink;
  security: TerminalSecurity;
  display: TextDisplay;
  printer: ReceiptPrinter;
  clock: Clock;
  logger: Logger;
  settingsStore: SettingsStore;
  /**
   * Where wrong-password counts survive a power cut (a file in the state directory on the board).
   * Memory when omitted: then they do not survive, which only a test or a demo may accept.
   */
  lockoutStore?: LockoutStore;
  /** What the mount found damaged (FlashJournal.health()); none when omitted. */
  journalHealth?: JournalHealth;
  /**
   * Where the supervisor's acknowledgement of that damage is kept (journal-damage.json in the state
   * directory). Memory when omitted: the damage screen then returns on every boot.
   */
  damageAckStore?: DamageAckStore;
  /** Salt source for new password hashes; node:crypto by default, seeded in simulations. */
  randomBytes?: (length: number) => Uint8Array;
  /** Told when the cashier saved new settings (e.g. a new host address for the link). */
  onSettingsChanged?: (settings: TerminalSettings) => void;
  /**
   * Told when a device failed in a way the engine must not see (a simulated power cut): the shell
   * stops at once, as the board would, and the next boot is a fresh shell on the same flash.
   */
  onHalt?: (error: unknown) => void;
}

/**
 * Refusals a host sends without a MAC because it has no key for this terminal: MAC error / not
 * signed in (A0), terminal not registered (97), merchant does not match (03). DIALECT.md.
 */
const UNSIGNED_REFUSALS = new Set(['A0', '97', '03']);

/** Errors that mean "the power is gone", not "the operation failed". */
function isPowerLoss(error: unknown): boolean {
  return error instanceof Error && error.name === 'PowerCut';
}

/** The mount's findings with whether a supervisor already acknowledged this same damage. */
async function damageAtBoot(health: JournalHealth | undefined, store: DamageAckStore): Promise<JournalDamage | undefined> {
  if (!health || health.findings.length === 0) return undefined;
  const fingerprint = damageFingerprint(health.findings);
  return {
    findings: [...health.findings],
    countersAdvanced: { ...health.countersAdvanced },
    fingerprint,
    acknowledged: (await store.load()) === fingerprint,
  };
}

export class TerminalShell {
  private readonly engine: TransactionEngine;
  private timer: TimerHandle | undefined;
  /** The operation being performed; events the engine ignores meanwhile must not start it again. */
  private performing: Operation | undefined;
  private haltError: unknown;
  private readonly idleWaiters: (() => void)[] = [];
  /** The journal's idle-time housekeeping, while it runs (started whenever the engine waits for the cashier). */
  private housekeeping: Promise<void> | undefined;
  /** Set once housekeeping failed: the journal refuses every call until the next mount, so it is not retried (nor logged) at each key. */
  private housekeepingFailed = false;
  private lastScreen: string[] = [];
  private readonly mirror: JournalMirror;
  private readonly lockoutStore: LockoutStore;
  private readonly damageAckStore: DamageAckStore;

  private constructor(
    private readonly o: TerminalShellOptions,
    settings: TerminalSettings,
    lockoutStore: LockoutStore,
    lockouts: PasswordLockouts,
    damageAckStore: DamageAckStore,
    journalDamage: JournalDamage | undefined,
  ) {
    this.mirror = new JournalMirror(o.journal);
    this.lockoutStore = lockoutStore;
    this.damageAckStore = damageAckStore;
    this.engine = new TransactionEngine({
      settings,
      display: { cols: o.display.cols, rows: o.display.rows, chinese: o.display.chinese },
      journal: { view: this.mirror.view, capacity: o.journal.capacity() },
      lockouts,
      ...(journalDamage ? { journalDamage } : {}),
    });
  }

  /** Loads settings (defaults when none are stored or they are unusable) and boots the engine. */
  static async start(options: TerminalShellOptions): Promise<TerminalShell> {
    let settings = await options.settingsStore.load();
    // Settings saved by an older firmware lack the newer keys: those take their defaults.
    if (settings !== undefined) settings = { ...defaultSettings(), ...settings };
    if (settings === undefined || settingsProblems(settings).length > 0) {
      if (settings !== undefined) options.logger.log('error', 'settings.unusable', { problems: settingsProblems(settings) });
      settings = defaultSettings();
    }
    const lockoutStore = options.lockoutStore ?? new MemoryLockoutStore();
    const lockouts = (await lockoutStore.load()) ?? {};
    const damageAckStore = options.damageAckStore ?? new MemoryDamageAckStore();
    const journalDamage = await damageAtBoot(options.journalHealth, damageAckStore);
    const shell = new TerminalShell(options, settings, lockoutStore, lockouts, damageAckStore, journalDamage);
    shell.apply(shell.engine.start(shell.now()));
    return shell;
  }

  key(event: KeyEvent): void {
    this.feed({ kind: 'key', key: event.key });
  }

  swipe(result: SwipeResult): void {
    this.feed({ kind: 'swipe', result });
  }

  /** The printer's paper sensor changed. */
  paper(present: boolean): void {
    this.feed({ kind: 'paper', present });
  }

  /** Resolves when the engine waits for the cashier and no device operation (housekeeping included) is in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  isIdle(): boolean {
    return this.performing === undefined && this.housekeeping === undefined && this.engine.waiting?.op === 'input';
  }

  /** The lines last shown (the display has them too; this is for harnesses and logs). */
  get screen(): readonly string[] {
    return this.lastScreen;
  }

  get waiting(): Operation | undefined {
    return this.engine.waiting;
  }

  get operator(): string | undefined {
    return this.engine.operator;
  }

  get settings(): TerminalSettings {
    return this.engine.settings;
  }

  /** Set once a power loss stopped the shell. */
  get halted(): boolean {
    return this.haltError !== undefined;
  }

  /** Stops timers; the journal and the link belong to the caller. */
  stop(): void {
    this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (this.haltError === undefined) this.haltError = new Error('stopped');
  }

  private now(): EngineTime {
    return { ms: this.o.clock.now(), wall: this.o.clock.wallTime() };
  }

  private feed(event: EngineEvent): void {
    if (this.halted) return;
    this.apply(this.engine.handle(event, this.now()));
  }

  private apply(step: EngineStep): void {
    for (const notice of step.notices) this.notice(notice);
    if (step.ignored) return;
    const op = step.waiting;
    // A notice callback fed an event itself (re-entrant): that newer step has been applied already.
    if (op === this.performing || this.engine.waiting !== op || this.halted) return;
    if (op.op === 'input') {
      if (op.timeoutMs === undefined) this.clearTimer();
      this.housekeep();
      this.wakeIdleWaiters();
      return;
    }
    this.clearTimer();
    this.performing = op;
    this.perform(op).then(
      (event) => {
        this.performing = undefined;
        this.feed(event);
      },
      (error) => {
        this.performing = undefined;
        this.halt(error);
      },
    );
  }

  /**
   * While the cashier reads the screen or types, the journal does the flash work (GC, erases, the
   * next sector) that would otherwise land inside the next commit. A key pressed meanwhile reaches
   * the engine at once; a journal call it leads to waits its turn behind the housekeeping.
   */
  private housekeep(): void {
    if (this.housekeeping !== undefined || this.housekeepingFailed) return;
    this.housekeeping = this.o.journal.housekeep().then(
      () => undefined,
      (error) => {
        if (isPowerLoss(error)) {
          this.halt(error);
          return;
        }
        // The journal refuses calls after a device error: the next transaction reports it to the cashier.
        this.housekeepingFailed = true;
        this.o.logger.log('error', 'journal.housekeeping-failed', { error: String(error) });
      },
    );
    void this.housekeeping.then(() => {
      this.housekeeping = undefined;
      this.wakeIdleWaiters();
    });
  }

  private wakeIdleWaiters(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private halt(error: unknown): void {
    if (this.halted) return;
    this.haltError = error;
    this.clearTimer();
    this.o.logger.log(isPowerLoss(error) ? 'warn' : 'error', 'shell.halted', { error: String(error) });
    this.o.onHalt?.(error);
  }

  private clearTimer(): void {
    this.o.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private notice(notice: Notice): void {
    switch (notice.kind) {
      case 'screen':
        this.lastScreen = notice.lines;
        this.o.display.show(notice.lines);
        return;
      case 'log':
        this.o.logger.log(notice.level, notice.event, notice.fields);
        return;
      case 'timer':
        this.clearTimer();
        this.timer = this.o.clock.setTimer(notice.atMs - this.o.clock.now(), () => {
          this.timer = undefined;
          this.feed({ kind: 'tick' });
        });
        return;
      case 'settings-changed':
        this.o.onSettingsChanged?.(notice.settings);
        return;
    }
  }

  /** Performs one operation; only a power loss rejects (it halts the shell). */
  private async perform(op: Exclude<Operation, { op: 'input' }>): Promise<EngineEvent> {
    switch (op.op) {
      case 'journal':
        return { kind: 'journal-result', outcome: await this.journalCall(op.request) };
      case 'host':
        return { kind: 'host-result', outcome: await this.exchange(op) };
      case 'print':
        return { kind: 'print-result', outcome: await this.print(op.job) };
      case 'paper-check':
        return { kind: 'paper-status', present: await this.paperPresent() };
      case 'save-lockouts':
        return { kind: 'lockouts-saved', ok: await this.saved(() => this.lockoutStore.save(op.lockouts), 'lockouts.save-failed') };
      case 'save-damage-ack':
        return { kind: 'damage-ack-saved', ok: await this.saved(() => this.damageAckStore.save(op.fingerprint), 'journal.damage-ack-save-failed') };
      case 'install-keys':
        try {
          return { kind: 'keys-result', outcome: this.o.security.installKeys(op.field62, op.keyMode) };
        } catch (error) {
          this.o.logger.log('error', 'security.install-keys-failed', { error: String(error) });
          return { kind: 'keys-result', outcome: { ok: false, reason: 'bad-field62' } };
        }
      case 'clear-keys':
        this.o.security.clearKeys();
        return { kind: 'keys-result', outcome: { ok: true } };
      case 'hash-password': {
        const salt = (this.o.randomBytes ?? ((n: number) => new Uint8Array(randomBytes(n))))(16);
        return { kind: 'password-hashed', hash: hashPassword(op.password, salt) };
      }
      case 'save-settings':
        return { kind: 'settings-saved', ok: await this.saved(() => this.o.settingsStore.save(op.settings), 'settings.save-failed') };
    }
  }

  /** A state-directory write: false (and logged) when the disk refused it; a power loss halts. */
  private async saved(save: () => Promise<void>, failEvent: string): Promise<boolean> {
    try {
      await save();
      return true;
    } catch (error) {
      if (isPowerLoss(error)) throw error;
      this.o.logger.log('error', failEvent, { error: String(error) });
      return false;
    }
  }

  private async journalCall(request: JournalCall): Promise<JournalOutcome> {
    const j = this.o.journal;
    let value: number | undefined;
    try {
      value = await invokeJournal(j, request);
    } catch (error) {
      if (isPowerLoss(error)) throw error;
      return { ok: false, full: error instanceof JournalFull, detail: String(error), view: this.mirror.refresh(), capacity: j.capacity() };
    }
    return { ok: true, value, view: this.mirror.afterSuccess(request, value), capacity: j.capacity() };
  }

  private async exchange(op: Extract<Operation, { op: 'host' }>): Promise<HostOutcome> {
    const security = this.o.security;
    let request = op.request;
    try {
      if (op.encryptTracks) request = security.encryptTracks(request);
      if (op.pin) request = { mti: request.mti, fields: { ...request.fields, 52: security.pinBlock(op.pin.pin, op.pin.pan) } };
      if (op.mac) {
        const signed = security.sign(request);
        if (!signed) return { ok: false, kind: 'unreachable', requestSent: false, detail: 'no working keys: sign in first' };
        request = signed;
      }
    } catch (error) {
      // Nothing has left the terminal yet: the request is simply not sent.
      return { ok: false, kind: 'unreachable', requestSent: false, detail: `request not prepared: ${String(error)}` };
    }
    try {
      const result = await this.o.host.exchange(request, { timeoutMs: op.timeoutMs });
      return { ok: true, response: result.message, macOk: op.mac ? this.macOk(result) : true };
    } catch (error) {
      if (isPowerLoss(error)) throw error;
      if (error instanceof HostError) return { ok: false, kind: error.kind, requestSent: error.requestSent, detail: error.message };
      // Unknown failure after handing the request over: it may have left, so a reversal is owed.
      return { ok: false, kind: 'timeout', requestSent: true, detail: String(error) };
    }
  }

  /**
   * A response with F64 must verify. One without is accepted only when the host could not have
   * signed it (UNSIGNED_REFUSALS); any other response without a MAC is a MAC failure. Otherwise a
   * garbled approval that lost its F64 and whose F39 changed would pass as a decline while the
   * issuer holds the money (the decoder now accepts more of what hosts send, so the MAC is the guard).
   */
  private macOk(result: Parameters<TerminalSecurity['verify']>[0]): boolean {
    if (result.message.fields[64] !== undefined) return this.o.security.verify(result);
    return UNSIGNED_REFUSALS.has(getString(result.message, 39) ?? '');
  }

  /** undefined when the printer cannot say; the engine then goes ahead (printing reports paper-out). */
  private async paperPresent(): Promise<boolean | undefined> {
    try {
      return await this.o.printer.paperPresent();
    } catch (error) {
      if (isPowerLoss(error)) throw error;
      this.o.logger.log('warn', 'printer.status-unknown', { error: String(error) });
      return undefined;
    }
  }

  private async print(job: Parameters<ReceiptPrinter['print']>[0]): Promise<PrintOutcome> {
    try {
      return await this.o.printer.print(job);
    } catch (error) {
      if (isPowerLoss(error)) throw error;
      this.o.logger.log('error', 'printer.error', { error: String(error) });
      return { ok: false, reason: 'offline', linesPrinted: 0 };
    }
  }
}
