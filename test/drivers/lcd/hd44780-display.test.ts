import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { Hd44780Display } from '../../../firmware/drivers/lcd/hd44780-display.js';
import { ParallelLcdBus } from '../../../firmware/drivers/lcd/parallel-bus.js';
import { Pcf8574Bus } from '../../../firmware/drivers/lcd/pcf8574-bus.js';
import { rowStartAddresses } from '../../../firmware/drivers/lcd/hd44780-commands.js';
import { RecordingIo, type Transaction } from '../../hal/recording-io.js';
import { Hd44780Model } from './hd44780-model.js';

const ADDRESS = 0x27;

function backpack(cols: number, rows: number, extra: Partial<ConstructorParameters<typeof Hd44780Display>[0]> = {}) {
  const io = new RecordingIo();
  const clock = new VirtualClock();
  const bus = new Pcf8574Bus({ io, clock, address: ADDRESS, msPerWireByte: 0 });
  const display = new Hd44780Display({ cols, rows, clock, bus, ...extra });
  const model = new Hd44780Model();
  const pump = (): Transaction[] => {
    const log = io.take();
    for (const t of log) if (t.op === 'i2cWrite') model.feedExpander(t.bytes);
    return log;
  };
  const settle = (): Transaction[] => {
    const log: Transaction[] = [];
    for (let i = 0; i < 20; i++) {
      clock.advance(clock.nextDeadline() ?? 0);
      log.push(...pump());
    }
    return log;
  };
  return { io, clock, display, model, pump, settle, glass: () => model.glass(cols, rowStartAddresses(cols, rows)) };
}

const i2cWrites = (log: Transaction[]) => log.filter((t) => t.op === 'i2cWrite') as Extract<Transaction, { op: 'i2cWrite' }>[];

