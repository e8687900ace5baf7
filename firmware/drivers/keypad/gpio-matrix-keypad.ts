/**
 * The GPIO shell of a matrix keypad on the IO-plugin. Idle: every row driven LOW, every column an
 * input with pull-up reporting changes - an idle keypad costs no wire traffic at all. A column
 * going LOW starts scanning: one row driven LOW at a time (the others floating, so two keys on one
 * column never short a HIGH row to a LOW one), the columns read back, the whole scan fed to the
 * pure core; scans repeat every pollMs until the core is idle, then the rows go back LOW.
 *
 * Reading back over Firmata (the IO offers reportDigitalPin and queryPinState): a whole scan goes
 * out in one burst, and every column report is tied to the row that produced it by the order of the
 * wire, never by counting or timing. Column reporting is off while scanning; per row the burst
 * drives the row, switches reporting on (StandardFirmataPlus answers at once with the port value)
 * and off again, then asks for the row pin's state. That PIN_STATE answer names the row pin and
 * closes the row's window: the column reports received since the previous PIN_STATE answer were
 * all read while that row alone was driven. A first PIN_STATE query (on a column pin) closes the
 * window before the first row, so a report from idle cannot count as row 0. A scan whose windows do
 * not all arrive complete and in order (a report or answer lost, a late answer after the timeout)
 * is discarded and the scan runs again; a late report is still read correctly, by the row its
 * window names - it can delay a key, never turn it into another one. One round trip a scan instead
 * of one a row. Elsewhere the columns are sampled settleMs after each drive.
 */
import type { Clock, TimerHandle } from '../../hal/clock.js';
import { LOW, PinMode, type IoPlugin } from '../../hal/io-plugin.js';
import type { Logger } from '../../hal/log.js';
import type { KeyEvent } from '../../hal/pos-keys.js';
import type { MatrixScanCore } from './matrix-scan-core.js';

export interface GpioMatrixKeypadOptions {
  io: IoPlugin;
  clock: Clock;
  rowPins: readonly number[];
  colPins: readonly number[];
  core: MatrixScanCore;
  /** Wait after driving a row before reading the columns, on an IO that cannot report on request. */
  settleMs: number;
  /** Scan period while a key is down or bouncing. */
  pollMs: number;
  onKey: (event: KeyEvent) => void;
  logger?: Logger;
}

export interface KeypadCounters {
  /** Scans thrown away because a row's window did not arrive complete and in order in time. */
  scansDiscarded: number;
  /** Wake-ups (a column went LOW) after which the keypad went idle again without a key: a press shorter than the host could see. */
  pressesMissed: number;
}

type RowDrive = 'low' | 'floating';

/** A scan whose answers have not all arrived after this long is discarded and run again. */
const SCAN_TIMEOUT_MS = 250;

/**
 * Scans whose queries are remembered at most; beyond, the oldest query is taken as lost (a board
 * that stopped answering). Each scan asks once per fenced pin, so this also bounds the queries in
 * flight on one pin, under Node's 10 listeners an event (firmata-io keeps a callback per query).
 */
const MAX_SCANS_IN_FLIGHT = 8;

/**
 * The callback every PIN_STATE query passes. The answer is handled by the listener start() installs;
 * firmata-io keeps each query's callback until the pin's next answer (every callback still waiting
 * on the pin runs then), so a query whose answer was lost leaves it behind. One shared function lets
 * the keypad take back the one of each query it gives up on.
 */
const IGNORE_ANSWER = (): void => undefined;

/** One PIN_STATE query in flight: which scan sent it, and the row whose window it closes (undefined: the scan's opening fence). */
interface Fence {
  scan: number;
  pin: number;
  row: number | undefined;
}

