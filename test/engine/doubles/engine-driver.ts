/**
 * Drives the pure TransactionEngine by hand: the test answers each operation; journal operations
 * are answered by the real journal on simulated flash (see flash-test-journal.ts) unless the test takes them itself.
 */
import { TransactionEngine } from '../../../firmware/app/engine.js';
import type { EngineInit } from '../../../firmware/app/engine.js';
import type { EngineEvent, EngineStep, HostOutcome, KeyInstallOutcome, Operation } from '../../../firmware/app/engine-io.js';
import type { PasswordLockouts } from '../../../firmware/app/password-lockout.js';
import { defaultSettings, type TerminalSettings } from '../../../firmware/app/settings.js';
import type { PosKey } from '../../../firmware/hal/pos-keys.js';
import type { CardRead, SwipeResult } from '../../../firmware/drivers/magstripe/card-read.js';
import type { PrintJob, PrintOutcome } from '../../../firmware/drivers/printer/print-job.js';
import type { IsoMessage } from '../../../firmware/iso8583/message.js';
import { invokeJournal } from '../../../firmware/journal/journal-call.js';
import type { FailingJournal } from './flash-test-journal.js';

export const CARD: CardRead = {
  ok: true,
  pan: '6222021234567890123',
  expiry: '3012',
  serviceCode: '120',
  track2: '6222021234567890123=30121200000000000',
  direction: 'forward',
};

export class EngineDriver {
  readonly engine: TransactionEngine;
  readonly screens: string[][] = [];
  readonly logs: { event: string; fields?: Record<string, unknown> }[] = [];
  readonly sent: IsoMessage[] = [];
  readonly printed: PrintJob[] = [];
  ms = 0;
  /** What the printer's paper sensor answers before money moves (undefined: it cannot say). */
  paperPresent: boolean | undefined = true;
  /** Whether saving the password attempt counts works. */
  lockoutSaves = true;
  /** Every attempt-count state the engine asked to save, in order (what lockouts.json would get). */
  readonly savedLockouts: PasswordLockouts[] = [];
  /** What installing the sign-in keys answers. */
  keysOutcome: KeyInstallOutcome = { ok: true };
  private step!: EngineStep;

  constructor(
    readonly journal: FailingJournal,
    settings: TerminalSettings = defaultSettings(),
    display = { cols: 20, rows: 4, chinese: false },
    /** What the shell loads at boot besides the journal: stored attempt counts, the mount's damage. */
    boot: Pick<EngineInit, 'lockouts' | 'journalDamage'> = {},
  ) {
    this.engine = new TransactionEngine({ settings, display, journal: { view: journal.view(), capacity: journal.capacity() }, ...boot });
  }

  get waiting(): Operation {
    return this.step.waiting;
  }
  get screen(): string {
    return (this.screens.at(-1) ?? []).join('\n');
  }
  get allScreens(): string {
    return this.screens.map((s) => s.join('|')).join('\n');
  }

  async start(): Promise<void> {
    this.take(this.engine.start(this.time()));
    await this.settleJournal();
  }

  private time() {
    return { ms: this.ms, wall: new Date(Date.UTC(2026, 10, 22, 2, 0, 0) + this.ms) };
  }

  private take(step: EngineStep): void {
    this.step = step;
    for (const n of step.notices) {
      if (n.kind === 'screen') this.screens.push(n.lines);
      if (n.kind === 'log') this.logs.push({ event: n.event, ...(n.fields ? { fields: n.fields } : {}) });
    }
    if (step.waiting.op === 'host') this.sent.push(step.waiting.request);
    if (step.waiting.op === 'print') this.printed.push(step.waiting.job);
  }

  async feed(event: EngineEvent): Promise<void> {
    this.take(this.engine.handle(event, this.time()));
    await this.settleJournal();
  }

  /** Answers journal operations from the journal until the engine waits for something else. */
  async settleJournal(): Promise<void> {
    for (;;) {
      const op = this.step.waiting;
      if (op.op === 'journal') {
        const j = this.journal;
        let value: number | undefined;
        let failure: unknown;
        try {
          value = await invokeJournal(j, op.request);
        } catch (error) {
          failure = error;
        }
        const view = j.view();
        const capacity = j.capacity();
        this.take(
          this.engine.handle(
            {
              kind: 'journal-result',
              outcome: failure === undefined
                ? { ok: true, value, view, capacity }
                : { ok: false, full: (failure as Error).name === 'JournalFull', detail: String(failure), view, capacity },
            },
            this.time(),
          ),
        );
        continue;
      }
      if (op.op === 'paper-check') {
        this.take(this.engine.handle({ kind: 'paper-status', present: this.paperPresent }, this.time()));
        continue;
      }
      if (op.op === 'save-lockouts') {
        this.savedLockouts.push(op.lockouts);
        this.take(this.engine.handle({ kind: 'lockouts-saved', ok: this.lockoutSaves }, this.time()));
        continue;
      }
      if (op.op === 'install-keys' || op.op === 'clear-keys') {
        const outcome = op.op === 'install-keys' ? this.keysOutcome : { ok: true as const };
        this.take(this.engine.handle({ kind: 'keys-result', outcome }, this.time()));
        continue;
      }
      return;
    }
  }

