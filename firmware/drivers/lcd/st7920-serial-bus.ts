/**
 * The ST7920's serial interface on three pins: CS high frames a transfer; each byte goes as a sync
 * byte (11111, RW=0, RS, 0) then its high and low nibbles, each in the top half of a byte, MSB first,
 * SID sampled on SCLK's rising edge. Bit-banged through digitalWrite, so it suits a board with local
 * GPIO (raspi-io); only pins that change are written.
 */
import { PinMode, type IoPlugin } from '../../hal/io-plugin.js';
import type { LcdBus, LcdWrite } from './lcd-bus.js';

export interface St7920SerialPins {
  cs: number;
  sid: number;
  sclk: number;
  backlight?: number;
}

export class St7920SerialBus implements LcdBus {
  private readonly levels = new Map<number, number>();

  constructor(
    private readonly io: IoPlugin,
    private readonly pins: St7920SerialPins,
  ) {
    const all = [pins.cs, pins.sid, pins.sclk, ...(pins.backlight === undefined ? [] : [pins.backlight])];
    if (new Set(all).size !== all.length) throw new Error(`ST7920 pins must be distinct, got ${all.join(',')}`);
    for (const pin of all) {
      io.pinMode(pin, PinMode.OUTPUT);
      this.set(pin, 0, true);
    }
  }

  /** Serial mode has no 4-bit/8-bit question: a wake-up nibble becomes the whole function-set byte. */
  writeWakeUpNibble(nibble: number): void {
    this.write([{ rs: 0, byte: (nibble & 0x0f) << 4 }]);
  }

  write(items: readonly LcdWrite[]): void {
    if (items.length === 0) return;
    this.set(this.pins.cs, 1);
    for (const { rs, byte } of items) {
      this.shiftOut(0xf8 | (rs << 1));
      this.shiftOut(byte & 0xf0);
      this.shiftOut((byte << 4) & 0xf0);
    }
    this.set(this.pins.cs, 0);
  }

  setBacklight(on: boolean): void {
    if (this.pins.backlight !== undefined) this.set(this.pins.backlight, on ? 1 : 0);
  }

  drainMs(): number {
    return 0;
  }

  private shiftOut(byte: number): void {
    for (let bit = 7; bit >= 0; bit--) {
      this.set(this.pins.sid, (byte >> bit) & 1);
      this.set(this.pins.sclk, 1, true);
      this.set(this.pins.sclk, 0, true);
    }
  }

  private set(pin: number, level: number, always = false): void {
    if (!always && this.levels.get(pin) === level) return;
    this.levels.set(pin, level);
    this.io.digitalWrite(pin, level);
  }
}
