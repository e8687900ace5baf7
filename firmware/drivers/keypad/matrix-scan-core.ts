/**
 * The pure core of a matrix keypad, after Zephyr's input_kbd_matrix: fed one full scan at a time
 * (a bitmask of closed columns per row, and the time), it debounces each key (a change must hold
 * for pressMs / releaseMs before it counts), drops scans that show ghosting, maps positions to POS
 * keys, and produces hold-repeats for the repeating keys (CLEAR, the backspace). No I/O, no timers.
 */
import type { KeyEvent, PosKey } from '../../hal/pos-keys.js';

export interface MatrixTiming {
  /** A press counts after the key has read closed this long. Default 10 ms. */
  pressMs: number;
  /** A release counts after the key has read open this long. Default 20 ms. */
  releaseMs: number;
  /** Hold this long before the first repeat. Default 600 ms. */
  repeatDelayMs: number;
  /** Then one repeat every this long. Default 120 ms. */
  repeatIntervalMs: number;
}

export const DEFAULT_MATRIX_TIMING: MatrixTiming = { pressMs: 10, releaseMs: 20, repeatDelayMs: 600, repeatIntervalMs: 120 };

export interface ScanResult {
  events: KeyEvent[];
  /** The scan showed a key rectangle (a possible phantom key) and was ignored. */
  ghosting: boolean;
}

export class MatrixScanCore {
  private readonly rows: number;
  private readonly cols: number;
  /** Debounced state: bit c of stable[r] set = key (r, c) is down. */
  private readonly stable: number[];
  /** Per key, when its raw reading started to differ from the stable state (undefined = it agrees). */
  private readonly changedSince: (number | undefined)[];
  private readonly repeatKeys: ReadonlySet<PosKey>;
  private repeating: { key: PosKey; nextAt: number } | undefined;
  /** When the previous scan ran, while scanning continues; undefined after going idle. */
  private previousScanAt: number | undefined;

  constructor(
    private readonly keymap: readonly (readonly (PosKey | null)[])[],
    private readonly timing: MatrixTiming = DEFAULT_MATRIX_TIMING,
    repeatKeys: readonly PosKey[] = ['CLEAR'],
  ) {
    this.rows = keymap.length;
    this.cols = keymap[0]?.length ?? 0;
    if (this.rows === 0 || this.cols === 0 || this.rows > 16 || this.cols > 16) {
      throw new Error(`keymap must be 1-16 rows of 1-16 keys, got ${this.rows}x${this.cols}`);
    }
    if (keymap.some((row) => row.length !== this.cols)) throw new Error(`every keymap row needs ${this.cols} keys`);
    this.stable = Array<number>(this.rows).fill(0);
    this.changedSince = Array<number | undefined>(this.rows * this.cols).fill(undefined);
    this.repeatKeys = new Set(repeatKeys);
  }

  /** No key is down, none is bouncing: the shell may stop scanning and wait for a column change. */
  get idle(): boolean {
    return this.stable.every((bits) => bits === 0) && this.changedSince.every((t) => t === undefined);
  }

  /**
   * A change first seen in this scan is dated to the earliest moment it can have happened: the
   * previous scan, or for the first scan after idle the column change that woke the shell
   * (`wokeAt`). Over Firmata a scan takes tens of milliseconds, and dating changes to the scan
   * that saw them would need two slow scans per press and lose a quickly repeated key.
   */
  scan(closed: readonly number[], now: number, wokeAt?: number): ScanResult {
    if (closed.length !== this.rows) throw new Error(`scan has ${closed.length} rows, the keypad ${this.rows}`);
    const changeDate = this.previousScanAt ?? Math.min(wokeAt ?? now, now);
    this.previousScanAt = now;
    const result = this.debounce(closed, now, changeDate);
    if (this.idle) this.previousScanAt = undefined;
    return result;
  }

  private debounce(closed: readonly number[], now: number, changeDate: number): ScanResult {
    if (hasGhosting(closed)) return { events: this.repeat(now), ghosting: true };
    const events: KeyEvent[] = [];
    for (let r = 0; r < this.rows; r++) {
      for (let c = 0; c < this.cols; c++) {
        const i = r * this.cols + c;
        const raw = ((closed[r]! >> c) & 1) === 1;
        const down = ((this.stable[r]! >> c) & 1) === 1;
        if (raw === down) {
          this.changedSince[i] = undefined;
          continue;
        }
        const since = (this.changedSince[i] ??= changeDate);
        if (now - since < (raw ? this.timing.pressMs : this.timing.releaseMs)) continue;
        this.changedSince[i] = undefined;
        this.stable[r] = raw ? this.stable[r]! | (1 << c) : this.stable[r]! & ~(1 << c);
        const key = this.keymap[r]![c]!;
        if (key === null) continue;
        if (raw) {
          events.push({ key, repeat: false });
          if (this.repeatKeys.has(key)) this.repeating = { key, nextAt: now + this.timing.repeatDelayMs };
        } else if (this.repeating?.key === key) {
          this.repeating = undefined;
        }
      }
    }
    return { events: [...events, ...this.repeat(now)], ghosting: false };
  }

  /** At most one repeat per scan: a late scan must not burst several backspaces at once. */
  private repeat(now: number): KeyEvent[] {
    if (!this.repeating || now < this.repeating.nextAt) return [];
    this.repeating.nextAt += this.timing.repeatIntervalMs;
    if (this.repeating.nextAt <= now) this.repeating.nextAt = now + this.timing.repeatIntervalMs;
    return [{ key: this.repeating.key, repeat: true }];
  }
}

/**
 * Without a diode per key, three closed corners of a rectangle make the fourth read closed too.
 * Two rows sharing more than one closed column is exactly that rectangle.
 */
export function hasGhosting(closed: readonly number[]): boolean {
  for (let a = 0; a < closed.length; a++) {
    for (let b = a + 1; b < closed.length; b++) {
      const shared = closed[a]! & closed[b]!;
      if (shared & (shared - 1)) return true;
    }
  }
  return false;
}
