/**
 * The GPIO shell of a matrix keypad on the IO-plugin. Idle: every row driven LOW, every column an
 * input with pull-up reporting changes - an idle keypad costs no wire traffic at all. A column
 * going LOW starts scanning: one row driven LOW at a time (the others floating, so two keys on one
 * column never short a HIGH row to a LOW one), the columns read back, the whole scan fed to the
 * pure core; scans repeat every pollMs until the core is idle, then the rows go back LOW.
 *
 * Reading back: where the IO offers reportDigitalPin (Firmata), column reporting is switched off
 * while a row is driven and switched on again after it; StandardFirmataPlus answers the switch-on
 * at once with the port value, after the drive commands before it, and the drive itself reports
 * nothing - so exactly one report per column port answers each row. The answer is the exact round trip, so a row costs a few
 * milliseconds of wire time instead of a guessed settle time, and a backlog on the wire (an LCD
 * repaint) delays the read instead of making it stale. Elsewhere the columns are sampled settleMs
 * after the drive.
 */
import type { Clock, TimerHandle } from '../../hal/clock.js';
import { LOW, PinMode, type IoPlugin } from '../../hal/io-plugin.js';
import type { Logger } from '../../hal/log.js';
import type { MatrixScanCore } from './matrix-scan-core.js';
import type { KeyEvent } from '../../hal/pos-keys.js';

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

type RowDrive = 'low' | 'floating';

/** A safety net for an IO that offers reportDigitalPin but never answers: read what is known. */
const REPORT_TIMEOUT_MS = 250;

export class GpioMatrixKeypad {
  private readonly columnLevels: number[];
  private readonly rowDrive: RowDrive[];
  private scanning = false;
  /** When a column change woke the keypad from idle. */
  private wokeAt: number | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;
  /** One column pin per Firmata port the columns use (its callback stands for the port's report), when the IO reports on request. */
  private readonly reportPins: number[] | undefined;
  /** Column ports whose requested report has not arrived yet, and what to do when all have. */
  private awaiting: { ports: Set<number>; then: () => void } | undefined;

  constructor(private readonly options: GpioMatrixKeypadOptions) {
    const { rowPins, colPins } = options;
    const all = [...rowPins, ...colPins];
    if (new Set(all).size !== all.length) throw new Error(`keypad row and column pins must be distinct, got ${all.join(',')}`);
    if (options.settleMs < 0 || options.pollMs <= 0) throw new Error('keypad settleMs must be >= 0 and pollMs > 0');
    this.columnLevels = colPins.map(() => 1);
    this.rowDrive = rowPins.map(() => 'floating');
    if (options.io.reportDigitalPin) {
      const byPort = new Map<number, number>();
      for (const pin of colPins) byPort.set(pin >> 3, Math.min(pin, byPort.get(pin >> 3) ?? pin));
      this.reportPins = [...byPort.values()];
    }
  }

  /** Puts the pins in their idle state and starts listening for column changes. */
  start(): void {
    const { io, colPins } = this.options;
    // Pull-ups before reporting starts, so the first report already reads an open key HIGH.
    colPins.forEach((pin) => io.pinMode(pin, PinMode.PULLUP));
    colPins.forEach((pin, c) => io.digitalRead(pin, (value) => this.onColumn(c, value)));
    this.driveRows(() => 'low');
  }

  /** Stops scanning; the pins stay idle. */
  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.awaiting = undefined;
  }

  private onColumn(col: number, value: number): void {
    this.columnLevels[col] = value;
    const pin = this.options.colPins[col]!;
    const awaiting = this.awaiting;
    if (awaiting && this.reportPins!.includes(pin) && awaiting.ports.delete(pin >> 3) && awaiting.ports.size === 0) {
      this.awaiting = undefined;
      this.options.clock.clearTimer(this.timer);
      // Later pins of the same port report in this same turn: read after all of them.
      queueMicrotask(awaiting.then);
      return;
    }
    if (!this.scanning && !this.stopped && value === LOW) this.beginScan();
  }

  private beginScan(): void {
    this.scanning = true;
    this.wokeAt = this.options.clock.now();
    this.scanRow(0, []);
  }

  private scanRow(row: number, closed: number[]): void {
    if (this.reportPins) for (const pin of this.reportPins) this.options.io.reportDigitalPin!(pin, 0);
    this.driveRows((r) => (r === row ? 'low' : 'floating'));
    const read = (): void => {
      if (this.stopped) return;
      closed.push(this.columnLevels.reduce((bits, level, c) => (level === LOW ? bits | (1 << c) : bits), 0));
      if (row + 1 < this.options.rowPins.length) this.scanRow(row + 1, closed);
      else this.finishScan(closed);
    };
    if (this.reportPins) this.requestColumnReports(read);
    else this.timer = this.options.clock.setTimer(this.options.settleMs, read);
  }

  private requestColumnReports(then: () => void): void {
    const pins = this.reportPins!;
    this.awaiting = { ports: new Set(pins.map((pin) => pin >> 3)), then };
    for (const pin of pins) this.options.io.reportDigitalPin!(pin, 1);
    this.timer = this.options.clock.setTimer(REPORT_TIMEOUT_MS, () => {
      this.awaiting = undefined;
      this.options.logger?.log('warn', 'keypad_column_report_timeout', { timeoutMs: REPORT_TIMEOUT_MS });
      then();
    });
  }

  private finishScan(closed: number[]): void {
    const { core, clock, onKey, logger } = this.options;
    const result = core.scan(closed, clock.now(), this.wokeAt);
    // Which keys were down is not logged: during PIN entry that would be the PIN.
    if (result.ghosting) logger?.log('debug', 'keypad_ghosting_scan_ignored');
    for (const event of result.events) onKey(event);
    if (core.idle) {
      this.scanning = false;
      this.timer = undefined;
      // The last scan read every column HIGH, so a key pressed from now on reports a change.
      this.driveRows(() => 'low');
      return;
    }
    this.timer = clock.setTimer(this.options.pollMs, () => this.scanRow(0, []));
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
