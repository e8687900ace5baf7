/**
 * A runtime killed mid-sale leaves the LCD as it was: the controller keeps its 4-bit mode and any
 * half-received byte (a Firmata reset cut the I2C write after one nibble, as the PCF8574 latches
 * every byte it ACKs). The next runtime's initialisation by instruction must bring it back from
 * there, as a real HD44780 needs, on the emulator's model that the HIL suite reads back.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { Hd44780Display } from '../../../firmware/drivers/lcd/hd44780-display.js';
import { Pcf8574Bus } from '../../../firmware/drivers/lcd/pcf8574-bus.js';
import { Pcf8574LcdBackpackModel } from '../../../firmware/hal/virtual/pcf8574-lcd-backpack-model.js';
import { RecordingIo } from '../../hal/recording-io.js';

/** 100 kHz I2C: ~90 us a byte with its ACK. */
const I2C_BYTE_US = 90;
const EN = 0x04;
const RS = 0x01;
const BACKLIGHT = 0x08;

/** The I2C bus one write after another: a write starts when the previous one has left (address byte + data). */
function i2cBus(backpack: Pcf8574LcdBackpackModel, clock: VirtualClock) {
  let freeAtUs = 0;
  return {
    send(bytes: readonly number[]) {
      const startUs = Math.max(clock.now() * 1000, freeAtUs);
      backpack.write(bytes, startUs, I2C_BYTE_US);
      freeAtUs = startUs + (bytes.length + 2) * I2C_BYTE_US;
    },
    /** A read queued behind the writes is answered once they are on the chip (the driver's barrier). */
    afterWrites(deliver: () => void) {
      clock.setTimer(Math.max(0, freeAtUs / 1000 - clock.now()), deliver);
    },
  };
}

function runtimeOn(bus: ReturnType<typeof i2cBus>, clock: VirtualClock) {
  const io = new RecordingIo();
  io.onI2cWrite = (_address, bytes) => bus.send(bytes);
  io.deliverAnswer = (_length, deliver) => bus.afterWrites(deliver);
  const display = new Hd44780Display({ cols: 20, rows: 4, clock, bus: new Pcf8574Bus({ io, clock, address: 0x27 }) });
  const settle = async () => {
    for (let i = 0; i < 200; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = clock.nextDeadline();
      if (next === undefined) break;
      clock.advance(next + 0.01);
    }
    await display.flush();
  };
  return { display, settle };
}

describe('HD44780 after the runtime was killed', () => {
  for (const [name, leftover] of [
    ['in step with the controller', [] as number[]],
    ['half-way through a character', [0x40 | BACKLIGHT | RS | EN, 0x40 | BACKLIGHT | RS]],
    ['half-way through a command', [0x80 | BACKLIGHT | EN, 0x80 | BACKLIGHT]],
  ] as const) {
    it(`the next runtime's init brings the glass back when the old one left it ${name}`, async () => {
      const clock = new VirtualClock();
      const backpack = new Pcf8574LcdBackpackModel({ cols: 20, rows: 4 });
      const bus = i2cBus(backpack, clock);
      const first = runtimeOn(bus, clock);
      first.display.show(['SALE', 'CONNECTING...', '', '']);
      await first.settle();
      expect(backpack.lcd.lines()[1]).toBe('CONNECTING...'.padEnd(20));
      bus.send(leftover);

      const second = runtimeOn(bus, clock);
      const screen = ['POS MERCHANT', 'UnionPay POS', 'SIGN IN: ENTER', ''];
      second.display.show(screen);
      await second.settle();
      expect(backpack.lcd.lines()).toEqual(screen.map((line) => line.padEnd(20)));
      expect(backpack.lcd.violations).toEqual([]);
    });
  }
});