  async keys(...keys: PosKey[]): Promise<void> {
    for (const key of keys) await this.feed({ kind: 'key', key });
  }
  /** Types a digit string, one key per character. */
  async type(digits: string): Promise<void> {
    await this.keys(...(digits.split('') as PosKey[]));
  }
  async swipe(result: SwipeResult = CARD): Promise<void> {
    await this.feed({ kind: 'swipe', result });
  }
  async host(outcome: HostOutcome): Promise<void> {
    await this.feed({ kind: 'host-result', outcome });
  }
  /** Answers the outstanding request with its response MTI, F11, F41 and the given fields. */
  async reply(fields: IsoMessage['fields'], macOk = true): Promise<void> {
    const op = this.waiting;
    if (op.op !== 'host') throw new Error(`not waiting for the host but for ${op.op}`);
    const req = op.request;
    const mti = req.mti.slice(0, 2) + String(Number(req.mti[2]) + 1) + req.mti[3];
    await this.host({ ok: true, macOk, response: { mti, fields: { 11: req.fields[11], 41: req.fields[41], ...fields } } });
  }
  async print(outcome: PrintOutcome = { ok: true }): Promise<void> {
    await this.feed({ kind: 'print-result', outcome });
  }
  /** Moves time on and delivers the tick the shell's timer would. */
  async advance(ms: number): Promise<void> {
    this.ms += ms;
    await this.feed({ kind: 'tick' });
  }

  /** From the idle screen: ENTER, operator no., password; the 0800 goes out on the last ENTER. */
  async signInKeys(operator = '01', password = '0000'): Promise<void> {
    await this.keys('ENTER');
    await this.type(operator);
    await this.keys('ENTER');
    await this.type(password);
    await this.keys('ENTER');
  }

  /** Operator 01 / 0000 signs in against a host that approves with keys. */
  async signIn(): Promise<void> {
    await this.signInKeys();
    await this.reply({ 39: '00', 60: '00000001003', 62: new Uint8Array(24) });
    // 签到成功 pause, then idle.
    await this.keys('ENTER');
  }

  /** From the idle screen: 1, amount, swipe, confirm, PIN; the 0200 goes out on the PIN's ENTER. */
  async saleKeys(amountFen: number, pin = '1234'): Promise<void> {
    await this.keys('1');
    await this.type(String(amountFen));
    await this.keys('ENTER');
    await this.swipe();
    await this.keys('ENTER');
    await this.type(pin);
    await this.keys('ENTER');
  }

  /** With a 0500 outstanding, the host's F48: the terminal's totals with its verdict on the domestic side (1 balanced, 2 not) and 1 on the foreign. */
  settlementVerdict(domestic: '1' | '2'): string {
    const op = this.waiting;
    if (op.op !== 'host') throw new Error('no 0500 outstanding');
    const sent = String(op.request.fields[48]);
    return `${sent.slice(0, 30)}${domestic}${sent.slice(31, 61)}1`;
  }

  /** From the idle screen: a sale approved and both copies printed, back at the idle screen. */
  async approvedSale(amountFen: number): Promise<void> {
    await this.saleKeys(amountFen);
    await this.reply({ 39: '00', 37: '111111111111', 38: '111111' });
    await this.print();
    await this.keys('ENTER');
    await this.print();
  }

  /**
   * From the idle screen: a sale the host declined while the journal could not record the decline,
   * then back at idle. The record stays 'pending' on flash (cut short); returns its STAN.
   */
  async saleLeftPending(amountFen: number): Promise<number> {
    await this.saleKeys(amountFen);
    const stan = Number(this.sent.at(-1)!.fields[11]);
    this.journal.failNext('declined');
    await this.reply({ 39: '51' });
    await this.advance(10_000);
    return stan;
  }

  /** From the idle screen: 3, supervisor, original ref. no. and date, amount, swipe; the 0220 goes out on the card's ENTER. */
  async refundKeys(amountFen: number, original = { rrn: '000000000001', mmdd: '1122' }): Promise<void> {
    await this.keys('3');
    await this.type('123456');
    await this.keys('ENTER');
    await this.type(original.rrn);
    await this.keys('ENTER');
    await this.type(original.mmdd);
    await this.keys('ENTER');
    await this.type(String(amountFen));
    await this.keys('ENTER');
    await this.swipe();
    await this.keys('ENTER');
  }
}
