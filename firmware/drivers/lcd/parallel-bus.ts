/**
 * HD44780 on 4-bit parallel pins (RW tied to ground): per nibble set D4-D7 and RS, then pulse EN.
 * Only pins whose level changes are written, since each digitalWrite costs a Firmata port message;
 * that wire time is tracked so the controller's waits start when the EN edge actually arrives.
 */
import type { Clock } from '../../hal/clock.js';
import { FIRMATA_DIGITAL_WRITE_WIRE_BYTES, FIRMATA_MS_PER_WIRE_BYTE } from '../../hal/firmata-wire.js';
import { PinMode, type IoPlugin } from '../../hal/io-plugin.js';
import type { LcdBus, LcdWrite } from './lcd-bus.js';

export interface ParallelLcdPins {
  rs: number;
  en: number;
  d4: number;
  d5: number;
  d6: number;
  d7: number;
  backlight?: number;
}

export interface ParallelLcdBusOptions {
  io: IoPlugin;
  clock: Clock;
  pins: ParallelLcdPins;
  /** Wire time per byte; default Firmata at 57600 baud, 0 for local GPIO. */
  msPerWireByte?: number;
}

export class ParallelLcdBus implements LcdBus {
  private readonly levels = new Map<number, number>();
  private readonly dataPins: readonly number[];
  private readonly io: IoPlugin;
  private readonly pins: ParallelLcdPins;
  private readonly msPerWrite: number;
  private wireFreeAt = 0;

  constructor(private readonly options: ParallelLcdBusOptions) {
    const { io, pins } = options;
    this.io = io;
    this.pins = pins;
    this.msPerWrite = FIRMATA_DIGITAL_WRITE_WIRE_BYTES * (options.msPerWireByte ?? FIRMATA_MS_PER_WIRE_BYTE);
    this.dataPins = [pins.d4, pins.d5, pins.d6, pins.d7];
    const all = [pins.rs, pins.en, ...this.dataPins, ...(pins.backlight === undefined ? [] : [pins.backlight])];
    if (new Set(all).size !== all.length) throw new Error(`parallel LCD pins must be distinct, got ${all.join(',')}`);
    for (const pin of all) {
      io.pinMode(pin, PinMode.OUTPUT);
      this.set(pin, 0, true);
    }
  }

  writeWakeUpNibble(nibble: number): void {
    this.nibble(0, nibble);
  }

  write(items: readonly LcdWrite[]): void {
    for (const { rs, byte } of items) {
      this.nibble(rs, byte >> 4);
      this.nibble(rs, byte & 0x0f);
    }
  }

  setBacklight(on: boolean): void {
    if (this.pins.backlight !== undefined) this.set(this.pins.backlight, on ? 1 : 0);
  }

  drainMs(): number {
    return Math.max(0, this.wireFreeAt - this.options.clock.now());
  }

  private nibble(rs: 0 | 1, value: number): void {
    this.set(this.pins.rs, rs);
    this.dataPins.forEach((pin, bit) => this.set(pin, (value >> bit) & 1));
    this.set(this.pins.en, 1, true);
    this.set(this.pins.en, 0, true);
  }

  private set(pin: number, level: number, always = false): void {
    if (!always && this.levels.get(pin) === level) return;
    this.levels.set(pin, level);
    this.io.digitalWrite(pin, level);
    this.wireFreeAt = Math.max(this.wireFreeAt, this.options.clock.now()) + this.msPerWrite;
  }
}
