import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { createEmulatedBoard } from '../../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../../firmware/hal/virtual/virtual-io.js';
import { I2cEeprom } from '../../../firmware/drivers/flash/i2c-eeprom.js';
import type { IoPlugin } from '../../../firmware/hal/io-plugin.js';
import type { I2cEepromModel } from '../../../firmware/hal/virtual/i2c-eeprom-model.js';
import { runUntilSettled } from '../../hal/run-until-settled.js';
import { emulatedFirmataBoard, runUntil } from '../../firmata-emulator/emulator-harness.js';

const LCD = 0x27;
/** PCF8574 port byte with the backlight on and E low: the LCD ignores it, the wire still carries it. */
const LCD_IDLE = 0x08;

/**
 * The journal's EEPROM shares the 57600-baud Firmata wire with the LCD backpack. LCD writes queued
 * between the driver's page writes hold them back on the wire, so a write cycle timed from when a
 * write was queued ends before the write even reaches the chip: the next write lands inside the
 * cycle and is NACKed (the STORAGE ERROR seen on the rig). Both boards deliver every request when
 * it would have crossed the wire, to the emulator's EEPROM model: the paced VirtualIo, and
 * firmata-io talking to the Firmata emulator over its byte stream (the HIL path).
 */
type Transport = 'paced VirtualIo' | 'firmata-io + Firmata emulator';
interface Rig {
  clock: VirtualClock;
  io: IoPlugin;
  model: I2cEepromModel;
  /** Runs the board until `promise` settles. */
  run(promise: Promise<void>): Promise<void>;
  close(): void;
}

async function rig(transport: Transport, kind: 'eeprom' | 'fram'): Promise<Rig> {
  const peripherals = { eeprom: { kind, address: 0x50 }, lcd: { address: LCD, cols: 20, rows: 4 } };
  if (transport === 'paced VirtualIo') {
    const clock = new VirtualClock();
    const emulated = createEmulatedBoard({ profile: 'uno', clock, ...peripherals });
    const io = new VirtualIo({ board: emulated.board, paced: true });
    await new Promise<void>((resolve) => io.once('ready', resolve));
    return { clock, io, model: emulated.eeprom!, run: (promise) => runUntilSettled(clock, promise, 0.5), close: () => io.close() };
  }
  const board = await emulatedFirmataBoard({ profile: 'uno', ...peripherals });
  const run = async (promise: Promise<void>) => {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await runUntil(board.clock, () => settled);
    return promise;
  };
  return { clock: board.clock, io: board.io, model: board.eeprom!, run, close: () => undefined };
}

/** `phaseMs`: when the first LCD update comes; where the race bites depends on it. */
async function programWhileLcdBusy(transport: Transport, kind: 'eeprom' | 'fram', phaseMs: number) {
  const { clock, io, model, run, close } = await rig(transport, kind);
  const eeprom = new I2cEeprom({ io, clock, address: 0x50, part: kind === 'fram' ? 'FM24C256' : 'AT24C256' });
  // An LCD update every 8 ms, each an 8-byte burst (21 wire bytes, 3.6 ms): the wire is half busy.
  let lcdWrites = 0;
  const refresh = () => {
    io.i2cWrite(LCD, Array<number>(8).fill(LCD_IDLE));
    lcdWrites++;
    timer = clock.setTimer(8, refresh);
  };
  let timer = clock.setTimer(phaseMs, refresh);
  const data = Uint8Array.from({ length: 256 }, (_, i) => (i * 29 + 5) & 0xff);
  const outcome = await run(eeprom.program(512, data)).then(
    () => undefined,
    (error: Error) => error,
  );
  clock.clearTimer(timer);
  close();
  return { outcome, lcdWrites, model, data };
}

/** Every 0.5 ms of the LCD's 8 ms period, so some page write meets the LCD traffic in each way it can. */
const PHASES_MS = Array.from({ length: 16 }, (_, i) => 0.5 + i * 0.5);

describe('I2C EEPROM sharing the Firmata wire with a busy LCD', () => {
  for (const transport of ['paced VirtualIo', 'firmata-io + Firmata emulator'] as const) {
    it(`programs 256 bytes at every LCD phase with no write NACKed and the data on the chip (AT24C256, ${transport})`, async () => {
      const failures: string[] = [];
      let nacks = 0;
      for (const phaseMs of PHASES_MS) {
        const { outcome, lcdWrites, model, data } = await programWhileLcdBusy(transport, 'eeprom', phaseMs);
        expect(lcdWrites).toBeGreaterThan(20);
        nacks += model.nacks;
        if (outcome) failures.push(`phase ${phaseMs} ms: ${outcome.message}`);
        else expect(Array.from(model.memory.slice(512, 768))).toEqual(Array.from(data));
      }
      expect(failures).toEqual([]);
      expect(nacks).toBe(0);
    });
  }

  it('programs FRAM with no write-cycle wait while the LCD is busy (FM24C256, paced VirtualIo)', async () => {
    const { outcome, model, data } = await programWhileLcdBusy('paced VirtualIo', 'fram', 0.5);
    expect(outcome).toBeUndefined();
    expect(model.nacks).toBe(0);
    expect(Array.from(model.memory.slice(512, 768))).toEqual(Array.from(data));
  });
});
