import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { BoardModel } from '../../firmware/hal/virtual/board-model.js';
import { MEGA, UNO, boardProfile, pinCapabilities } from '../../firmware/hal/virtual/board-profiles.js';
import { Hd44780Model } from '../../firmware/hal/virtual/hd44780-model.js';
import { I2cEepromModel } from '../../firmware/hal/virtual/i2c-eeprom-model.js';
import { KeypadMatrixModel } from '../../firmware/hal/virtual/keypad-matrix-model.js';
import { Pcf8574LcdBackpackModel } from '../../firmware/hal/virtual/pcf8574-lcd-backpack-model.js';
import { SerialMagstripeReaderModel } from '../../firmware/hal/virtual/serial-magstripe-reader-model.js';
import { INIT_STEPS, byteAsNibbles, text } from './lcd-sequences.js';

describe('board profiles', () => {
  it('describe Uno and Mega as StandardFirmataPlus reports them', () => {
    expect(UNO.totalPins).toBe(20);
    expect(MEGA.totalPins).toBe(70);
    expect(pinCapabilities(UNO, 18)).toEqual([[0, 1], [11, 1], [1, 1], [2, 10], [4, 14], [6, 1]]);
    expect(pinCapabilities(UNO, 0)).toEqual([[10, 0]]);
    expect(pinCapabilities(MEGA, 19)).toContainEqual([10, 2]);
    expect(pinCapabilities(MEGA, 18)).toContainEqual([10, 3]);
    expect(() => boardProfile('nano-every')).toThrow(/unknown board profile/);
  });
});

describe('board model electrical resolution', () => {
  it('pull-up reads high, a closed contact to a driven-low pin reads low, a fight reads low and counts', () => {
    const board = new BoardModel(UNO, new VirtualClock());
    board.setInput(5, true);
    expect(board.level(5)).toBe(1);
    board.writePortBit(6, 0);
    board.setOutput(6);
    board.setContact(5, 6, true);
    expect(board.level(5)).toBe(0);
    board.setContact(5, 6, false);
    expect(board.level(5)).toBe(1);
    board.writePortBit(7, 1);
    board.setOutput(7);
    board.setContact(6, 7, true);
    expect(board.level(7)).toBe(0);
    board.setInput(5, true);
    expect(board.contentions).toBe(1);
    expect(() => board.level(20)).toThrow(/pin 20 does not exist on uno/);
  });

  it('keeps the PORT bit across pinMode like an AVR: PULLUP then OUTPUT drives high', () => {
    const board = new BoardModel(UNO, new VirtualClock());
    board.setInput(4, true);
    expect(board.isOutput(4)).toBe(false);
    board.setOutput(4);
    expect(board.isOutput(4)).toBe(true);
    expect(board.level(4)).toBe(1);
  });

  it('keypad press connects the row to the column', () => {
    const board = new BoardModel(UNO, new VirtualClock());
    const keypad = new KeypadMatrixModel(board, { rowPins: [2, 3], colPins: [4, 5], layout: [['1', '2'], ['3', '4']] });
    for (const row of [2, 3]) {
      board.writePortBit(row, 0);
      board.setOutput(row);
    }
    for (const col of [4, 5]) board.setInput(col, true);
    const changes: [number, number][] = [];
    board.onPinChange((pin, level) => changes.push([pin, level]));
    keypad.press('4');
    expect(board.level(5)).toBe(0);
    expect(board.level(4)).toBe(1);
    keypad.release('4');
    expect(changes).toEqual([[5, 0], [5, 1]]);
    expect(() => keypad.press('9')).toThrow(/no key "9"/);
    expect(() => new KeypadMatrixModel(board, { rowPins: [2], colPins: [4, 5], layout: [['1']] })).toThrow(/row 0 has 1 keys but there are 2 column pins/);
  });
});

function lcdWith(cols: number, rows: number) {
  const backpack = new Pcf8574LcdBackpackModel({ cols, rows });
  let t = 20_000;
  const write = (bytes: number[], gapUs = 5000) => {
    backpack.write(bytes, t, 90);
    t += (bytes.length + 1) * 90 + gapUs;
  };
  return { backpack, lcd: backpack.lcd, write };
}

