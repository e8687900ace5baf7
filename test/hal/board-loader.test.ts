import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBoardConfig, type BoardConfig } from '../../firmware/hal/board-config.js';
import { listSerialPorts, loadBoard } from '../../firmware/hal/board-loader.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { openDisplay } from '../../firmware/drivers/lcd/display-from-config.js';
import { openKeypad } from '../../firmware/drivers/keypad/keypad-from-config.js';
import type { KeyEvent } from '../../firmware/hal/pos-keys.js';
import { resolvePin } from '../../firmware/hal/pin-resolve.js';
import { RecordingIo } from './recording-io.js';

const sim = () => readBoardConfig(join(import.meta.dirname, '../../board-configs/sim.json'));
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Advances the virtual clock in small steps, letting the board's replies (next event-loop turn) in between. */
async function run(clock: VirtualClock, ms: number, stepMs = 1): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(stepMs);
    await turn();
  }
}

describe('board loading', () => {
  it('opens the virtual board of sim.json with its keypad and LCD models, and the drivers work on it', async () => {
    const clock = new VirtualClock();
    const config = sim();
    const board = await loadBoard(config, clock);
    try {
      expect(board.io.isReady).toBe(true);
      const events: KeyEvent[] = [];
      openKeypad(config.keypad, { io: board.io, clock, onKey: (e) => events.push(e) });
      const display = openDisplay(config.lcd, config.board.kind, board.io, clock);
      await run(clock, 100);
      display.show(['PLEASE SWIPE CARD', 'AMOUNT 12.34']);
      await run(clock, 50);
      const lcd = board.emulated!.lcd!.lcd;
      expect(lcd.lines().slice(0, 2)).toEqual(['PLEASE SWIPE CARD'.padEnd(20), 'AMOUNT 12.34'.padEnd(20)]);
      expect(lcd.violations).toEqual([]);
      board.emulated!.keypad!.press('ENTER');
      await run(clock, 60);
      board.emulated!.keypad!.release('ENTER');
      await run(clock, 60);
      expect(events).toEqual([{ key: 'ENTER', repeat: false }]);
    } finally {
      await board.close();
    }
  });

  it('says plainly when raspi-io or linux-io is not installed', async () => {
    const clock = new VirtualClock();
    const config: BoardConfig = { ...sim(), board: { kind: 'raspi-io' } };
    await expect(loadBoard(config, clock)).rejects.toThrow(
      /^board kind "raspi-io" needs the raspi-io package, which is not installed: install it next to the bundle on the board \(README, "GPIO on the board"\)$/,
    );
    await expect(loadBoard({ ...config, board: { kind: 'linux-io' } }, clock)).rejects.toThrow(/needs the linux-io package/);
  });

  it('names the port when a Firmata board cannot be opened', async () => {
    const config: BoardConfig = { ...sim(), board: { kind: 'firmata', port: '/dev/no-such-board' } };
    await expect(loadBoard(config, new VirtualClock())).rejects.toThrow(/cannot open Firmata board on \/dev\/no-such-board/);
  });
});

describe('serial port listing', () => {
  it('turns SerialPort.list() throwing for want of udev into a plain reason', async () => {
    const listing = await listSerialPorts(() => Promise.reject(new Error('spawn udevadm ENOENT')));
    expect(listing).toEqual({
      ok: false,
      reason: 'cannot list serial ports: udev is not available here (a container or minimal image?); give the port path in the board config (e.g. /dev/ttyACM0)',
    });
  });
  it('lists the ports when it can', async () => {
    const listing = await listSerialPorts(() => Promise.resolve([{ path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)' }, { path: '/dev/ttyS0' }]));
    expect(listing).toEqual({ ok: true, ports: [{ path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)' }, { path: '/dev/ttyS0' }] });
  });
  it('never throws on this machine, whatever it has', async () => {
    const listing = await listSerialPorts();
    expect(listing.ok ? Array.isArray(listing.ports) : listing.reason.startsWith('cannot list serial ports: ')).toBe(true);
  });
});

describe('pin names', () => {
  it('pass numbers through and resolve names through the board, naming the field when it cannot', () => {
    const io = new RecordingIo();
    expect(resolvePin(io, 7, 'keypad.rows[0]')).toBe(7);
    expect(() => resolvePin(io, 'GPIO17', 'keypad.rows[0]')).toThrow(/^keypad\.rows\[0\]: pin name "GPIO17" needs a board that knows pin names/);
    const named = Object.assign(io, { normalize: (pin: number | string) => (pin === 'GPIO17' ? 0 : -1) });
    expect(resolvePin(named, 'GPIO17', 'lcd.pins.cs')).toBe(0);
    expect(() => resolvePin(named, 'GPIO99', 'lcd.pins.cs')).toThrow(/the board does not know pin "GPIO99"/);
  });
});
