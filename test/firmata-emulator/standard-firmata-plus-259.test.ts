import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { createEmulatedBoard } from '../../firmware/hal/virtual/emulated-board.js';
import { encodeReply } from '../../firmware/hal/virtual/firmata-messages.js';
import { VirtualIo } from '../../firmware/hal/virtual/virtual-io.js';
import { runUntilSettled } from '../hal/run-until-settled.js';

/**
 * StandardFirmataPlus 2.5.9, readAndReportData() (firmata/arduino, examples/StandardFirmataPlus):
 * when Wire returns fewer bytes than asked it sends the string "I2C: Too few bytes received" and
 * then a reply of only the bytes received (numBytes = Wire.available()); older versions sent the
 * asked length padded with whatever i2cRxData held.
 */
describe('emulator true to StandardFirmataPlus 2.5.9', () => {
  it('a NACKed I2C read: the string message first, then a reply with no data bytes', async () => {
    const clock = new VirtualClock();
    const emulated = createEmulatedBoard({ profile: 'uno', clock, eeprom: { kind: 'eeprom', address: 0x50 } });
    const io = new VirtualIo({ board: emulated.board, paced: true });
    await new Promise<void>((resolve) => io.once('ready', resolve));
    const seen: string[] = [];
    io.on('string', (text: string) => seen.push(`string ${text}`));
    io.i2cConfig({ delay: 0 });
    // A good read first fills the firmware's reply buffer; the NACKed one must not repeat it.
    const good = new Promise<number[]>((resolve) => io.i2cReadOnce(0x50, 4, resolve));
    expect((await runUntilSettled(clock, good, 0.5)).length).toBe(4);
    const nacked = new Promise<number[]>((resolve) => io.i2cReadOnce(0x33, 4, (bytes) => resolve((seen.push(`reply ${bytes.length}`), bytes))));
    expect(await runUntilSettled(clock, nacked, 0.5)).toEqual([]);
    expect(seen).toEqual(['string I2C: Too few bytes received', 'reply 0']);
    // On the wire: F0 77 address(2) register(2) F7 - seven bytes, no data.
    expect(encodeReply({ kind: 'i2c-reply', address: 0x33, register: 0, bytes: [] })).toEqual([0xf0, 0x77, 0x33, 0x00, 0x00, 0x00, 0xf7]);
    io.close();
  });

  it('answers PIN_STATE_QUERY in order with the digital reports (the keypad ties reports to rows by it)', async () => {
    const clock = new VirtualClock();
    const emulated = createEmulatedBoard({ profile: 'uno', clock });
    const io = new VirtualIo({ board: emulated.board, paced: true });
    await new Promise<void>((resolve) => io.once('ready', resolve));
    const order: string[] = [];
    io.pinMode(6, 11);
    io.digitalRead(6, () => order.push('report'));
    const done = new Promise<void>((resolve) => io.queryPinState(6, () => (order.push('pin-state'), resolve())));
    await runUntilSettled(clock, done, 0.5);
    expect(order).toEqual(['report', 'pin-state']);
    io.close();
  });
});