describe('PCF8574 + HD44780', () => {
  it('shows text written through the 4-bit sequence on a 20x4, rows at 0x00/0x40/0x14/0x54', () => {
    const { lcd, write } = lcdWith(20, 4);
    for (const step of INIT_STEPS) write(step);
    write(text('SALE'));
    write(byteAsNibbles(0x80 | 0x54, 0));
    write(text('OK'));
    expect(lcd.initialized).toBe(true);
    expect(lcd.lines()).toEqual(['SALE'.padEnd(20), ' '.repeat(20), ' '.repeat(20), 'OK'.padEnd(20)]);
    expect(lcd.violations).toEqual([]);
  });

  it('writes CGRAM glyphs and shows them as codes 0-7', () => {
    const { lcd, write } = lcdWith(16, 2);
    for (const step of INIT_STEPS) write(step);
    write(byteAsNibbles(0x40 | 8, 0));
    write([0x1f, 0, 0x1f, 0, 0x1f, 0, 0x1f, 0].flatMap((b) => byteAsNibbles(b, 1)));
    write(byteAsNibbles(0x80, 0));
    write(byteAsNibbles(1, 1));
    expect(lcd.glyph(1)).toEqual([0x1f, 0, 0x1f, 0, 0x1f, 0, 0x1f, 0]);
    expect(lcd.lines()[0]!.charCodeAt(0)).toBe(1);
  });

  it('flags data before init', () => {
    const { lcd, write } = lcdWith(16, 2);
    write(text('X'));
    expect(lcd.violations.map((v) => v.kind)).toContain('data-before-init');
  });

  it('flags a write sent while clear display (1.52 ms) is still running', () => {
    const { lcd, write } = lcdWith(16, 2);
    for (const step of INIT_STEPS) write(step);
    write([...byteAsNibbles(0x01, 0), ...text('A')], 0);
    expect(lcd.violations.map((v) => v.kind)).toEqual(['busy']);
  });

  it('flags a first command sooner than 15 ms after power-on', () => {
    const lcd = new Hd44780Model(16, 2, 0);
    lcd.setPins({ rs: 0, rw: 0, en: 1, data: 3 }, 1000);
    lcd.setPins({ rs: 0, rw: 0, en: 0, data: 3 }, 1090);
    expect(lcd.violations[0]!.kind).toBe('too-soon-after-power-on');
    expect(() => new Hd44780Model(40, 1)).toThrow(/unsupported LCD geometry 40x1/);
  });
});

describe('I2C EEPROM model', () => {
  it('wraps a page write inside its 64-byte page and NACKs during the 5 ms write cycle', () => {
    const eeprom = new I2cEepromModel();
    expect(eeprom.write([0x00, 62, 1, 2, 3, 4], 0, 90)).toBe(true);
    expect(eeprom.write([0x00, 0x00], 100, 90)).toBe(false);
    expect(eeprom.read(1, 200)).toBeUndefined();
    expect(eeprom.nacks).toBe(2);
    expect(eeprom.write([0x00, 62], 10_000, 90)).toBe(true);
    expect(eeprom.read(2, 10_500)).toEqual([1, 2]);
    expect([...eeprom.memory.subarray(0, 2)]).toEqual([3, 4]);
    expect(eeprom.memory[64]).toBe(0xff);
  });

  it('FRAM has no write cycle and runs on across pages', () => {
    const fram = new I2cEepromModel({ kind: 'fram' });
    fram.write([0x00, 63, 9, 8], 0, 90);
    expect(fram.write([0x00, 63], 1, 90)).toBe(true);
    expect(fram.read(2, 2)).toEqual([9, 8]);
  });

  it('a power cut in the write cycle tears the page write', () => {
    const eeprom = new I2cEepromModel();
    eeprom.write([0x01, 0x00, ...new Array(10).fill(0x11)], 0, 90);
    const stopUs = 13 * 90;
    eeprom.powerCut(stopUs + 2500);
    expect([...eeprom.memory.subarray(0x100, 0x10a)]).toEqual([0x11, 0x11, 0x11, 0x11, 0x11, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(() => new I2cEepromModel({ sizeBytes: 1000 })).toThrow(/power of two/);
  });
});

describe('HD44780 reads through the PCF8574', () => {
  it('returns the busy flag and address counter while RW and EN are high', () => {
    const backpack = new Pcf8574LcdBackpackModel({ cols: 16, rows: 2 });
    let t = 20_000;
    const write = (bytes: number[], gapUs = 5000) => {
      backpack.write(bytes, t, 90);
      t += (bytes.length + 1) * 90 + gapUs;
    };
    for (const step of INIT_STEPS) write(step);
    write(text('AB'));
    // RW=1 (bit 1), D7-D4 released high, EN high: first pulse = busy flag + AC high nibble
    const READ = 0xf0 | 0x08 | 0x02;
    write([READ | 0x04], 0);
    const [high] = backpack.read(1, t, 90);
    write([READ, READ | 0x04], 0);
    const [low] = backpack.read(1, t, 90);
    write([READ], 0);
    expect(((high! & 0xf0) | (low! >> 4)) & 0x7f).toBe(2);
    write(byteAsNibbles(0x01, 0), 0);
    write([READ | 0x04], 0);
    expect(backpack.read(1, t, 90)[0]! & 0x80).toBe(0x80);
    expect(backpack.lcd.violations).toEqual([]);
  });
});

describe('serial magstripe reader model', () => {
  it('sends raw line noise as given, then a swipe', () => {
    const reader = new SerialMagstripeReaderModel({ stx: false });
    const sent: number[][] = [];
    expect(() => reader.swipe({ track2: '1=2' })).toThrow(/not connected/);
    reader.attach({ send: (bytes) => sent.push([...bytes]) });
    reader.sendRaw([0xff, 0x00]);
    reader.swipe({ track2: '1=2' });
    expect(sent).toEqual([[0xff, 0x00], [...Buffer.from(';1=2?\r', 'latin1')]]);
    expect(reader.swipes).toBe(1);
  });
});
