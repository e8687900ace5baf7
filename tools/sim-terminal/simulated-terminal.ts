/**
 * The simulated terminal: the real runtime (firmware/main.ts, the real drivers) on the virtual
 * board, the host simulator in-process on loopback, a flash image and a paper roll that outlive
 * power cuts. Keys are pressed on the virtual keypad matrix and read by the keypad driver; the
 * screen is read back from the HD44780 model the LCD driver wrote (or, for a Chinese screen, from a
 * console stand-in for the ST7920, which the virtual board has no model of).
 */
import { mkdirSync } from 'node:fs';
import type { FlashDevice } from '../../firmware/drivers/flash/flash-device.js';
import { openFlash } from '../../firmware/drivers/flash/flash-from-config.js';
import type { PosKey } from '../../firmware/hal/pos-keys.js';
import type { SwipeDirection } from '../../firmware/drivers/magstripe/track-decoder.js';
import type { ReceiptPrinter } from '../../firmware/drivers/printer/print-job.js';
import { VirtualHeadPrinter } from '../../firmware/drivers/printer/virtual-head-printer.js';
import type { BoardConfig } from '../../firmware/hal/board-config.js';
import type { Clock } from '../../firmware/hal/clock.js';
import type { Logger } from '../../firmware/hal/log.js';
import { tcpHostLinkConfig } from '../../firmware/host/host-link-config.js';
import { TcpHostLink } from '../../firmware/host/tcp-host-link.js';
import { startTerminal, type RunningTerminal } from '../../firmware/main.js';
import { getString } from '../../firmware/iso8583/message.js';
import { maskPan } from '../../firmware/security/pan-mask.js';
import { WorkingKeys } from '../../firmware/security/working-keys.js';
import { loadCardFile, type CardAccount } from '../host-sim/card-file.js';
import { HostStore } from '../host-sim/host-store.js';
import { startHostSimulator, type HostSimulator } from '../host-sim/server.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../host-sim/terminals.js';
import { swipeCard } from './card-swipe.js';
import { ConsoleTextDisplay } from './console-display.js';
import { describeRequest, SimEventLog } from './event-log.js';
import { journalBatch } from './host-batch.js';
import { latentLink } from './latent-link.js';
import { PowerDomain } from './power-domain.js';
import { TimePump } from './time-pump.js';

export interface SimulatedTerminalOptions {
  config: BoardConfig;
  /** Settings, device key (under <varDir>/sim) and receipt PNGs (under <varDir>/receipts). */
  varDir: string;
  /** A virtual clock runs scripts fast; the interactive terminal runs on the system clock. */
  clock: Clock;
  logger: Logger;
  /** Chinese screens on a console stand-in for an ST7920; default: the config's LCD language. */
  language?: 'zh' | 'en';
  /**
   * Devices at their real speed (the interactive console): the host's answer reaches the terminal
   * `hostLatencyMs` after the request, and the printer takes each line's time at `printerBaud`.
   * Scripts leave this out: no added latency, instant printing, a deterministic virtual day.
   */
  realTime?: { hostLatencyMs: number; printerBaud: number };
}

/** A GPRS link's round trip, about what a counter terminal on a mobile network sees. */
export const DEFAULT_HOST_LATENCY_MS = 1500;
/** The serial printer's link speed (a receipt takes about 2.5 s). */
export const DEFAULT_PRINTER_BAUD = 9600;

export interface LedgerCheck {
  /** Standing at the issuer, unknown to the terminal (单边帐). */
  oneSided: number;
  /** Approved on the terminal (printed or offered for reprint), nothing standing at the issuer. */
  lostApprovals: number;
  approvals: number;
}

export class SimulatedTerminal {
  readonly cards: CardAccount[] = loadCardFile();
  readonly printer: VirtualHeadPrinter;
  readonly pump: TimePump;
  readonly receiptsDir: string;
  /** Working keys live in battery-backed memory: a power cut does not force a new sign-in. */
  private readonly keys = new WorkingKeys('tdes');
  private host!: HostSimulator;
  private store: HostStore | undefined;
  private readonly batchAtStart = new Map<string, string>();
  private flash!: FlashDevice;
  private domain: PowerDomain | undefined;
  private running: RunningTerminal | undefined;
  private consoleDisplay: ConsoleTextDisplay | undefined;
  private swipes = 0;
  private paper = true;
  boots = 0;
  powerCuts = 0;
  /** Every approval the terminal's journal has held this session (settlement drops them from its view). */
  private readonly approvals = new Map<string, boolean>();
  private cutAfterNextRequest = false;
  /** Every screen the engine showed, in order (some flash by faster than the glass is read). */
  readonly screensShown: string[] = [];
  /** The session as a trainer follows it: requests, answers, 冲正, receipts, power and paper. */
  readonly events = new SimEventLog();

