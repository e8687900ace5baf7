/**
 * Output pins driven through the IO plugin for bit-banged buses: writes only levels that change
 * (each digitalWrite is a Firmata port message) and keeps count of the wire time still owed, so a
 * device's waits can start when the last edge actually reaches the board.
 */
import type { Clock } from './clock.js';
import { FIRMATA_DIGITAL_WRITE_WIRE_BYTES, FIRMATA_MS_PER_WIRE_BYTE } from './firmata-wire.js';
import { PinMode, type IoPlugin } from './io-plugin.js';

export interface OutputPinsOptions {
  io: IoPlugin;
  clock: Clock;
  /** Wire time per byte; default Firmata at 57600 baud, 0 for local GPIO. */
  msPerWireByte?: number;
}

export class OutputPins {
  private readonly levels = new Map<number, number>();
  private readonly msPerWrite: number;
  private wireFreeAt = 0;

  /** Makes every pin an output at LOW; `what` names the device in the error for pins used twice. */
  constructor(
    private readonly options: OutputPinsOptions,
    pins: readonly number[],
    what: string,
  ) {
    if (new Set(pins).size !== pins.length) throw new Error(`${what} pins must be distinct, got ${pins.join(',')}`);
    this.msPerWrite = FIRMATA_DIGITAL_WRITE_WIRE_BYTES * (options.msPerWireByte ?? FIRMATA_MS_PER_WIRE_BYTE);
    for (const pin of pins) {
      options.io.pinMode(pin, PinMode.OUTPUT);
      this.set(pin, 0, true);
    }
  }

  /** Sets a level; `always` writes even an unchanged level (a clock or strobe edge). */
  set(pin: number, level: number, always = false): void {
    if (!always && this.levels.get(pin) === level) return;
    this.levels.set(pin, level);
    this.options.io.digitalWrite(pin, level);
    this.wireFreeAt = Math.max(this.wireFreeAt, this.options.clock.now()) + this.msPerWrite;
  }

  /** Milliseconds until every write so far has crossed the wire. */
  drainMs(): number {
    return Math.max(0, this.wireFreeAt - this.options.clock.now());
  }
}
