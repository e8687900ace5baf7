import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { createEmulatedBoard } from '../../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../../firmware/hal/virtual/virtual-io.js';
import { I2cEeprom } from '../../../firmware/drivers/flash/i2c-eeprom.js';
import { runUntilSettled } from '../../hal/run-until-settled.js';

/**
 * The same driver against the Firmata emulator's EEPROM model on a paced VirtualIo: every request
 * reaches the chip when it would have crossed a 57600-baud wire, so a write cycle that is not waited
 * out (including the wire time) shows up as a NACK in the model.
 */
describe('I2C EEPROM on the virtual board', () => {
  for (const kind of ['eeprom', 'fram'] as const) {
    it(`writes and reads back 300 bytes across pages with no NACK (${kind})`, async () => {
      const clock = new VirtualClock();
      const emulated = createEmulatedBoard({ profile: 'uno', clock, eeprom: { kind, address: 0x50 } });
      const io = new VirtualIo({ board: emulated.board, paced: true });
      await new Promise<void>((resolve) => io.once('ready', resolve));
      const eeprom = new I2cEeprom({ io, clock, address: 0x50, part: kind === 'fram' ? 'FM24C256' : 'AT24C256' });
      const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 13 + 1) & 0xff);
      await runUntilSettled(clock, eeprom.program(100, data), 0.5);
      const stored = Array.from(emulated.eeprom!.memory.slice(100, 400));
      expect(stored).toEqual(Array.from(data));
      expect(Array.from(await runUntilSettled(clock, eeprom.read(100, 300), 0.5))).toEqual(Array.from(data));
      expect(emulated.eeprom!.nacks).toBe(0);
      io.close();
    });
  }
});
