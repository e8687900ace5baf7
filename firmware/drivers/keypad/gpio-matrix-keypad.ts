/**
 * The GPIO shell of a matrix keypad on the IO-plugin. Idle: every row driven LOW, every column an
 * input with pull-up reporting changes - an idle keypad costs no wire traffic at all. A column
 * going LOW starts scanning: one row driven LOW at a time (the others floating, so two keys on one
 * column never short a HIGH row to a LOW one), columns sampled after settleMs, the whole scan fed
 * to the pure core; scans repeat every pollMs until the core is idle, then the rows go back LOW.
 */
import type { Clock, TimerHandle } from '../../hal/clock.js';
import { LOW, PinMode, type IoPlugin } from '../../hal/io-plugin.js';
import type { Logger } from '../../hal/log.js';
import type { MatrixScanCore } from './matrix-scan-core.js';
import type { KeyEvent } from './pos-keys.js';

export interface GpioMatrixKeypadOptions {
  io: IoPlugin;
  clock: Clock;
  rowPins: readonly number[];
  colPins: readonly number[];
  core: MatrixScanCore;
  /** Wait after driving a row before reading the columns: the report's round trip over Firmata. */
  settleMs: number;
  /** Scan period while a key is down or bouncing. */
  pollMs: number;
  onKey: (event: KeyEvent) => void;
  logger?: Logger;
}

type RowDrive = 'low' | 'floating';

export class GpioMatrixKeypad {
  private readonly columnLevels: number[];
  private readonly rowDrive: RowDrive[];
  private scanning = false;
  /** When a column change woke the keypad from idle. */
  private wokeAt: number | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: GpioMatrixKeypadOptions) {
    const { rowPins, colPins } = options;
    const all = [...rowPins, ...colPins];
    if (new Set(all).size !== all.length) throw new Error(`keypad row and column pins must be distinct, got ${all.join(',')}`);
    if (options.settleMs < 0 || options.pollMs <= 0) throw new Error('keypad settleMs must be >= 0 and pollMs > 0');
    this.columnLevels = colPins.map(() => 1);
    this.rowDrive = rowPins.map(() => 'floating');
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
  }

  private onColumn(col: number, value: number): void {
    this.columnLevels[col] = value;
    if (!this.scanning && !this.stopped && value === LOW) this.beginScan();
  }

  private beginScan(): void {
    this.scanning = true;
    this.wokeAt = this.options.clock.now();
    this.scanRow(0, []);
  }

  private scanRow(row: number, closed: number[]): void {
    this.driveRows((r) => (r === row ? 'low' : 'floating'));
    this.timer = this.options.clock.setTimer(this.options.settleMs, () => {
      closed.push(this.columnLevels.reduce((bits, level, c) => (level === LOW ? bits | (1 << c) : bits), 0));
      if (row + 1 < this.options.rowPins.length) this.scanRow(row + 1, closed);
      else this.finishScan(closed);
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