describe('HD44780 over a PCF8574 backpack', () => {
  it('wakes the controller per the datasheet: nothing before 40 ms, then 0x3 x3 with 4.1 ms and 100 us waits, then 0x2', () => {
    const { clock, pump, model } = backpack(16, 2);
    expect(i2cWrites(pump())).toHaveLength(0);
    clock.advance(49);
    expect(i2cWrites(pump())).toHaveLength(0);
    clock.advance(1);
    expect(i2cWrites(pump()).map((w) => w.bytes)).toEqual([[0x3c, 0x38]]);
    clock.advance(4);
    expect(i2cWrites(pump())).toHaveLength(0);
    clock.advance(0.1);
    expect(i2cWrites(pump()).map((w) => w.bytes)).toEqual([[0x3c, 0x38]]);
    clock.advance(0.1);
    const third = i2cWrites(pump()).flatMap((w) => w.bytes);
    expect(third.slice(0, 4)).toEqual([0x3c, 0x38, 0x2c, 0x28]);
    expect(model.fourBit).toBe(true);
    // function set, display off, clear - then a clear wait before entry mode and display on
    expect(model.instructions.slice(4)).toEqual([0x28, 0x08, 0x01]);
    clock.advance(1.5);
    expect(i2cWrites(pump())).toHaveLength(0);
    clock.advance(0.02);
    pump();
    expect(model.instructions.slice(7)).toEqual([0x06, 0x0c]);
    expect(model.displayOn).toBe(true);
  });

  it('draws a full 20x4 screen with no cursor command at all (rows 0, 2, 1, 3 follow in DDRAM)', async () => {
    const { display, settle, glass, model } = backpack(20, 4);
    settle();
    const before = model.instructions.length;
    const lines = ['SALE.RMB.12.34......', 'CARD.622202****1234.', 'ENTER.PIN:******....', '0123456789ABCDEFGHIJ'];
    display.show(lines);
    const log = settle();
    await display.flush();
    expect(glass()).toEqual(lines.map((l) => l.padEnd(20)));
    expect(model.instructions.slice(before).filter((i) => i & 0x80)).toEqual([]);
    for (const write of i2cWrites(log)) {
      expect(write.bytes.length).toBeLessThanOrEqual(28);
      expect(write.bytes.length % 4).toBe(0);
    }
  });

  it('moves the cursor over blank runs of two cells or more and rewrites a one-cell gap instead', () => {
    const { display, settle, glass, model } = backpack(16, 2);
    settle();
    const before = model.instructions.length;
    display.show(['AB CD  EF']);
    settle();
    expect(glass()[0]).toBe('AB CD  EF'.padEnd(16));
    expect(model.instructions.slice(before)).toEqual([0x80 | 7]);
  });

  it('sends one changed character as one I2C write: cursor command + character = 8 expander bytes', () => {
    const { display, settle, glass } = backpack(20, 4);
    settle();
    display.show(['AMOUNT', '12.34']);
    settle();
    display.show(['AMOUNT', '12.35']);
    const writes = i2cWrites(settle());
    expect(writes).toHaveLength(1);
    expect(writes[0]!.bytes).toHaveLength(8);
    expect(glass()[1]).toBe('12.35'.padEnd(20));
  });

  it('sends nothing when the screen did not change', () => {
    const { display, settle } = backpack(16, 2);
    settle();
    display.show(['HELLO']);
    settle();
    display.show(['HELLO', '']);
    expect(i2cWrites(settle())).toHaveLength(0);
  });

  it('holds screens shown during init and sends only the last one', () => {
    const { display, settle, glass, model } = backpack(16, 2);
    display.show(['FIRST SCREEN']);
    display.show(['SECOND']);
    settle();
    expect(glass()).toEqual(['SECOND'.padEnd(16), ''.padEnd(16)]);
    expect(model.instructions.filter((i) => i === 0x01)).toHaveLength(1);
  });

  it('flush resolves once init and the screen have gone out', async () => {
    const { display, settle } = backpack(16, 2);
    display.show(['X']);
    let done = false;
    const flushed = display.flush().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    settle();
    await flushed;
    expect(done).toBe(true);
  });

  it('shows non-ASCII as ?, the yuan sign as the ROM yen cell, and a defined glyph from CGRAM', () => {
    const arrow = { char: '→', rows: [0, 4, 2, 31, 2, 4, 0, 0] };
    const { display, settle, model } = backpack(16, 2, { glyphs: [arrow] });
    settle();
    expect(Array.from(model.cgram.slice(0, 8))).toEqual(arrow.rows);
    display.show(['请 ¥5→~']);
    settle();
    expect(Array.from(model.ddram.slice(0, 6))).toEqual([0x3f, 0x20, 0x5c, 0x35, 0x00, 0x3f]);
  });

  it('turns the backlight off and keeps it off in later writes', () => {
    const { display, settle, model } = backpack(16, 2);
    settle();
    display.backlight(false);
    settle();
    expect(model.backlight).toBe(false);
    display.show(['DARK']);
    settle();
    expect(model.backlight).toBe(false);
    display.backlight(true);
    settle();
    expect(model.backlight).toBe(true);
  });

  it('over Firmata starts every wait from the answer to a read queued behind the writes, however long other traffic holds them (issue 12: 2 of 6 cold boots were early)', async () => {
    const io = new RecordingIo();
    const clock = new VirtualClock();
    // The journal's EEPROM requests ahead on the wire hold every answer back 7 ms.
    io.deliverAnswer = (_length, deliver) => clock.setTimer(7, deliver);
    const writes: number[] = [];
    io.onI2cWrite = (address) => {
      if (address === ADDRESS) writes.push(clock.now());
    };
    const bus = new Pcf8574Bus({ io, clock, address: ADDRESS });
    new Hd44780Display({ cols: 16, rows: 2, clock, bus });
    for (let t = 0; t < 400; t++) {
      clock.advance(0.25);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    const reads = io.take().filter((t) => t.op === 'i2cReadOnce');
    expect(reads.length).toBeGreaterThanOrEqual(4);
    // wake-up 0x3, (>= 4.1 ms after it reached the chip) 0x3: the answer came 7 ms after the first was sent
    expect(writes[1]! - writes[0]!).toBeGreaterThanOrEqual(7 + 4.1 - 1e-9);
  });

  it('rejects geometries, addresses and glyphs it cannot drive', () => {
    const io = new RecordingIo();
    const clock = new VirtualClock();
    const bus = new Pcf8574Bus({ io, clock, address: ADDRESS });
    expect(() => new Hd44780Display({ cols: 17, rows: 3, clock, bus })).toThrow(/17x3 is not supported/);
    expect(() => new Pcf8574Bus({ io, clock, address: 0x80 })).toThrow(/not a 7-bit I2C address/);
    expect(() => new Hd44780Display({ cols: 16, rows: 2, clock, bus, glyphs: [{ char: 'x', rows: [1, 2, 3] }] })).toThrow(
      /8 rows of 5 bits/,
    );
    const nine = Array.from({ length: 9 }, (_, i) => ({ char: String(i), rows: [0, 0, 0, 0, 0, 0, 0, 0] }));
    expect(() => new Hd44780Display({ cols: 16, rows: 2, clock, bus, glyphs: nine })).toThrow(/8 CGRAM slots/);
  });
});

describe('HD44780 on 4-bit parallel pins', () => {
  it('latches the same bytes through RS/EN/D4-D7 and writes only pins that change', () => {
    const io = new RecordingIo();
    const clock = new VirtualClock();
    const pins = { rs: 7, en: 8, d4: 9, d5: 10, d6: 11, d7: 12 };
    const model = new Hd44780Model();
    let en = 0;
    io.onPinChange = () => {
      const level = io.outputs.get(pins.en) ?? 0;
      const port =
        (io.outputs.get(pins.rs) ? 0x01 : 0) |
        (level ? 0x04 : 0) |
        [pins.d4, pins.d5, pins.d6, pins.d7].reduce((acc, pin, bit) => acc | ((io.outputs.get(pin) ?? 0) << (4 + bit)), 0);
      if (level !== en || level === 1) model.feedExpander([port]);
      en = level;
    };
    const display = new Hd44780Display({ cols: 16, rows: 2, clock, bus: new ParallelLcdBus({ io, clock, pins, msPerWireByte: 0 }) });
    for (let i = 0; i < 10; i++) clock.advance(clock.nextDeadline() ?? 0);
    display.show(['PARALLEL', 'OK']);
    expect(model.glass(16, [0, 0x40])).toEqual(['PARALLEL'.padEnd(16), 'OK'.padEnd(16)]);
    io.take();
    display.show(['PARALLEL', 'OK']);
    expect(io.take()).toEqual([]);
    expect(() => new ParallelLcdBus({ io, clock, pins: { ...pins, d7: 7 } })).toThrow(/must be distinct/);
  });
});
