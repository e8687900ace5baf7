import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { createEmulatedBoard } from '../../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../../firmware/hal/virtual/virtual-io.js';
import { I2cEeprom } from '../../../firmware/drivers/flash/i2c-eeprom.js';
import { runUntilSettled } from '../../hal/run-until-settled.js';

const LCD = 0x27;
/** PCF8574 port byte with the backlight on and E low: the LCD ignores it, the wire still carries it. */
const LCD_IDLE = 0x08;

/**
 * The journal's EEPROM shares the 57600-baud Firmata wire with the LCD backpack. LCD writes queued
 * between the driver's page writes hold them back on the wire, so a write cycle timed from when a
 * write was queued ends before the write even reaches the chip: the next write lands inside the
 * cycle and is NACKed (the STORAGE ERROR seen on the rig). The paced VirtualIo delivers every
 * request when it would have crossed the wire, to the emulator's EEPROM model.
 */
async function programWhileLcdBusy(kind: 'eeprom' | 'fram') {
  const clock = new VirtualClock();
  const emulated = createEmulatedBoard({ profile: 'uno', clock, eeprom: { kind, address: 0x50 }, lcd: { address: LCD, cols: 20, rows: 4 } });
  const io = new VirtualIo({ board: emulated.board, paced: true });
  await new Promise<void>((resolve) => io.once('ready', resolve));
  const eeprom = new I2cEeprom({ io, clock, address: 0x50, part: kind === 'fram' ? 'FM24C256' : 'AT24C256' });
  // An LCD update every 8 ms, each an 8-byte burst (21 wire bytes, 3.6 ms): the wire is half busy.
  let lcdWrites = 0;
  const refresh = () => {
    io.i2cWrite(LCD, Array<number>(8).fill(LCD_IDLE));
    lcdWrites++;
    timer = clock.setTimer(8, refresh);
  };
  let timer = clock.setTimer(0.5, refresh);
  const data = Uint8Array.from({ length: 256 }, (_, i) => (i * 29 + 5) & 0xff);
  const started = clock.now();
  const programmed = eeprom.program(512, data);
  let outcome: Error | undefined;
  await runUntilSettled(clock, programmed, 0.5).catch((error: Error) => (outcome = error));
  const elapsedMs = clock.now() - started;
  clock.clearTimer(timer);
  io.close();
  console.log(JSON.stringify({ kind, error: outcome?.message, elapsedMs, lcdWrites, nacks: emulated.eeprom!.nacks, writes: emulated.eeprom!.writes }));
  return { outcome, elapsedMs, lcdWrites, model: emulated.eeprom!, data };
}

describe('I2C EEPROM sharing the Firmata wire with a busy LCD', () => {
  it('programs 256 bytes with no write NACKed while LCD writes keep the wire full (AT24C256)', async () => {
    const { outcome, lcdWrites, model, data } = await programWhileLcdBusy('eeprom');
    expect(lcdWrites).toBeGreaterThan(20);
    expect(outcome).toBeUndefined();
    expect(model.nacks).toBe(0);
    expect(Array.from(model.memory.slice(512, 768))).toEqual(Array.from(data));
  });

  it('programs FRAM with no write-cycle wait while the LCD is busy (FM24C256)', async () => {
    const { outcome, model, data } = await programWhileLcdBusy('fram');
    expect(outcome).toBeUndefined();
    expect(model.nacks).toBe(0);
    expect(Array.from(model.memory.slice(512, 768))).toEqual(Array.from(data));
  });
});
