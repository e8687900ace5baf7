/**
 * The transaction engine: a pure state machine. `start` and `handle` take an event and the time and
 * return what to show/log and the one operation the engine now waits for; nothing here touches a
 * device, a socket, flash or the real clock. The state lives in the suspended terminal flow.
 */
import type { JournalCapacity, JournalView } from '../journal/journal.js';
import { textsFor, type EngineContext } from './engine-context.js';
import type { EngineEvent, EngineStep, EngineTime, Notice, Operation } from './engine-io.js';
import { terminalFlow } from './flows/terminal.js';
import type { Flow } from './flows/primitives.js';
import type { DisplayGeometry } from './screens/screen-text.js';
import type { JournalDamage } from './journal-damage.js';
import type { PasswordLockouts } from './password-lockout.js';
import type { TerminalSettings } from './settings.js';

export interface EngineInit {
  settings: TerminalSettings;
  display: DisplayGeometry;
  /** The mounted (recovered) journal's state at boot. */
  journal: { view: JournalView; capacity: JournalCapacity };
  /** The password attempt counts as stored (none when omitted). */
  lockouts?: PasswordLockouts;
  /** What the mount found damaged, when it found anything. */
  journalDamage?: JournalDamage;
}

/** Which events answer which operation; anything else is ignored while it is outstanding. */
const ANSWERS: Record<Operation['op'], EngineEvent['kind'][]> = {
  input: ['key', 'swipe', 'paper', 'tick'],
  journal: ['journal-result'],
  host: ['host-result'],
  print: ['print-result'],
  'install-keys': ['keys-result'],
  'clear-keys': ['keys-result'],
  'hash-password': ['password-hashed'],
  'save-settings': ['settings-saved'],
  'paper-check': ['paper-status'],
  'save-lockouts': ['lockouts-saved'],
  'save-damage-ack': ['damage-ack-saved'],
};

export class TransactionEngine {
  private readonly ctx: EngineContext;
  private readonly flow: Flow<never>;
  private waitingOp: Operation | undefined;
  /** Monotonic ms at which the outstanding input wait times out. */
  private deadline: number | undefined;

  constructor(init: EngineInit) {
    this.ctx = {
      settings: init.settings,
      display: init.display,
      texts: textsFor(init.settings, init.display),
      journal: init.journal,
      session: {},
      lockouts: init.lockouts ?? {},
      ...(init.journalDamage ? { journalDamage: { ...init.journalDamage } } : {}),
      skippedCopies: [],
      time: { ms: 0, wall: new Date(0) },
      notices: [],
    };
    this.flow = terminalFlow(this.ctx);
  }

  /** Boots: the first step (recovery, then idle). */
  start(time: EngineTime): EngineStep {
    if (this.waitingOp) throw new Error('engine already started');
    this.ctx.time = time;
    return this.resume(() => this.flow.next(undefined as never));
  }

  /** Feeds one event. Events that do not answer the outstanding operation are ignored (logged). */
  handle(event: EngineEvent, time: EngineTime): EngineStep {
    const waiting = this.waitingOp;
    if (!waiting) throw new Error('engine not started');
    this.ctx.time = time;
    if (!ANSWERS[waiting.op].includes(event.kind)) {
      const notice: Notice = { kind: 'log', level: 'debug', event: 'engine.ignored', fields: { event: event.kind, waiting: waiting.op } };
      return { notices: [notice], waiting, ignored: true };
    }
    if (event.kind === 'tick' && (this.deadline === undefined || time.ms < this.deadline)) {
      return { notices: [], waiting, ignored: true };
    }
    return this.resume(() => this.flow.next(event));
  }

  /** The operation the engine waits for (undefined before start). */
  get waiting(): Operation | undefined {
    return this.waitingOp;
  }

  /** The signed-in operator, if any (for harnesses and the composition root). */
  get operator(): string | undefined {
    return this.ctx.session.operator;
  }

  get settings(): TerminalSettings {
    return this.ctx.settings;
  }

  private resume(step: () => IteratorResult<Operation, never>): EngineStep {
    this.ctx.notices = [];
    const result = step();
    const op = result.value;
    this.waitingOp = op;
    const notices = this.ctx.notices;
    this.ctx.notices = [];
    if (op.op === 'input' && op.timeoutMs !== undefined) {
      this.deadline = this.ctx.time.ms + op.timeoutMs;
      notices.push({ kind: 'timer', atMs: this.deadline });
    } else {
      this.deadline = undefined;
    }
    return { notices, waiting: op };
  }
}
