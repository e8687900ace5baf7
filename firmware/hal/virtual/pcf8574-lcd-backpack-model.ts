/**
 * The common PCF8574 "I2C LCD backpack": every byte written sets the 8 quasi-bidirectional outputs
 * at once, wired P0=RS, P1=RW, P2=EN, P3=backlight, P4-P7=D4-D7 of an HD44780. Each byte takes
 * effect when its ACK clocks out, so the LCD sees the real spacing of EN edges on the bus.
 */
import type { I2cDevice } from './i2c-bus.js';
import { Hd44780Model } from './hd44780-model.js';

export interface LcdBackpackOptions {
  cols: number;
  rows: number;
  /** 0x27 (PCF8574T) or 0x3F (PCF8574AT). */
  address?: number;
  /** Board time the LCD got power (for the 15 ms power-on check). */
  powerOnUs?: number;
}

export class Pcf8574LcdBackpackModel implements I2cDevice {
  readonly lcd: Hd44780Model;
  readonly address: number;
  /** The last byte on P7-P0. PCF8574 powers up with all outputs high. */
  outputs = 0xff;
  /** Bytes received over I2C, for wire-budget checks. */
  bytesReceived = 0;

  constructor(options: LcdBackpackOptions) {
    this.address = options.address ?? 0x27;
    this.lcd = new Hd44780Model(options.cols, options.rows, options.powerOnUs ?? 0);
  }

  get backlight(): boolean {
    return (this.outputs & 0x08) !== 0;
  }

  write(bytes: readonly number[], startUs: number, byteUs: number): boolean {
    bytes.forEach((byte, i) => {
      this.outputs = byte & 0xff;
      this.bytesReceived++;
      this.lcd.setPins(
        {
          rs: (byte & 0x01) as 0 | 1,
          rw: ((byte >> 1) & 1) as 0 | 1,
          en: ((byte >> 2) & 1) as 0 | 1,
          data: (byte >> 4) & 0x0f,
        },
        startUs + (i + 2) * byteUs,
      );
    });
    return true;
  }

  /**
   * Reads the port pins: an output written high is a weak pull-up that the LCD may pull low while
   * it drives D7-D4 (RW and EN high); an output written low stays low.
   */
  read(count: number, startUs: number, byteUs: number): number[] {
    return Array.from({ length: count }, (_, i) => {
      const driven = this.lcd.drivenNibble(startUs + (i + 2) * byteUs);
      if (driven === undefined) return this.outputs;
      return (this.outputs & 0x0f) | ((this.outputs & 0xf0) & (driven << 4));
    });
  }
}
