import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { createEmulatedBoard } from '../../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../../firmware/hal/virtual/virtual-io.js';
import { Hd44780Display } from '../../../firmware/drivers/lcd/hd44780-display.js';
import { Pcf8574Bus } from '../../../firmware/drivers/lcd/pcf8574-bus.js';
import { ParallelLcdBus } from '../../../firmware/drivers/lcd/parallel-bus.js';
import { runUntilSettled } from '../../hal/run-until-settled.js';

/**
 * The driver against the emulator's PCF8574 + HD44780 model on a paced VirtualIo: bytes reach the
 * LCD when they would have crossed a 57600-baud wire, and the model flags any instruction that
 * arrives while the controller is still busy (init waits, the clear) or before power-on settles.
 */
describe('HD44780 driver on the virtual board (paced Firmata wire)', () => {
  it('initialises and draws a 20x4 screen with no timing violation, then updates one cell in 21 wire bytes', async () => {
    const clock = new VirtualClock();
    const emulated = createEmulatedBoard({ profile: 'uno', clock, lcd: { cols: 20, rows: 4, address: 0x27 } });
    const io = new VirtualIo({ board: emulated.board, paced: true });
    await new Promise<void>((resolve) => io.once('ready', resolve));
    const display = new Hd44780Display({ cols: 20, rows: 4, clock, bus: new Pcf8574Bus({ io, clock, address: 0x27 }) });
    const screen = ['SALE        RMB 1.00', 'CARD 622202******1234', 'PIN: ****', 'ENTER=OK  CANCEL=NO'];
    display.show(screen);
    await runUntilSettled(clock, display.flush(), 0.5);
    await runUntilSettled(clock, new Promise((resolve) => clock.setTimer(100, () => resolve(undefined))), 0.5);
    const lcd = emulated.lcd!.lcd;
    expect(lcd.violations).toEqual([]);
    expect(lcd.lines()).toEqual(screen.map((line) => line.slice(0, 20).padEnd(20)));
    const before = io.wire.toBoard.bytes;
    display.show([screen[0]!, screen[1]!, 'PIN: *****', screen[3]!]);
    await runUntilSettled(clock, display.flush(), 0.5);
    expect(io.wire.toBoard.bytes - before).toBe(21);
    await runUntilSettled(clock, new Promise((resolve) => clock.setTimer(50, () => resolve(undefined))), 0.5);
    expect(lcd.lines()[2]).toBe('PIN: *****'.padEnd(20));
    expect(lcd.violations).toEqual([]);
    io.close();
  });

  it('drives a 16x2 on 4-bit parallel pins with no timing violation', async () => {
    const clock = new VirtualClock();
    const pins = { rs: 7, en: 8, d4: 9, d5: 10, d6: 11, d7: 12 };
    const emulated = createEmulatedBoard({ profile: 'uno', clock, parallelLcd: { pins, cols: 16, rows: 2 } });
    const io = new VirtualIo({ board: emulated.board, paced: true });
    await new Promise<void>((resolve) => io.once('ready', resolve));
    const display = new Hd44780Display({ cols: 16, rows: 2, clock, bus: new ParallelLcdBus({ io, clock, pins }) });
    display.show(['PARALLEL 4-BIT', 'RMB 88.00']);
    await runUntilSettled(clock, display.flush(), 0.5);
    await runUntilSettled(clock, new Promise((resolve) => clock.setTimer(200, () => resolve(undefined))), 0.5);
    expect(emulated.screen!.violations).toEqual([]);
    expect(emulated.screen!.lines()).toEqual(['PARALLEL 4-BIT'.padEnd(16), 'RMB 88.00'.padEnd(16)]);
    io.close();
  });
});
