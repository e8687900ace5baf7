import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { openFirmataBoard } from '../../firmware/hal/firmata-board.js';
import { emulatedBoardFromConfig } from '../../firmware/hal/virtual/emulated-board.js';
import { openDisplay } from '../../firmware/drivers/lcd/display-from-config.js';
import { openKeypad } from '../../firmware/drivers/keypad/keypad-from-config.js';
import { I2cEeprom } from '../../firmware/drivers/flash/i2c-eeprom.js';
import type { KeyEvent } from '../../firmware/hal/pos-keys.js';
import { FirmataEmulator } from '../../tools/firmata-emulator/firmata-emulator.js';
import { InProcessFirmataTransport } from '../../tools/firmata-emulator/in-process-transport.js';
import { runUntilSettled } from './run-until-settled.js';

const run = (clock: VirtualClock, ms: number) =>
  runUntilSettled(clock, new Promise<void>((resolve) => clock.setTimer(ms, resolve)), 0.5);

/** firmata-io's Board, ready, on the emulator wired per uno-firmata.json. */
async function firmataUno() {
  const clock = new VirtualClock();
  const config = readBoardConfig(join(import.meta.dirname, '../../board-configs/uno-firmata.json'));
  const emulated = emulatedBoardFromConfig(config, clock);
  const transport = new InProcessFirmataTransport(new FirmataEmulator({ board: emulated.board }));
  const io = await runUntilSettled(clock, openFirmataBoard(transport, { reportVersionTimeoutMs: 60_000 }), 0.5);
  return { clock, config, emulated, transport, io };
}

/**
 * The drivers over real Firmata bytes: firmata-io's Board on the emulator's in-process transport,
 * wired as uno-firmata.json says. What a host computer does with a Uno, minus the USB cable.
 */
describe('drivers on firmata-io over the Firmata emulator', () => {
  it('becomes ready, draws the LCD and reads the keypad', async () => {
    const { clock, config, emulated, transport, io } = await firmataUno();
    expect(io.isReady).toBe(true);

    const display = openDisplay(config.lcd, config.board.kind, io, clock);
    const events: KeyEvent[] = [];
    openKeypad(config.keypad, { io, clock, onKey: (e) => events.push(e) });
    display.show(['FIRMATA OK', '', '', 'PRESS ENTER']);
    await run(clock, 300);
    expect(emulated.screen!.lines()[0]).toBe('FIRMATA OK'.padEnd(20));
    expect(emulated.screen!.lines()[3]).toBe('PRESS ENTER'.padEnd(20));
    expect(emulated.screen!.violations).toEqual([]);

    emulated.keypad!.press('ENTER');
    await run(clock, 150);
    emulated.keypad!.release('ENTER');
    await run(clock, 300);
    expect(events).toEqual([{ key: 'ENTER', repeat: false }]);
    transport.close();
  });

  it('programs and reads the AT24C256 through Firmata I2C requests at the 64-byte sysex limit', async () => {
    const { clock, emulated, transport, io } = await firmataUno();
    const eeprom = new I2cEeprom({ io, clock, address: 0x50, part: 'AT24C256' });
    const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 31 + 7) & 0xff);
    await runUntilSettled(clock, eeprom.program(1000, data), 0.5);
    expect(Array.from(emulated.eeprom!.memory.slice(1000, 1200))).toEqual(Array.from(data));
    expect(Array.from(await runUntilSettled(clock, eeprom.read(1000, 200), 0.5))).toEqual(Array.from(data));
    expect(emulated.eeprom!.nacks).toBe(0);
    transport.close();
  });
});