  constructor(private readonly o: SimulatedTerminalOptions) {
    mkdirSync(`${o.varDir}/sim`, { recursive: true });
    // Each session prints into its own folder: receipt numbers start from 1 every run.
    this.receiptsDir = `${o.varDir}/receipts/${new Date().toISOString().replace(/[:.]/g, '-')}`;
    mkdirSync(this.receiptsDir, { recursive: true });
    const realTime = o.realTime;
    this.printer = new VirtualHeadPrinter({
      pngDir: this.receiptsDir,
      // The roll outlives boots, the timers do not: a power cut stops the head mid-line, as it does.
      ...(realTime ? { pace: { baud: realTime.printerBaud, wait: (ms: number) => this.sleep(ms) } } : {}),
    });
    this.pump = new TimePump(o.clock, () => this.running?.shell);
  }

  get terminal(): RunningTerminal {
    if (!this.running) throw new Error('the simulated terminal is not running');
    return this.running;
  }

  get hostPort(): number {
    return this.host.port;
  }

  /** The host simulator's issuer ledger and acquirer state (pos host-sim ledger reads it). */
  get hostDbPath(): string {
    return `${this.o.varDir}/sim/host-books.json`;
  }

  get imagePath(): string {
    return `${this.o.varDir}/sim/journal.img`;
  }

  get cols(): number {
    return this.o.config.lcd.cols;
  }

  get language(): 'zh' | 'en' {
    return this.o.language ?? this.o.config.lcd.language;
  }

  async start(): Promise<void> {
    const clock = this.o.clock;
    const batch = await journalBatch(this.imagePath);
    // The issuer's books outlive runs, as the journal does: no false lost approvals on the next day.
    this.store = await HostStore.open(this.hostDbPath);
    this.host = await startHostSimulator({
      port: 0,
      now: () => clock.wallTime(),
      ...(this.store ? { store: this.store } : {}),
      ...(batch > 1 ? { firstBatch: String(batch).padStart(6, '0') } : {}),
    });
    // Batches the host had already settled before this run are closed: the check starts at these.
    for (const session of this.host.acquirer.exportSessions()) this.batchAtStart.set(session.terminalId, session.batch);
    try {
      this.watchHost();
      // The journal lives in a file image under var/, so it outlives power cuts and restarts alike.
      const geometry = this.o.config.flash.kind === 'simulated' ? this.o.config.flash : { size: 65536, sectorSize: 4096 };
      this.flash = await openFlash(
        { kind: 'file', path: this.imagePath, size: geometry.size ?? 65536, sectorSize: geometry.sectorSize ?? 4096 },
        undefined,
        clock,
        false,
      );
      await this.boot();
    } catch (error) {
      // Nothing may keep the process alive after a failed start (a bad flash geometry, say).
      await this.host.close();
      this.store?.close();
      await this.flash?.close?.();
      throw error;
    }
  }

  /** The host's side of the story, for the event log (masked PANs only), and the armed power cut. */
  private watchHost(): void {
    this.host.on('request-received', (event) => {
      this.events.add(`-> host ${describeRequest(event.mti)} stan ${event.stan ?? '?'}`);
    });
    this.host.on('applied', (event) => {
      const money = event.entries.map((e) => `${e.effect} ${(e.amountFen / 100).toFixed(2)} *${e.maskedPan.slice(-4)}`).join(', ');
      this.events.add(`   issuer rc ${event.responseCode} ${money || describeRequest(event.mti, event.entries[0]?.operation)}`);
      // The power goes after the host applied a financial request and before its answer arrives.
      if (this.cutAfterNextRequest && event.mti !== '0800' && event.mti !== '0820') {
        this.cutAfterNextRequest = false;
        this.o.logger.log('warn', 'sim.power-cut', { after: `host applied ${event.mti} stan ${event.stan}` });
        this.cutPower();
      }
    });
  }