export class GpioMatrixKeypad {
  private readonly columnLevels: number[];
  private readonly rowDrive: RowDrive[];
  private scanning = false;
  /** When a column change woke the keypad from idle. */
  private wokeAt: number | undefined;
  /** Keys pressed, and press starts the idle reports showed (a column going LOW), since the keypad last woke up. */
  private keysSinceWake = 0;
  private pressStartsSinceWake = 0;
  /** Column levels as the idle reports last showed them; reports still count as idle until the first answer of a wake-up. */
  private readonly idleLevels: number[];
  private idleReports = true;
  private timer: TimerHandle | undefined;
  private stopped = false;
  /** One column pin per Firmata port the columns use (its callback stands for the port's report), when the IO reports on request. */
  private readonly reportPins: number[] | undefined;
  /** Fenced scans: PIN_STATE queries in flight, in wire order. */
  private readonly fences: Fence[] = [];
  private currentScan = 0;
  private readings: number[] = [];
  private scanBroken = false;
  /** Column ports reported since the last PIN_STATE answer. */
  private readonly portsReported = new Set<number>();
  private readonly stats: KeypadCounters = { scansDiscarded: 0, pressesMissed: 0 };

  constructor(private readonly options: GpioMatrixKeypadOptions) {
    const { rowPins, colPins, io } = options;
    const all = [...rowPins, ...colPins];
    if (new Set(all).size !== all.length) throw new Error(`keypad row and column pins must be distinct, got ${all.join(',')}`);
    if (options.settleMs < 0 || options.pollMs <= 0) throw new Error('keypad settleMs must be >= 0 and pollMs > 0');
    this.columnLevels = colPins.map(() => 1);
    this.idleLevels = colPins.map(() => 1);
    this.rowDrive = rowPins.map(() => 'floating');
    if (io.reportDigitalPin && io.queryPinState) {
      const byPort = new Map<number, number>();
      for (const pin of colPins) byPort.set(pin >> 3, Math.min(pin, byPort.get(pin >> 3) ?? pin));
      this.reportPins = [...byPort.values()];
    }
  }

  counters(): KeypadCounters {
    return { ...this.stats };
  }

  /** Puts the pins in their idle state and starts listening for column changes. */
  start(): void {
    const { io, colPins, rowPins } = this.options;
    if (this.reportPins) {
      for (const pin of [colPins[0]!, ...rowPins]) io.on(`pin-state-${pin}`, () => this.onFence(pin));
    }
    // Pull-ups before reporting starts, so the first report already reads an open key HIGH.
    colPins.forEach((pin) => io.pinMode(pin, PinMode.PULLUP));
    colPins.forEach((pin, c) => io.digitalRead(pin, (value) => this.onColumn(c, value)));
    this.driveRows(() => 'low');
  }

