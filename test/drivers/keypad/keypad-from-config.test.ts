import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { PinMode } from '../../../firmware/hal/io-plugin.js';
import { openKeypad } from '../../../firmware/drivers/keypad/keypad-from-config.js';
import { RecordingIo } from '../../hal/recording-io.js';

const keymap = [
  ['1', '2'],
  ['3', 'ENTER'],
] as const;

describe('keypad from a board config section', () => {
  it('starts a matrix keypad idle on the configured pins, names resolved by the board', () => {
    const io = Object.assign(new RecordingIo(), { normalize: (pin: number | string) => Number(String(pin).replace('GPIO', '')) });
    openKeypad(
      { kind: 'matrix', rows: ['GPIO5', 'GPIO6'], cols: [12, 16], keymap: keymap.map((r) => [...r]) },
      { io, clock: new VirtualClock(), onKey: () => undefined },
    );
    expect(io.modes.get(5)).toBe(PinMode.OUTPUT);
    expect(io.modes.get(6)).toBe(PinMode.OUTPUT);
    expect(io.modes.get(12)).toBe(PinMode.PULLUP);
    expect(io.modes.get(16)).toBe(PinMode.PULLUP);
  });

  it('names the field of a pin name the board cannot resolve', () => {
    expect(() =>
      openKeypad(
        { kind: 'matrix', rows: [2, 3], cols: [4, 'GPIO5'], keymap: keymap.map((r) => [...r]) },
        { io: new RecordingIo(), clock: new VirtualClock(), onKey: () => undefined },
      ),
    ).toThrow(/^keypad\.cols\[1\]: pin name "GPIO5" needs a board that knows pin names/);
  });

  it('refuses a johnny-five I2C keypad without a johnny-five board', () => {
    expect(() =>
      openKeypad(
        { kind: 'j5-i2c', controller: 'MPR121', keys: [['1', '2', '3']] },
        { io: new RecordingIo(), clock: new VirtualClock(), onKey: () => undefined },
      ),
    ).toThrow('keypad.kind "j5-i2c" needs a johnny-five board (board.kind "firmata")');
  });
});
