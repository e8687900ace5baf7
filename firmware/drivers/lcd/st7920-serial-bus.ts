/**
 * The ST7920's serial interface on three pins: CS high frames a transfer; each byte goes as a sync
 * byte (11111, RW=0, RS, 0) then its high and low nibbles, each in the top half of a byte, MSB first,
 * SID sampled on SCLK's rising edge. Bit-banged through digitalWrite, so it suits a board with local
 * GPIO (raspi-io); only changed levels are written, and over Firmata their wire time is tracked.
 */
import { OutputPins, type OutputPinsOptions } from '../../hal/output-pins.js';
import type { LcdBus, LcdWrite } from './lcd-bus.js';

export interface St7920SerialPins {
  cs: number;
  sid: number;
  sclk: number;
  backlight?: number;
}

export interface St7920SerialBusOptions extends OutputPinsOptions {
  pins: St7920SerialPins;
}

export class St7920SerialBus implements LcdBus {
  private readonly out: OutputPins;
  private readonly pins: St7920SerialPins;

  constructor(options: St7920SerialBusOptions) {
    const pins = options.pins;
    this.pins = pins;
    const all = [pins.cs, pins.sid, pins.sclk, ...(pins.backlight === undefined ? [] : [pins.backlight])];
    this.out = new OutputPins(options, all, 'ST7920');
  }

  /** Serial mode has no 4-bit/8-bit question: a wake-up nibble becomes the whole function-set byte. */
  writeWakeUpNibble(nibble: number): void {
    this.write([{ rs: 0, byte: (nibble & 0x0f) << 4 }]);
  }

  write(items: readonly LcdWrite[]): void {
    if (items.length === 0) return;
    this.out.set(this.pins.cs, 1);
    for (const { rs, byte } of items) {
      this.shiftOut(0xf8 | (rs << 1));
      this.shiftOut(byte & 0xf0);
      this.shiftOut((byte << 4) & 0xf0);
    }
    this.out.set(this.pins.cs, 0);
  }

  setBacklight(on: boolean): void {
    if (this.pins.backlight !== undefined) this.out.set(this.pins.backlight, on ? 1 : 0);
  }

  drainMs(): number {
    return this.out.drainMs();
  }

  private shiftOut(byte: number): void {
    for (let bit = 7; bit >= 0; bit--) {
      this.out.set(this.pins.sid, (byte >> bit) & 1);
      this.out.set(this.pins.sclk, 1, true);
      this.out.set(this.pins.sclk, 0, true);
    }
  }
}
