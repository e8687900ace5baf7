/**
 * HD44780 behind a PCF8574 I2C backpack. One expander byte sets RS, RW, EN, backlight and D4-D7
 * at once, so a byte to the LCD is 4 expander bytes (high nibble with EN, without EN, low nibble
 * with EN, without EN) - the controller latches on EN's falling edge, and data must not change on
 * that same edge, so 4 is the minimum. Many characters go in one I2C write, cut at Firmata's
 * payload limit; each payload byte crosses the Firmata wire as 2 bytes (7-bit encoding).
 */
import type { Clock } from '../../hal/clock.js';
import type { IoPlugin } from '../../hal/io-plugin.js';
import { FIRMATA_I2C_WRITE_MAX_PAYLOAD, FIRMATA_MS_PER_WIRE_BYTE, firmataI2cWriteWireBytes } from '../../hal/firmata-wire.js';
import type { LcdBus, LcdWrite } from './lcd-bus.js';

/** The usual backpack wiring: P0 RS, P1 RW, P2 EN, P3 backlight, P4-P7 D4-D7. */
const RS = 0x01;
const EN = 0x04;
const BACKLIGHT = 0x08;

/** Whole characters (4 expander bytes each) within Firmata's I2C payload limit. */
const DEFAULT_MAX_PAYLOAD = FIRMATA_I2C_WRITE_MAX_PAYLOAD - (FIRMATA_I2C_WRITE_MAX_PAYLOAD % 4);

export interface Pcf8574BusOptions {
  io: IoPlugin;
  clock: Clock;
  /** 7-bit I2C address, 0x27 (PCF8574) or 0x3F (PCF8574A). */
  address: number;
  /** Largest I2C write; default 28 (Firmata's limit cut to whole characters). */
  maxPayload?: number;
  /** Wire time per byte, for waits that must start when the bytes arrive; 0 on a local bus. */
  msPerWireByte?: number;
}

/** Longest wait for the answer that confirms the writes reached the backpack. */
const READ_BARRIER_TIMEOUT_MS = 1000;

export class Pcf8574Bus implements LcdBus {
  private backlightBit = BACKLIGHT;
  private wireFreeAt = 0;
  private readonly maxPayload: number;
  private readonly msPerWireByte: number;

  constructor(private readonly options: Pcf8574BusOptions) {
    if (!Number.isInteger(options.address) || options.address < 0x08 || options.address > 0x77) {
      throw new Error(`PCF8574 address ${options.address} is not a 7-bit I2C address (0x08-0x77)`);
    }
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    if (this.maxPayload < 4) throw new Error('PCF8574 maxPayload must be at least 4 (one character)');
    this.msPerWireByte = options.msPerWireByte ?? FIRMATA_MS_PER_WIRE_BYTE;
    options.io.i2cConfig({ delay: 0 });
  }

  writeWakeUpNibble(nibble: number): void {
    const out = ((nibble & 0x0f) << 4) | this.backlightBit;
    this.send([out | EN, out]);
  }

  write(items: readonly LcdWrite[]): void {
    const bytes: number[] = [];
    for (const { rs, byte } of items) {
      const flags = (rs ? RS : 0) | this.backlightBit;
      for (const nibble of [byte & 0xf0, (byte << 4) & 0xf0]) bytes.push(nibble | flags | EN, nibble | flags);
    }
    this.send(bytes);
  }

  setBacklight(on: boolean): void {
    this.backlightBit = on ? BACKLIGHT : 0;
    this.send([this.backlightBit]);
  }

  drainMs(): number {
    return Math.max(0, this.wireFreeAt - this.options.clock.now());
  }

  /**
   * Over Firmata (msPerWireByte > 0): a 1-byte read of the backpack queued behind the writes. The
   * board runs requests in order, so its answer (even a NACK's: 2.5.9 answers those too) means the
   * writes before it are on the chip - the technique of the EEPROM's write-cycle barrier. A lost
   * answer is given up on after READ_BARRIER_TIMEOUT_MS, so the display cannot hang. On a local bus
   * the writes have landed when they return.
   */
  get reached(): (() => Promise<void>) | undefined {
    if (this.msPerWireByte === 0) return undefined;
    return () =>
      new Promise<void>((resolve) => {
        const { io, address, clock } = this.options;
        const timer = clock.setTimer(READ_BARRIER_TIMEOUT_MS, resolve);
        io.i2cReadOnce(address, 1, () => {
          clock.clearTimer(timer);
          resolve();
        });
      });
  }

  private send(bytes: number[]): void {
    const step = this.maxPayload - (this.maxPayload % 4);
    for (let i = 0; i < bytes.length; i += step) {
      const chunk = bytes.slice(i, i + step);
      this.options.io.i2cWrite(this.options.address, chunk);
      const wireMs = firmataI2cWriteWireBytes(chunk.length) * this.msPerWireByte;
      this.wireFreeAt = Math.max(this.wireFreeAt, this.options.clock.now()) + wireMs;
    }
  }
}
