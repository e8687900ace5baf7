import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { PinMode, type IoPlugin } from '../../firmware/hal/io-plugin.js';
import { createEmulatedBoard } from '../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../firmware/hal/virtual/virtual-io.js';
import { emulatedFirmataBoard, runFor } from './emulator-harness.js';

/** The same driver-like session, run on any IO plugin. */
async function session(io: IoPlugin, wait: () => Promise<void>): Promise<number[]> {
  const got: number[] = [];
  io.pinMode(2, PinMode.OUTPUT);
  io.digitalWrite(2, 0);
  io.pinMode(6, PinMode.PULLUP);
  io.digitalRead(6, (v) => got.push(v));
  io.i2cConfig({ delay: 0 });
  io.i2cWrite(0x50, [0x00, 0x20, 1, 2, 3, 4, 5]);
  await wait();
  io.i2cWrite(0x50, [0x00, 0x20]);
  io.i2cReadOnce(0x50, 5, (bytes) => got.push(...bytes));
  io.serialConfig!({ portId: 1, baud: 9600 });
  io.serialWrite!(1, [0x1b, 0x40, 0x41, 0x0a]);
  io.serialRead!(1, () => undefined);
  await wait();
  return got;
}

describe('VirtualIo and the Firmata emulator agree on the wire', () => {
  it('count the same bytes both ways for the same session', async () => {
    const clock = new VirtualClock();
    const emulated = createEmulatedBoard({ profile: 'mega', clock, eeprom: {} });
    const virtualIo = new VirtualIo({ board: emulated.board, paced: true });
    await new Promise<void>((resolve) => virtualIo.once('ready', resolve));
    const virtualWait = async () => {
      for (let i = 0; i < 40; i++) {
        clock.advance(0.5);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const fromVirtual = await session(virtualIo, virtualWait);

    const firmata = await emulatedFirmataBoard({ profile: 'mega', eeprom: {} });
    const toBoard0 = firmata.emulator.wire.toBoard.bytes;
    const toHost0 = firmata.emulator.wire.toHost.bytes;
    const fromFirmata = await session(firmata.io, () => runFor(firmata.clock, 20));

    expect(fromVirtual).toEqual([1, 1, 2, 3, 4, 5]);
    expect(fromFirmata).toEqual(fromVirtual);
    expect(firmata.emulator.wire.toBoard.bytes - toBoard0).toBe(virtualIo.wire.toBoard.bytes);
    expect(firmata.emulator.wire.toHost.bytes - toHost0).toBe(virtualIo.wire.toHost.bytes);
  });
});
