/**
 * Test harness: an emulated board on a VirtualClock behind the in-process transport, and a pump that
 * moves the clock from deadline to deadline while letting the event loop run, until a condition holds.
 */
import firmataIo from 'firmata-io';
import { VirtualClock } from '../../firmware/hal/clock.js';
import type { IoPlugin } from '../../firmware/hal/io-plugin.js';
import { createEmulatedBoard, type EmulatedBoardOptions } from '../../firmware/hal/virtual/emulated-board.js';
import { FirmataEmulator } from '../../tools/firmata-emulator/firmata-emulator.js';
import { InProcessFirmataTransport } from '../../tools/firmata-emulator/in-process-transport.js';

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advances the clock deadline by deadline (letting I/O callbacks run in between) until `done()`. */
export async function runUntil(clock: VirtualClock, done: () => boolean, limitMs = 10_000): Promise<void> {
  const start = clock.now();
  while (!done()) {
    await nextTurn();
    if (done()) return;
    if (clock.now() - start > limitMs) throw new Error(`condition not met within ${limitMs} virtual ms`);
    const next = clock.nextDeadline();
    clock.advance(next === undefined ? 1 : Math.max(next, 0.001));
  }
}

export async function runFor(clock: VirtualClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  await runUntil(clock, () => clock.now() >= end - 1e-9, ms + 1);
}

/** firmata-io's Board with the members the tests read. */
export type FirmataIoBoard = IoPlugin & {
  firmware: { name: string; version: { major: number; minor: number } };
  version: { major: number; minor: number };
  analogPins: number[];
  queryPinState(pin: number, callback: () => void): void;
  sysexCommand(bytes: number[]): void;
  on(event: 'string', listener: (text: string) => void): unknown;
};

export async function emulatedFirmataBoard(options: Omit<EmulatedBoardOptions, 'clock'>) {
  const clock = new VirtualClock();
  const emulated = createEmulatedBoard({ ...options, clock });
  const emulator = new FirmataEmulator({ board: emulated.board });
  const transport = new InProcessFirmataTransport(emulator);
  const io = new firmataIo.Firmata(transport, { reportVersionTimeout: 60_000 }) as unknown as FirmataIoBoard;
  await runUntil(clock, () => io.isReady);
  return { clock, emulator, transport, io, ...emulated };
}
