import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { PinMode } from '../../firmware/hal/io-plugin.js';
import { createEmulatedBoard } from '../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../firmware/hal/virtual/virtual-io.js';

const PINS = { rs: 8, en: 9, d4: 10, d5: 11, d6: 12, d7: 13 };

describe('HD44780 wired to pins', () => {
  it('latches nibbles on EN falling edges driven through VirtualIo digital writes', async () => {
    const clock = new VirtualClock();
    const emulated = createEmulatedBoard({ profile: 'uno', clock, parallelLcd: { pins: PINS, cols: 16, rows: 2 } });
    const io = new VirtualIo({ board: emulated.board });
    await new Promise<void>((resolve) => io.once('ready', resolve));
    for (const pin of Object.values(PINS)) io.pinMode(pin, PinMode.OUTPUT);
    clock.advance(50);
    const nibble = (value: number, rs: number) => {
      io.digitalWrite(PINS.rs, rs);
      [PINS.d4, PINS.d5, PINS.d6, PINS.d7].forEach((pin, bit) => io.digitalWrite(pin, (value >> bit) & 1));
      io.digitalWrite(PINS.en, 1);
      io.digitalWrite(PINS.en, 0);
      clock.advance(5);
    };
    const byte = (value: number, rs: number) => {
      nibble(value >> 4, rs);
      nibble(value & 0x0f, rs);
    };
    [3, 3, 3, 2].forEach((n) => nibble(n, 0));
    [0x28, 0x0c, 0x06].forEach((b) => byte(b, 0));
    for (const c of 'PIN OK') byte(c.charCodeAt(0), 1);
    expect(emulated.screen!.lines()).toEqual(['PIN OK          ', '                ']);
    expect(emulated.screen!.violations).toEqual([]);
    expect(() => createEmulatedBoard({ profile: 'uno', clock, parallelLcd: { pins: { ...PINS, en: 8 }, cols: 16, rows: 2 } })).toThrow(/six different pins/);
  });
});
