/**
 * bench:hil - the terminal's hardware loop through the Firmata emulator at 57600 baud, wired per
 * board-configs/uno-firmata.json: the real keypad driver and the real PCF8574 LCD driver on a
 * firmata-io Board, the emulator's key-matrix and HD44780 models on the other end of the wire.
 *
 * Time is the emulator's virtual time. It models the pacing faithfully: every byte takes its 10 bit
 * times each way, the firmware's UART buffers and blocking I2C transfers hold its loop, and the
 * I2C bus runs at 100 kHz - so the numbers are what the wire allows, without the host's scheduling
 * noise (a real USB link adds about 1 ms each way on top).
 *
 * keypress -> LCD: a digit key is closed on the matrix model; the driver wakes on the column
 * report, scans, debounces (10 ms), and the echo (the amount line, as the sale screen shows it)
 * goes out; the time is when the HD44780 model shows the digit. idle: bytes both ways over 10 s
 * with nothing happening. full screen: 80 changed cells from show() until the glass shows them.
 * These are virtual-time figures (the drivers alone); the *_wall_* and eeprom_boot_* figures beside
 * them are wall-clock time through the real terminal runtime (hil-wall.ts). `--virtual-only` skips
 * the wall-clock part. Prints one JSON line.
 */
import { join } from 'node:path';
import firmataIo from 'firmata-io';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import type { IoPlugin } from '../../firmware/hal/io-plugin.js';
import { emulatedBoardFromConfig } from '../../firmware/hal/virtual/emulated-board.js';
import { openDisplay } from '../../firmware/drivers/lcd/display-from-config.js';
import { openKeypad } from '../../firmware/drivers/keypad/keypad-from-config.js';
import { FirmataEmulator } from '../firmata-emulator/firmata-emulator.js';
import { InProcessFirmataTransport } from '../firmata-emulator/in-process-transport.js';
import { measureWall } from './hil-wall.js';

const CONFIG = join(import.meta.dirname, '../../board-configs/uno-firmata.json');
const WALL_PRESSES = 60;
const PRESSES = 200;
const HOLD_MS = 60;
const BETWEEN_MS = 120;
const IDLE_WINDOW_MS = 10_000;
const FULL_SCREEN = ['SALE  RMB 1234.56 OK', 'CARD 622202****1234.', 'PIN: ******  ENTER>.', 'VOUCHER 000123 #0042'];
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves virtual time deadline by deadline, letting I/O callbacks run in between, until `done()`. */
async function runUntil(clock: VirtualClock, done: () => boolean, limitMs = 10_000): Promise<void> {
  const start = clock.now();
  while (!done()) {
    await nextTurn();
    if (done()) return;
    if (clock.now() - start > limitMs) throw new Error(`bench:hil: condition not met within ${limitMs} virtual ms`);
    const next = clock.nextDeadline();
    clock.advance(next === undefined ? 1 : Math.max(Math.min(next, 1), 0.001));
  }
}

const runFor = (clock: VirtualClock, ms: number) => {
  const end = clock.now() + ms;
  return runUntil(clock, () => clock.now() >= end - 1e-9, ms + 1);
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const config = readBoardConfig(CONFIG);
  const clock = new VirtualClock();
  const emulated = emulatedBoardFromConfig(config, clock);
  const emulator = new FirmataEmulator({ board: emulated.board, baud: 57600 });
  const io = new firmataIo.Firmata(new InProcessFirmataTransport(emulator), { reportVersionTimeout: 60_000 }) as unknown as IoPlugin;
  await runUntil(clock, () => io.isReady);
  const screen = emulated.screen!;
  const keypad = emulated.keypad!;

  const display = openDisplay(config.lcd, config.board.kind, io, clock);
  let amount = '';
  const echo = () => display.show(['SALE', 'AMOUNT:', amount.padStart(20), '']);
  openKeypad(config.keypad, {
    io,
    clock,
    onKey: ({ key }) => {
      if (!DIGITS.includes(key)) return;
      amount = amount.length >= 12 ? key : amount + key;
      echo();
    },
  });
  echo();
  await runUntil(clock, () => screen.lines()[1]?.startsWith('AMOUNT:') ?? false);
  await runFor(clock, 500);

  const latencies: number[] = [];
  for (let i = 0; i < PRESSES; i++) {
    const key = DIGITS[(i * 7 + 3) % DIGITS.length]!;
    const expected = (amount.length >= 12 ? key : amount + key).padStart(20);
    const pressedAt = clock.now();
    keypad.press(key);
    await runUntil(clock, () => screen.lines()[2] === expected, 1000);
    latencies.push(clock.now() - pressedAt);
    await runFor(clock, Math.max(0, HOLD_MS - (clock.now() - pressedAt)));
    keypad.release(key);
    await runFor(clock, BETWEEN_MS);
  }
  latencies.sort((a, b) => a - b);

  await runFor(clock, 1000);
  const before = emulator.wire.toBoard.bytes + emulator.wire.toHost.bytes;
  await runFor(clock, IDLE_WINDOW_MS);
  const idleBytes = emulator.wire.toBoard.bytes + emulator.wire.toHost.bytes - before;

  const shownAt = clock.now();
  display.show(FULL_SCREEN);
  await runUntil(clock, () => screen.lines().join('\n') === FULL_SCREEN.join('\n'), 5000);
  const fullScreenMs = clock.now() - shownAt;
  if (screen.violations.length > 0) throw new Error(`bench:hil: HD44780 protocol violations: ${JSON.stringify(screen.violations)}`);

  const virtual = {
    keypress_to_lcd_p50_ms: round2(percentile(latencies, 50)),
    keypress_to_lcd_p99_ms: round2(percentile(latencies, 99)),
    idle_bytes_per_s: round2(idleBytes / (IDLE_WINDOW_MS / 1000)),
    full_screen_ms: round2(fullScreenMs),
  };
  const tty = process.stderr.isTTY;
  const wall = process.argv.includes('--virtual-only')
    ? {}
    : await measureWall(config, WALL_PRESSES, (what) => {
        if (tty) process.stderr.write(`bench:hil: ${what}\n`);
      });
  process.stdout.write(`${JSON.stringify({ bench: 'hil', time: 'virtual for keypress_to_lcd_p*/idle/full_screen, wall clock for *_wall_* and eeprom_boot_*', ...virtual, ...wall })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
