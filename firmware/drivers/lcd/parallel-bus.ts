/**
 * HD44780 on 4-bit parallel pins (RW tied to ground): per nibble set D4-D7 and RS, then pulse EN.
 * Only changed levels are written, and their wire time is tracked so the controller's waits start
 * when the EN edge actually arrives.
 */
import { OutputPins, type OutputPinsOptions } from '../../hal/output-pins.js';
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

export interface ParallelLcdBusOptions extends OutputPinsOptions {
  pins: ParallelLcdPins;
}

export class ParallelLcdBus implements LcdBus {
  private readonly out: OutputPins;
  private readonly pins: ParallelLcdPins;
  private readonly dataPins: readonly number[];

  constructor(options: ParallelLcdBusOptions) {
    const pins = options.pins;
    this.pins = pins;
    this.dataPins = [pins.d4, pins.d5, pins.d6, pins.d7];
    const all = [pins.rs, pins.en, ...this.dataPins, ...(pins.backlight === undefined ? [] : [pins.backlight])];
    this.out = new OutputPins(options, all, 'parallel LCD');
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
    if (this.pins.backlight !== undefined) this.out.set(this.pins.backlight, on ? 1 : 0);
  }

  drainMs(): number {
    return this.out.drainMs();
  }

  private nibble(rs: 0 | 1, value: number): void {
    this.out.set(this.pins.rs, rs);
    this.dataPins.forEach((pin, bit) => this.out.set(pin, (value >> bit) & 1));
    this.out.set(this.pins.en, 1, true);
    this.out.set(this.pins.en, 0, true);
  }
}