  /** Boots the runtime from the flash image as it stands. */
  async boot(): Promise<void> {
    const domain = new PowerDomain(this.o.clock);
    this.domain = domain;
    const c = this.o.config;
    const tcp = new TcpHostLink(tcpHostLinkConfig({ ...c.host, address: '127.0.0.1', port: this.host.port }, { clock: domain.clock, logger: this.o.logger }));
    const link = latentLink(tcp, domain.clock, this.o.realTime?.hostLatencyMs ?? 0, ({ message }) =>
      this.events.add(`<- terminal ${message.mti} rc ${getString(message, 39) ?? '--'} stan ${getString(message, 11) ?? '?'}`),
    );
    if (this.language === 'zh') this.consoleDisplay = new ConsoleTextDisplay(c.lcd.cols, c.lcd.rows);
    this.events.add(`boot ${this.boots + 1}`);
    const starting = startTerminal(c, {
      stateDir: `${this.o.varDir}/sim`,
      clock: domain.clock,
      logger: this.o.logger,
      masterKey: Uint8Array.from(Buffer.from(TEST_TERMINAL_MASTER_KEY_HEX, 'hex')),
      workingKeys: this.keys,
      hostAddress: { address: '127.0.0.1', port: this.host.port },
      flash: domain.flash(this.flash),
      printer: this.printedBy(this.printer),
      host: domain.hostLink(link),
      ...(this.consoleDisplay ? { display: this.consoleDisplay } : {}),
      onScreen: (lines) => this.screensShown.push(lines.join('\n')),
    });
    // Start-up waits on device timers (the LCD's power-on steps; on failure, the closers): time must pass.
    let started = false;
    void starting.then(
      () => (started = true),
      () => (started = true),
    );
    while (!started) await this.pump.run(5);
    let running: RunningTerminal;
    try {
      running = await starting;
    } catch (error) {
      // Cut again while booting (p pressed twice): that boot is gone; the next one is under way.
      if (!domain.powered) return;
      throw error;
    }
    if (!domain.powered) return;
    this.running = running;
    this.boots++;
    await this.pump.settle();
    this.noteApprovals();
  }

  /** The printer as the runtime sees it; each job's start and end go to the event log. */
  private printedBy(printer: VirtualHeadPrinter): ReceiptPrinter {
    return {
      print: async (job) => {
        const name = job.kind === 'transaction' ? `${job.copy} copy${job.reprint ? ' (reprint)' : ''}` : job.kind;
        this.events.add(`printing ${name}`);
        const outcome = await printer.print(job);
        const lines = printer.jobs.at(-1)?.lines.length ?? 0;
        this.events.add(outcome.ok ? `printed ${name} (${lines} lines)` : `printer: ${outcome.reason} after ${lines} lines of ${name}`);
        return outcome;
      },
      paperPresent: () => printer.paperPresent(),
    };
  }

  /** Waits on the clock of the boot that is powered now (a cut drops the wait: it never returns). */
  private sleep(ms: number): Promise<void> {
    const clock = this.domain?.clock ?? this.o.clock;
    return new Promise((resolve) => clock.setTimer(ms, resolve));
  }

  /** The power goes now: the runtime is dropped as it stands. */
  private cutPower(): void {
    if (this.domain?.powered === false) return;
    this.domain?.cut();
    this.powerCuts++;
    this.events.add('*** POWER CUT');
  }

  /** Pulls the plug now and boots again from the same image. */
  async powerCut(): Promise<void> {
    this.cutPower();
    await this.boot();
  }

  /** The next financial request the host applies cuts the power before its answer arrives. */
  armPowerCutAfterRequest(): void {
    this.cutAfterNextRequest = true;
  }

  /** Boots again if an armed cut happened during the last step. */
  async rebootIfCut(): Promise<boolean> {
    if (this.domain?.powered !== false) return false;
    await this.boot();
    return true;
  }

  async press(key: PosKey): Promise<void> {
    const keypad = this.terminal.board.emulated?.keypad;
    if (!keypad) throw new Error('the board config has no keypad matrix the simulator can press');
    keypad.press(key);
    await this.pump.run(40);
    keypad.release(key);
    await this.pump.run(60);
    await this.settle();
  }

  async swipe(cardNumber: number, direction: SwipeDirection = 'forward'): Promise<void> {
    const card = this.cards[cardNumber - 1];
    if (!card) throw new Error(`no test card ${cardNumber}: cards are 1..${this.cards.length}`);
    this.terminal.swipe(swipeCard(card, direction, ++this.swipes));
    await this.settle();
  }

  /**
   * The interactive console's key: pressed and released on the keypad matrix in real time, without
   * waiting for what the engine does with it (the next key may land in the middle of it).
   */
  async tap(key: PosKey): Promise<void> {
    const keypad = this.running?.board.emulated?.keypad;
    if (!keypad || this.domain?.powered === false) return;
    keypad.press(key);
    await this.pump.run(60);
    keypad.release(key);
    await this.pump.run(40);
  }

