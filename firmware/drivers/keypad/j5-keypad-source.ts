/**
 * johnny-five's I2C keypads (its Keypad component: MPR121, AT42QT1070, ...) as another key source.
 * j5 already reports presses and releases of the key names given in its `keys` option, which the
 * board config sets to POS key names; this adapter turns them into KeyEvents and drives the
 * hold-repeat from the Clock (j5's own "hold" only fires while the chip keeps being polled).
 */
import type { Clock, TimerHandle } from '../../hal/clock.js';
import type { Logger } from '../../hal/log.js';
import { DEFAULT_MATRIX_TIMING } from './matrix-scan-core.js';
import { isPosKey, type KeyEvent, type PosKey } from '../../hal/pos-keys.js';

/** The part of a johnny-five Keypad this adapter listens to. */
export interface J5KeypadEvents {
  on(event: 'press' | 'release', listener: (event: { which: unknown }) => void): unknown;
}

export interface J5KeypadSourceOptions {
  keypad: J5KeypadEvents;
  clock: Clock;
  onKey: (event: KeyEvent) => void;
  repeatKeys?: readonly PosKey[];
  repeatDelayMs?: number;
  repeatIntervalMs?: number;
  logger?: Logger;
}

export class J5KeypadSource {
  private repeatTimer: TimerHandle | undefined;
  private repeatingKey: PosKey | undefined;
  private readonly repeatKeys: ReadonlySet<PosKey>;

  constructor(private readonly options: J5KeypadSourceOptions) {
    this.repeatKeys = new Set(options.repeatKeys ?? ['CLEAR']);
    options.keypad.on('press', ({ which }) => this.keys(which).forEach((key) => this.press(key)));
    options.keypad.on('release', ({ which }) => this.keys(which).forEach((key) => this.release(key)));
  }

  stop(): void {
    this.options.clock.clearTimer(this.repeatTimer);
    this.repeatingKey = undefined;
  }

  private keys(which: unknown): PosKey[] {
    const names = Array.isArray(which) ? which : [which];
    return names.filter((name): name is PosKey => {
      if (typeof name === 'string' && isPosKey(name)) return true;
      this.options.logger?.log('warn', 'keypad_unknown_key', { name: String(name) });
      return false;
    });
  }

  private press(key: PosKey): void {
    this.options.onKey({ key, repeat: false });
    if (!this.repeatKeys.has(key)) return;
    this.stop();
    this.repeatingKey = key;
    this.scheduleRepeat(this.options.repeatDelayMs ?? DEFAULT_MATRIX_TIMING.repeatDelayMs);
  }

  private release(key: PosKey): void {
    if (this.repeatingKey === key) this.stop();
  }

  private scheduleRepeat(ms: number): void {
    this.repeatTimer = this.options.clock.setTimer(ms, () => {
      if (this.repeatingKey === undefined) return;
      this.options.onKey({ key: this.repeatingKey, repeat: true });
      this.scheduleRepeat(this.options.repeatIntervalMs ?? DEFAULT_MATRIX_TIMING.repeatIntervalMs);
    });
  }
}
