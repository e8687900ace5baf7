import five from 'johnny-five';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { PinMode } from '../../firmware/hal/io-plugin.js';
import { createEmulatedBoard } from '../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../firmware/hal/virtual/virtual-io.js';
import { INIT_STEPS, text } from './lcd-sequences.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function readyIo(paced = false) {
  const clock = new VirtualClock();
  const emulated = createEmulatedBoard({
    profile: 'uno',
    clock,
    keypad: { rowPins: [2, 3, 4, 5], colPins: [6, 7, 8], layout: [['1', '2', '3'], ['4', '5', '6'], ['7', '8', '9'], ['CANCEL', '0', 'ENTER']] },
    lcd: { cols: 20, rows: 4, address: 0x27 },
    eeprom: { address: 0x50 },
  });
  const io = new VirtualIo({ board: emulated.board, paced });
  await new Promise<void>((resolve) => io.once('ready', resolve));
  return { clock, io, ...emulated };
}

describe('VirtualIo', () => {
  it('reaches ready with the Uno pins and modes', async () => {
    const { io } = await readyIo();
    expect(io.isReady).toBe(true);
    expect(io.pins).toHaveLength(20);
    expect(io.pins[13]!.supportedModes).toEqual([PinMode.INPUT, PinMode.PULLUP, PinMode.OUTPUT, PinMode.SERVO]);
    expect(io.pins[14]!.analogChannel).toBe(0);
    expect(io.pins[13]!.mode).toBe(PinMode.OUTPUT);
  });

  it('johnny-five Board accepts it as its io', async () => {
    const { io } = await readyIo();
    const board = new five.Board({ io, repl: false, debug: false });
    await new Promise<void>((resolve) => board.once('ready', () => resolve()));
    expect(board.io).toBe(io);
  });

  it('reports a key press on the column pin, after the immediate report when reporting starts', async () => {
    const { io, keypad } = await readyIo();
    for (const row of [2, 3, 4, 5]) {
      io.pinMode(row, PinMode.OUTPUT);
      io.digitalWrite(row, 0);
    }
    const seen: number[] = [];
    io.pinMode(7, PinMode.PULLUP);
    io.digitalRead(7, (v) => seen.push(v));
    await nextTurn();
    expect(seen).toEqual([1]);
    keypad!.press('5');
    await nextTurn();
    keypad!.release('5');
    await nextTurn();
    expect(seen).toEqual([1, 0, 1]);
  });

  it('drives the LCD through I2C and counts the Firmata bytes', async () => {
    const { io, lcd, clock } = await readyIo();
    io.i2cConfig(0);
    clock.advance(40); // HD44780 power-on wait
    const before = io.wire.toBoard.bytes;
    for (const step of INIT_STEPS) {
      io.i2cWrite(0x27, step);
      clock.advance(5);
    }
    io.i2cWrite(0x27, text('HELLO'));
    expect(lcd!.lcd.lines()[0]).toBe('HELLO'.padEnd(20));
    expect(lcd!.lcd.violations).toEqual([]);
    // text('HELLO') = 20 bytes -> F0 76 addr mode, 40 data, F7 = 45 wire bytes
    const init = INIT_STEPS.reduce((n, s) => n + 5 + 2 * s.length, 0);
    expect(io.wire.toBoard.bytes - before).toBe(init + 45);
  });

  it('writes and reads the EEPROM; a read during the write cycle gets stale bytes and a string', async () => {
    const { io, clock } = await readyIo();
    io.i2cConfig(0);
    const strings: string[] = [];
    io.on('string', (s: string) => strings.push(s));
    io.i2cWrite(0x50, [0x00, 0x10, 0xde, 0xad]);
    const early: number[][] = [];
    io.i2cReadOnce(0x50, 2, (bytes) => early.push(bytes));
    await nextTurn();
    expect(strings).toEqual(['I2C: Too few bytes received']);
    // the write cycle runs 5 ms from when the write crossed the wire, not from when it was queued
    clock.advance(10);
    io.i2cWrite(0x50, [0x00, 0x10]);
    const late: number[][] = [];
    io.i2cReadOnce(0x50, 2, (bytes) => late.push(bytes));
    await nextTurn();
    expect(late).toEqual([[0xde, 0xad]]);
    expect(early).toHaveLength(1);
  });

  it('paced: a reply arrives only after its wire time on the board clock', async () => {
    const { io, clock, keypad } = await readyIo(true);
    io.pinMode(2, PinMode.OUTPUT);
    io.digitalWrite(2, 0);
    io.pinMode(6, PinMode.PULLUP);
    const seen: number[] = [];
    io.digitalRead(6, (v) => seen.push(v));
    // 4 messages of 3+3+3+2 bytes at 174 us each, then the 3-byte report back.
    clock.advance(11 * 0.1736);
    expect(seen).toEqual([]);
    clock.advance(3 * 0.1737);
    expect(seen).toEqual([1]);
    keypad!.press('1');
    clock.advance(1);
    expect(seen).toEqual([1, 0]);
    expect(io.wire.toHost.bytes).toBe(6);
  });

  it('rejects bad input with clear errors', async () => {
    const { io } = await readyIo();
    expect(() => io.pinMode(25, PinMode.OUTPUT)).toThrow(/pin 25 does not exist on uno/);
    expect(() => io.pinMode(14, PinMode.PWM)).toThrow(/does not support mode 3/);
    expect(() => io.i2cWrite(0x27, [1])).toThrow(/I2C is not enabled/);
    io.i2cConfig();
    expect(() => io.i2cWrite(0x27, [300])).toThrow(/300 is not a byte/);
    expect(() => io.serialConfig({ portId: 1, baud: 9600 })).toThrow(/serial port 1 does not exist on uno/);
    expect(() => io.serialConfig({ portId: 8, baud: 9600 })).toThrow(/RX and TX pins/);
    expect(() => io.setSamplingInterval(0)).toThrow(/sampling interval/);
  });
});
