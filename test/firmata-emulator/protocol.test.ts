import { describe, expect, it } from 'vitest';
import { PinMode } from '../../firmware/hal/io-plugin.js';
import { emulatedFirmataBoard, runFor, runUntil } from './emulator-harness.js';
import { INIT_STEPS, text } from '../hal-virtual/lcd-sequences.js';

const KEYPAD = {
  rowPins: [2, 3, 4, 5],
  colPins: [6, 7, 8, 9],
  layout: [
    ['1', '2', '3', 'CANCEL'],
    ['4', '5', '6', 'CLEAR'],
    ['7', '8', '9', 'ENTER'],
    ['FUNC', '0', '00', 'DOWN'],
  ],
};

describe('Firmata emulator protocol', () => {
  it('digital writes reach the pins; reporting sends the port at once, then on change only', async () => {
    const { io, clock, board, emulator } = await emulatedFirmataBoard({ profile: 'uno' });
    io.pinMode(13, PinMode.OUTPUT);
    io.digitalWrite(13, 1);
    await runFor(clock, 5);
    expect(board.level(13)).toBe(1);
    io.pinMode(10, PinMode.INPUT);
    const seen: number[] = [];
    io.digitalRead(10, (v) => seen.push(v));
    await runFor(clock, 5);
    expect(seen).toEqual([0]);
    board.driveExternally(10, 1);
    await runFor(clock, 5);
    board.driveExternally(10, 1);
    await runFor(clock, 5);
    board.driveExternally(10, 0);
    await runFor(clock, 5);
    expect(seen).toEqual([0, 1, 0]);
    const idleBefore = emulator.wire.toHost.bytes + emulator.wire.toBoard.bytes;
    await runFor(clock, 1000);
    expect(emulator.wire.toHost.bytes + emulator.wire.toBoard.bytes).toBe(idleBefore);
  });

  it('set digital pin value (0xF5) drives an output', async () => {
    const { clock, board, transport } = await emulatedFirmataBoard({ profile: 'uno' });
    transport.write([0xf4, 12, 1, 0xf5, 12, 1]);
    await runFor(clock, 5);
    expect(board.level(12)).toBe(1);
  });

  it('a key press is reported on the column pin', async () => {
    const { io, clock, keypad } = await emulatedFirmataBoard({ profile: 'uno', keypad: KEYPAD });
    for (const row of KEYPAD.rowPins) {
      io.pinMode(row, PinMode.OUTPUT);
      io.digitalWrite(row, 0);
    }
    const columns: Record<number, number[]> = {};
    for (const col of KEYPAD.colPins) {
      io.pinMode(col, PinMode.PULLUP);
      io.digitalRead(col, (v) => (columns[col] ??= []).push(v));
    }
    await runFor(clock, 10);
    keypad!.press('6');
    await runFor(clock, 5);
    expect(columns[8]!.at(-1)).toBe(0);
    expect(columns[6]!.at(-1)).toBe(1);
    keypad!.release('6');
    await runFor(clock, 5);
    expect(columns[8]!.at(-1)).toBe(1);
  });

  it('I2C write then read once returns the EEPROM bytes; continuous read repeats every sampling interval', async () => {
    const { io, clock } = await emulatedFirmataBoard({ profile: 'uno', eeprom: { address: 0x50 } });
    io.i2cConfig(0);
    io.i2cWrite(0x50, [0x01, 0x00, 0x31, 0x32, 0x33]);
    await runFor(clock, 10);
    io.i2cWrite(0x50, [0x01, 0x00]);
    let got: number[] | undefined;
    io.i2cReadOnce(0x50, 3, (bytes) => (got = bytes));
    await runUntil(clock, () => got !== undefined);
    expect(got).toEqual([0x31, 0x32, 0x33]);

    const reads: number[][] = [];
    io.setSamplingInterval!(50);
    io.i2cRead!(0x50, 0x00, 1, (bytes) => reads.push(bytes));
    await runFor(clock, 260);
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(reads.length).toBeLessThanOrEqual(6);
    io.i2cStop!(0x50);
    const count = reads.length;
    await runFor(clock, 200);
    expect(reads.length).toBe(count);
  });

  it('the PCF8574 + HD44780 model shows text sent as 4-bit sequences and flags a too-fast command', async () => {
    const { io, clock, lcd } = await emulatedFirmataBoard({ profile: 'uno', lcd: { cols: 16, rows: 2 } });
    io.i2cConfig(0);
    await runFor(clock, 50);
    for (const step of INIT_STEPS) {
      io.i2cWrite(0x27, step);
      await runFor(clock, 5);
    }
    for (let i = 0; i < 'PAY 12.00'.length; i += 7) io.i2cWrite(0x27, text('PAY 12.00'.slice(i, i + 7)));
    await runFor(clock, 20);
    expect(lcd!.lcd.lines()).toEqual(['PAY 12.00       ', '                ']);
    expect(lcd!.lcd.violations).toEqual([]);
    // clear display (1.52 ms) immediately followed by data in the same I2C write
    io.i2cWrite(0x27, [0x08 | 0x04, 0x08, 0x18 | 0x04, 0x18, ...text('X')]);
    await runFor(clock, 20);
    expect(lcd!.lcd.violations.map((v) => v.kind)).toEqual(['busy']);
  });

  it('paces output at 57600 baud: the reply lands (request + reply bytes) x 173.6 us after the write', async () => {
    const { clock, transport, emulator } = await emulatedFirmataBoard({ profile: 'mega' });
    await runFor(clock, 10);
    const t0 = clock.now();
    let arrivedAt = 0;
    let received = 0;
    transport.on('data', (data: Buffer) => {
      received += data.length;
      arrivedAt = clock.now();
    });
    const before = emulator.wire.toHost.bytes;
    transport.write([0xf0, 0x6b, 0xf7]);
    await runUntil(clock, () => received > 0 && emulator.wire.toHost.bytes - before === received);
    const replyBytes = emulator.wire.toHost.bytes - before;
    expect(replyBytes).toBeGreaterThan(500);
    expect(arrivedAt - t0).toBeCloseTo(((3 + replyBytes) * 10) / 57.6, 3);
    expect(emulator.wire.toHost.busyUs).toBeCloseTo(emulator.wire.toHost.bytes * (1e7 / 57600), 6);
  });

  it('ignores malformed and unknown messages and keeps working', async () => {
    const { io, clock, transport, board, emulator } = await emulatedFirmataBoard({ profile: 'uno' });
    transport.write([0xf0, 0x42, 0x01, 0xf7]); // unknown sysex
    transport.write([0xf0, 0xf7]); // empty sysex
    transport.write([0xf0, 0x76, 0x50, 0xf7]); // I2C request with no mode byte
    transport.write([0x12, 0x34]); // stray data bytes
    transport.write([0xf4, 0x05]); // pin mode cut short by the next command
    await runFor(clock, 10);
    expect(emulator.counters.ignoredMessages).toBeGreaterThanOrEqual(4);
    io.pinMode(11, PinMode.OUTPUT);
    io.digitalWrite(11, 1);
    await runFor(clock, 10);
    expect(board.level(11)).toBe(1);
  });

  it('drops sysex data past the 64-byte parser buffer', async () => {
    const { clock, transport, emulator, board } = await emulatedFirmataBoard({ profile: 'uno' });
    const long = [0xf0, 0x71, ...new Array(100).fill(0x41), 0xf7];
    transport.write(long);
    transport.write([0xf4, 7, 1, 0x90, 0x80 & 0x7f, 0x01]);
    await runFor(clock, 50);
    expect(emulator.counters.droppedSysexBytes).toBe(101 - 64);
    expect(board.level(7)).toBe(1);
  });

  it('loses input past the 64-byte UART buffer while the firmware blocks on a slow serial port', async () => {
    const { io, clock, board, emulator, transport } = await emulatedFirmataBoard({ profile: 'mega' });
    const printed: number[] = [];
    board.serialLine(1)!.connect({ receive: (bytes) => printed.push(...bytes) }, 9600);
    io.serialConfig!({ portId: 1, baud: 9600 });
    await runFor(clock, 5);
    const chunk = new Array(29).fill(0x55);
    for (let i = 0; i < 10; i++) io.serialWrite!(1, chunk);
    await runFor(clock, 1000);
    expect(emulator.counters.droppedInputBytes).toBeGreaterThan(0);
    expect(printed.length).toBeLessThan(290);
    // the same bytes paced by the writer (one chunk per 31 ms at 9600 baud) all arrive, once an
    // END_SYSEX has closed whatever message the losses left open
    transport.write([0xf7]);
    await runFor(clock, 100);
    printed.length = 0;
    const dropped = emulator.counters.droppedInputBytes;
    for (let i = 0; i < 10; i++) {
      io.serialWrite!(1, chunk);
      await runFor(clock, 31);
    }
    await runFor(clock, 100);
    expect(printed.length).toBe(290);
    expect(emulator.counters.droppedInputBytes).toBe(dropped);
  });
});
