import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { layoutSt7920Line, St7920Display } from '../../../firmware/drivers/lcd/st7920-display.js';
import { St7920SerialBus } from '../../../firmware/drivers/lcd/st7920-serial-bus.js';
import { Pcf8574Bus } from '../../../firmware/drivers/lcd/pcf8574-bus.js';
import { RecordingIo } from '../../hal/recording-io.js';
import { Hd44780Model } from './hd44780-model.js';

const PINS = { cs: 10, sid: 11, sclk: 12 };
const gb = (text: string) => Array.from(iconv.encode(text, 'gb2312'));

/** Decodes the serial waveform (SID sampled on SCLK rising edges while CS is high) into ST7920 writes. */
function rig() {
  const io = new RecordingIo();
  const clock = new VirtualClock();
  const writes: { rs: 0 | 1; byte: number }[] = [];
  let bits: number[] = [];
  let sclk = 0;
  io.onPinChange = () => {
    const level = io.outputs.get(PINS.sclk) ?? 0;
    if (io.outputs.get(PINS.cs) !== 1) bits = [];
    else if (level === 1 && sclk === 0) bits.push(io.outputs.get(PINS.sid) ?? 0);
    sclk = level;
    if (bits.length === 24) {
      const byteAt = (i: number) => bits.slice(i, i + 8).reduce((acc, b) => (acc << 1) | b, 0);
      const sync = byteAt(0);
      expect(sync & 0xf9).toBe(0xf8);
      writes.push({ rs: ((sync >> 1) & 1) as 0 | 1, byte: (byteAt(8) & 0xf0) | (byteAt(16) >> 4) });
      bits = [];
    }
  };
  const display = new St7920Display({ bus: new St7920SerialBus({ io, clock, pins: PINS, msPerWireByte: 0 }), clock, interface: 'serial' });
  const ddram = new Uint8Array(64).fill(0x20);
  let address = 0;
  const applied = () => {
    for (const w of writes.splice(0)) {
      if (w.rs === 0 && w.byte & 0x80) address = (w.byte & 0x1f) * 2;
      else if (w.rs === 1) ddram[address++ % 64] = w.byte;
    }
  };
  const settle = () => {
    for (let i = 0; i < 20; i++) clock.advance(clock.nextDeadline() ?? 0);
  };
  /** Row r's 16 bytes, from word addresses 0x00 / 0x10 / 0x08 / 0x18. */
  const row = (r: number) => Array.from(ddram.slice([0, 0x20, 0x10, 0x30][r]!, [0, 0x20, 0x10, 0x30][r]! + 16));
  return { io, clock, display, writes, applied, settle, row };
}

describe('ST7920 layout', () => {
  it('puts ASCII in single cells and a Hanzi in a whole word, padding an odd start', () => {
    expect(layoutSt7920Line('AB消费')).toEqual([0x41, 0x42, ...gb('消费'), ...Array(10).fill(0x20)]);
    expect(layoutSt7920Line('A请')).toEqual([0x41, 0x20, ...gb('请'), ...Array(12).fill(0x20)]);
  });
  it('cuts at 16 bytes without splitting a Hanzi, and shows what GB2312 lacks as ?', () => {
    expect(layoutSt7920Line('请重刷请重刷请重刷')).toEqual(gb('请重刷请重刷请重'));
    expect(layoutSt7920Line('0123456789ABCDE请')).toEqual([...Buffer.from('0123456789ABCDE'), 0x20]);
    expect(layoutSt7920Line('€1')).toEqual([0x3f, 0x31, ...Array(14).fill(0x20)]);
  });
});

describe('ST7920 over its serial interface', () => {
  it('is a Chinese-capable 16x4 TextDisplay', () => {
    const { display } = rig();
    expect([display.cols, display.rows, display.chinese]).toEqual([16, 4, true]);
  });

  it('initialises with function set twice, display on, clear with its wait, entry mode', () => {
    const { clock, writes } = rig();
    clock.advance(49);
    expect(writes).toEqual([]);
    for (let i = 0; i < 20; i++) clock.advance(clock.nextDeadline() ?? 0);
    expect(writes.map((w) => w.byte)).toEqual([0x30, 0x30, 0x0c, 0x01, 0x06]);
  });

  it('draws a full Chinese screen with no cursor command (rows 0, 2, 1, 3 follow in DDRAM)', () => {
    const { display, settle, applied, row, writes } = rig();
    settle();
    applied();
    const screen = ['请刷卡或插卡谢谢', '金额人民币一二三', '确认取消清除功能', '签购单打印中稍候'];
    display.show(screen);
    settle();
    expect(writes.filter((w) => w.rs === 0)).toEqual([]);
    applied();
    screen.forEach((line, r) => expect(row(r)).toEqual(gb(line)));
  });

  it('draws mixed screens, and then sends only the changed word', () => {
    const { display, settle, applied, row, writes } = rig();
    settle();
    applied();
    const screen = ['消费 SALE', '金额: 12.34', '请刷卡', '确认 OK'];
    display.show(screen);
    settle();
    applied();
    screen.forEach((line, r) => expect(row(r)).toEqual(layoutSt7920Line(line)));
    display.show(['消费 SALE', '金额: 12.35', '请刷卡', '确认 OK']);
    settle();
    expect(writes.map((w) => w.byte)).toEqual([0x80 | 0x15, 0x35, 0x20]);
    applied();
    expect(row(1)).toEqual(layoutSt7920Line('金额: 12.35'));
  });

  it('rejects pins used twice', () => {
    expect(() => new St7920SerialBus({ io: new RecordingIo(), clock: new VirtualClock(), pins: { cs: 1, sid: 1, sclk: 2 } })).toThrow(/must be distinct/);
  });
});

describe('ST7920 over a 4-bit parallel-style bus', () => {
  it('wakes up like an HD44780 (0x3 x3, 0x2), sets 4-bit basic instructions twice, then draws GB2312 bytes', () => {
    const io = new RecordingIo();
    const clock = new VirtualClock();
    const model = new Hd44780Model();
    io.onI2cWrite = (_address, bytes) => model.feedExpander(bytes);
    const display = new St7920Display({ bus: new Pcf8574Bus({ io, clock, address: 0x27, msPerWireByte: 0 }), clock, interface: 'parallel-4bit' });
    for (let i = 0; i < 20; i++) clock.advance(clock.nextDeadline() ?? 0);
    expect(model.instructions).toEqual([0x30, 0x30, 0x30, 0x20, 0x20, 0x20, 0x0c, 0x01, 0x06]);
    display.show(['确认']);
    expect(Array.from(model.ddram.slice(0, 4))).toEqual(gb('确认'));
  });
});
