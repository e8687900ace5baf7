/**
 * Starts the key source a board config's keypad section describes: a GPIO matrix or a
 * johnny-five I2C keypad. Both deliver KeyEvents to `onKey`.
 */
import type { KeypadSection } from '../../hal/board-config.js';
import type { J5Handle } from '../../hal/board-loader.js';
import type { Clock } from '../../hal/clock.js';
import type { IoPlugin } from '../../hal/io-plugin.js';
import type { Logger } from '../../hal/log.js';
import { resolvePin } from '../../hal/pin-resolve.js';
import { GpioMatrixKeypad } from './gpio-matrix-keypad.js';
import { J5KeypadSource, type J5KeypadEvents } from './j5-keypad-source.js';
import { DEFAULT_MATRIX_TIMING, MatrixScanCore } from './matrix-scan-core.js';
import type { KeyEvent } from '../../hal/pos-keys.js';

/** Only for IOs without reportDigitalPin (Firmata reads each row back by a report round trip instead). */
const DEFAULT_SETTLE_MS = 20;
const DEFAULT_POLL_MS = 10;

export interface KeySource {
  stop(): void;
}

export interface KeypadDeps {
  io: IoPlugin;
  clock: Clock;
  /** johnny-five and its Board on `io`; needed for a j5-i2c keypad. */
  j5?: J5Handle;
  onKey: (event: KeyEvent) => void;
  logger?: Logger;
}

export function openKeypad(section: KeypadSection, deps: KeypadDeps): KeySource {
  const repeatKeys = section.repeat?.keys ?? ['CLEAR'];
  const repeatDelayMs = section.repeat?.delayMs ?? DEFAULT_MATRIX_TIMING.repeatDelayMs;
  const repeatIntervalMs = section.repeat?.intervalMs ?? DEFAULT_MATRIX_TIMING.repeatIntervalMs;
  if (section.kind === 'j5-i2c') {
    if (!deps.j5) throw new Error('keypad.kind "j5-i2c" needs a johnny-five board (board.kind "firmata")');
    const keypad = new deps.j5.five.Keypad({
      controller: section.controller,
      keys: section.keys,
      board: deps.j5.board,
      ...(section.address === undefined ? {} : { address: section.address }),
    });
    return new J5KeypadSource({
      keypad: keypad as unknown as J5KeypadEvents,
      clock: deps.clock,
      onKey: deps.onKey,
      repeatKeys,
      repeatDelayMs,
      repeatIntervalMs,
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
  }
  const core = new MatrixScanCore(
    section.keymap,
    {
      pressMs: section.debounce?.pressMs ?? DEFAULT_MATRIX_TIMING.pressMs,
      releaseMs: section.debounce?.releaseMs ?? DEFAULT_MATRIX_TIMING.releaseMs,
      repeatDelayMs,
      repeatIntervalMs,
    },
    repeatKeys,
  );
  const keypad = new GpioMatrixKeypad({
    io: deps.io,
    clock: deps.clock,
    rowPins: section.rows.map((pin, i) => resolvePin(deps.io, pin, `keypad.rows[${i}]`)),
    colPins: section.cols.map((pin, i) => resolvePin(deps.io, pin, `keypad.cols[${i}]`)),
    core,
    settleMs: section.scan?.settleMs ?? DEFAULT_SETTLE_MS,
    pollMs: section.scan?.pollMs ?? DEFAULT_POLL_MS,
    onKey: deps.onKey,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  keypad.start();
  return keypad;
}
