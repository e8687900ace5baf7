import five from 'johnny-five';
import { describe, expect, it } from 'vitest';
import { PinMode } from '../../firmware/hal/io-plugin.js';
import { MEGA, UNO, pinCapabilities } from '../../firmware/hal/virtual/board-profiles.js';
import { emulatedFirmataBoard, runUntil } from './emulator-harness.js';

describe('Firmata emulator handshake', () => {
  it('firmata-io reaches ready on an Uno and reads its capabilities and analog mapping', async () => {
    const { io, emulator } = await emulatedFirmataBoard({ profile: 'uno' });
    expect(io.firmware.name).toBe('StandardFirmataPlus.ino');
    expect(io.version).toEqual({ major: 2, minor: 6 });
    expect(io.pins).toHaveLength(UNO.totalPins);
    for (let pin = 0; pin < UNO.totalPins; pin++) {
      const expected = pinCapabilities(UNO, pin).map(([mode]) => mode).sort((a, b) => a - b);
      expect([...io.pins[pin]!.supportedModes].sort((a, b) => a - b)).toEqual(expected);
    }
    expect(io.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    expect(emulator.counters.ignoredMessages).toBe(0);
  });

  it('firmata-io reads the Mega profile (70 pins, serial pins, I2C on 20/21)', async () => {
    const { io } = await emulatedFirmataBoard({ profile: 'mega' });
    expect(io.pins).toHaveLength(MEGA.totalPins);
    expect(io.pins[19]!.supportedModes).toContain(PinMode.SERIAL);
    expect(io.pins[20]!.supportedModes).toContain(PinMode.I2C);
    expect(io.analogPins).toHaveLength(16);
  });

  it('answers a pin state query with mode and state', async () => {
    const { io, clock } = await emulatedFirmataBoard({ profile: 'uno' });
    io.pinMode(9, PinMode.PULLUP);
    let answered = false;
    io.queryPinState(9, () => (answered = true));
    await runUntil(clock, () => answered);
    expect(io.pins[9]!.mode).toBe(PinMode.PULLUP);
    expect((io.pins[9] as { state?: number }).state).toBe(1);
  });

  it('johnny-five Board on the firmata-io board reaches ready', async () => {
    const { io, clock } = await emulatedFirmataBoard({ profile: 'uno' });
    const board = new five.Board({ io, repl: false, debug: false });
    let ready = false;
    board.on('ready', () => (ready = true));
    await runUntil(clock, () => ready);
    expect(ready).toBe(true);
  });
});