  /** The interactive swipe: the card goes through the head; the engine takes it from there. */
  async swipeNow(cardNumber: number, direction: SwipeDirection): Promise<void> {
    const card = this.cards[cardNumber - 1];
    if (!card) throw new Error(`no test card ${cardNumber}: cards are 1-${this.cards.length}`);
    if (!this.running || this.domain?.powered === false) return;
    this.events.add(`swipe card ${cardNumber} ${maskPan(card.pan)}${direction === 'backward' ? ' backwards' : ''}`);
    this.running.swipe(swipeCard(card, direction, ++this.swipes));
  }

  get paperLoaded(): boolean {
    return this.paper;
  }

  /** What the console says about the devices' speed. */
  get realTimeInfo(): string {
    const r = this.o.realTime;
    return r ? `${(r.hostLatencyMs / 1000).toFixed(1)} s; printer ${r.printerBaud} baud` : 'at once (virtual time)';
  }

  /** The roll ends now, even half-way through a receipt on the head. */
  paperOutNow(): void {
    this.printer.reload(0);
    this.paper = false;
    this.events.add('paper out');
    this.running?.shell.paper(false);
  }

  paperInNow(): void {
    this.printer.reload();
    this.paper = true;
    this.events.add('paper in (new roll)');
    this.running?.shell.paper(true);
  }

  /** The interactive power cut: dead at once, whatever is under way; the boot follows. */
  async powerCutNow(): Promise<void> {
    this.cutPower();
    await this.boot();
  }

  /**
   * The interactive quit: the power switch. Nothing under way is finished; a request that had left
   * is reversed at the next start, as on the counter.
   */
  async switchOff(): Promise<void> {
    if (this.domain?.powered !== false) this.events.add('switched off');
    this.domain?.cut();
    this.running = undefined;
    await this.host.close();
    this.store?.close();
    await this.flash.close?.();
  }

  /** Each test card's balance at the issuer (masked PANs), for the console's ledger panel. */
  balances(): { card: number; maskedPan: string; status: string; balanceFen: number }[] {
    return this.cards.map((card, i) => ({ card: i + 1, maskedPan: maskPan(card.pan), status: card.status, balanceFen: this.host.ledger.balanceFen(card.pan) }));
  }

  async paperOut(): Promise<void> {
    this.paperOutNow();
    await this.settle();
  }

  async paperIn(): Promise<void> {
    this.paperInNow();
    await this.settle();
  }

  async wait(ms: number): Promise<void> {
    await this.pump.run(ms);
    await this.settle();
  }

  async settle(): Promise<void> {
    await this.pump.settle();
    await this.rebootIfCut();
    this.noteApprovals();
  }

  /** The glass as it looks now. */
  screen(): string[] {
    if (this.consoleDisplay) return this.consoleDisplay.lines();
    const lcd = this.running?.board.emulated?.lcd?.lcd;
    return lcd ? lcd.lines() : [...(this.running?.shell.screen ?? [])];
  }

  /** Text lines of the last receipt that printed (empty before any). */
  lastReceipt(): string[] {
    return this.printer.jobs.at(-1)?.lines ?? [];
  }

  ledgerCheck(): LedgerCheck {
    this.noteApprovals();
    const terminalId = this.running?.shell.settings.terminalId ?? '10000159';
    const approved = [...this.approvals.keys()].map((key) => {
      const [batch, stan] = key.split('/') as [string, string];
      return { batch, stan };
    });
    const fromBatch = this.batchAtStart.get(terminalId);
    const report = this.host.ledger.reconcileWithTerminal(terminalId, approved, fromBatch === undefined ? {} : { fromBatch });
    return { oneSided: report.oneSided.length, lostApprovals: report.missingAtIssuer.length, approvals: approved.length };
  }

  /** Stops the runtime cleanly (finishing the step under way) and the host simulator. */
  async quit(): Promise<void> {
    if (this.running) {
      // On a virtual clock the stop's waits (the step under way, the LCD's last steps) need time to pass.
      let stopped = false;
      const stopping = this.running.stop({ waitIdleMs: 5000 }).finally(() => (stopped = true));
      while (!stopped) await this.pump.run(10);
      await stopping;
    }
    this.running = undefined;
    await this.host.close();
    this.store?.close();
    await this.flash.close?.();
  }

  private noteApprovals(): void {
    if (!this.running || this.domain?.powered === false) return;
    for (const tx of this.running.journal.view().transactions) {
      const key = `${String(tx.batchNo).padStart(6, '0')}/${String(tx.stan).padStart(6, '0')}`;
      if (tx.status === 'approved') this.approvals.set(key, true);
      else this.approvals.delete(key);
    }
  }
}