  /** Stops scanning; the pins stay idle. */
  stop(): void {
    this.stopped = true;
    for (const fence of this.fences.splice(0)) this.giveUp(fence);
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private onColumn(col: number, value: number): void {
    this.columnLevels[col] = value;
    this.portsReported.add(this.options.colPins[col]! >> 3);
    if (this.idleReports) {
      if (value === LOW && this.idleLevels[col] !== LOW) this.pressStartsSinceWake++;
      this.idleLevels[col] = value;
    }
    if (!this.scanning && !this.stopped && value === LOW) this.beginScan();
  }

  private beginScan(): void {
    this.scanning = true;
    this.keysSinceWake = 0;
    this.pressStartsSinceWake = Math.max(1, this.pressStartsSinceWake);
    this.wokeAt = this.options.clock.now();
    this.scan();
  }

  private scan(): void {
    if (this.stopped) return;
    if (this.reportPins) this.sendFencedScan();
    else this.settledRow(0, []);
  }

  // ---- Firmata: one burst per scan, windows closed by PIN_STATE answers ----

  private sendFencedScan(): void {
    const { io, clock, rowPins, colPins } = this.options;
    const scan = ++this.currentScan;
    this.readings = [];
    this.scanBroken = false;
    const reporting = (on: 0 | 1) => this.reportPins!.forEach((pin) => io.reportDigitalPin!(pin, on));
    const fence = (pin: number, row: number | undefined) => {
      this.fences.push({ scan, pin, row });
      if (this.fences.length > MAX_SCANS_IN_FLIGHT * (rowPins.length + 1)) this.giveUp(this.fences.shift()!);
      io.queryPinState!(pin, IGNORE_ANSWER);
    };
    reporting(0);
    fence(colPins[0]!, undefined);
    rowPins.forEach((_, row) => {
      this.driveRows((r) => (r === row ? 'low' : 'floating'));
      reporting(1);
      reporting(0);
      fence(rowPins[row]!, row);
    });
    clock.clearTimer(this.timer);
    this.timer = clock.setTimer(SCAN_TIMEOUT_MS, () => {
      if (scan !== this.currentScan || this.stopped) return;
      this.discardScan('keypad_scan_timeout');
    });
  }

  private onFence(pin: number): void {
    const reported = new Set(this.portsReported);
    this.portsReported.clear();
    if (this.scanning) this.idleReports = false;
    // Answers come back in the order the queries went out; queries passed over lost their answer.
    const index = this.fences.findIndex((f) => f.pin === pin);
    if (index < 0) return;
    for (const lost of this.fences.splice(0, index)) {
      this.giveUp(lost);
      if (lost.scan === this.currentScan) this.scanBroken = true;
    }
    const fence = this.fences.shift()!;
    if (fence.scan !== this.currentScan || !this.scanning || this.stopped) return;
    if (fence.row !== undefined) {
      const complete = this.reportPins!.every((p) => reported.has(p >> 3));
      if (!complete) this.scanBroken = true;
      else this.readings[fence.row] = this.closedColumns();
    }
    if (fence.row !== this.options.rowPins.length - 1) return;
    if (this.scanBroken) this.discardScan('keypad_scan_incomplete');
    else {
      this.options.clock.clearTimer(this.timer);
      this.timer = undefined;
      this.finishScan(this.readings);
    }
  }

  /** A query whose answer will not be waited for: its callback, which firmata-io would keep until the pin's next answer, goes. */
  private giveUp(fence: Fence): void {
    this.options.io.removeListener?.(`pin-state-${fence.pin}`, IGNORE_ANSWER);
  }

  /** Throws the scan away and scans again from the first row; its late answers are recognised and ignored. */
  private discardScan(reason: string): void {
    this.stats.scansDiscarded++;
    this.options.logger?.log('warn', reason, { scansDiscarded: this.stats.scansDiscarded });
    this.sendFencedScan();
  }

  // ---- other IOs: drive, wait settleMs, sample ----

  private settledRow(row: number, closed: number[]): void {
    this.driveRows((r) => (r === row ? 'low' : 'floating'));
    this.timer = this.options.clock.setTimer(this.options.settleMs, () => {
      if (this.stopped) return;
      closed.push(this.closedColumns());
      if (row + 1 < this.options.rowPins.length) this.settledRow(row + 1, closed);
      else this.finishScan(closed);
    });
  }

  private closedColumns(): number {
    return this.columnLevels.reduce((bits, level, c) => (level === LOW ? bits | (1 << c) : bits), 0);
  }

  private finishScan(closed: number[]): void {
    const { core, clock, onKey, logger } = this.options;
    const result = core.scan(closed, clock.now(), this.wokeAt);
    // Which keys were down is not logged: during PIN entry that would be the PIN.
    if (result.ghosting) logger?.log('debug', 'keypad_ghosting_scan_ignored');
    for (const event of result.events) {
      if (!event.repeat) this.keysSinceWake++;
      onKey(event);
    }
    if (core.idle) {
      this.scanning = false;
      this.timer = undefined;
      const missed = this.pressStartsSinceWake - this.keysSinceWake;
      if (missed > 0) {
        this.stats.pressesMissed += missed;
        logger?.log('warn', 'keypad_press_missed', { pressesMissed: this.stats.pressesMissed });
      }
      this.pressStartsSinceWake = 0;
      this.idleLevels.fill(1);
      this.idleReports = true;
      // The last scan read every column HIGH, so a key pressed from now on reports a change;
      // switching reporting back on answers with the port at once, so one pressed meanwhile wakes us too.
      this.driveRows(() => 'low');
      if (this.reportPins) this.reportPins.forEach((pin) => this.options.io.reportDigitalPin!(pin, 1));
      return;
    }
    this.timer = clock.setTimer(this.options.pollMs, () => this.scan());
  }

  /** Changes only the rows whose drive differs, since every pin call is wire traffic. */
  private driveRows(drive: (row: number) => RowDrive): void {
    const { io, rowPins } = this.options;
    rowPins.forEach((pin, r) => {
      const want = drive(r);
      if (this.rowDrive[r] === want) return;
      this.rowDrive[r] = want;
      if (want === 'floating') {
        io.pinMode(pin, PinMode.INPUT);
      } else {
        io.pinMode(pin, PinMode.OUTPUT);
        io.digitalWrite(pin, LOW);
      }
    });
  }
}
