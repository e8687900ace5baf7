import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBoardConfig } from '../../../firmware/hal/board-config.js';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { emulatedBoardFromConfig } from '../../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../../firmware/hal/virtual/virtual-io.js';
import { openKeypad } from '../../../firmware/drivers/keypad/keypad-from-config.js';
import type { KeyEvent } from '../../../firmware/hal/pos-keys.js';

/** Advances in 1 ms steps, letting the board's replies in between. */
async function run(clock: VirtualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t++) {
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The uno-firmata.json keypad (timings included) on the emulator's key-matrix model over a paced
 * Firmata wire, with the wire's own byte count as the judge of "an idle keypad costs nothing".
 */
describe('matrix keypad on the virtual board (paced Firmata wire)', () => {
  it('types keys, repeats CLEAR, and sends not one byte while idle', async () => {
    const clock = new VirtualClock();
    const config = readBoardConfig(join(import.meta.dirname, '../../../board-configs/uno-firmata.json'));
    const emulated = emulatedBoardFromConfig(config, clock);
    const io = new VirtualIo({ board: emulated.board, paced: true });
    await new Promise<void>((resolve) => io.once('ready', resolve));
    const events: KeyEvent[] = [];
    openKeypad(config.keypad, { io, clock, onKey: (e) => events.push(e) });
    const idleStart = io.wire.toBoard.bytes;
    await run(clock, 2000);
    expect(io.wire.toBoard.bytes).toBe(idleStart);

    const keypad = emulated.keypad!;
    for (const key of ['1', '00', 'ENTER']) {
      keypad.press(key);
      await run(clock, 150);
      keypad.release(key);
      await run(clock, 150);
    }
    keypad.press('CLEAR');
    await run(clock, 1000);
    keypad.release('CLEAR');
    await run(clock, 300);
    expect(events.filter((e) => !e.repeat).map((e) => e.key)).toEqual(['1', '00', 'ENTER', 'CLEAR']);
    expect(events.filter((e) => e.repeat).length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.repeat).every((e) => e.key === 'CLEAR')).toBe(true);

    const afterTyping = io.wire.toBoard.bytes;
    await run(clock, 2000);
    expect(io.wire.toBoard.bytes).toBe(afterTyping);
    io.close();
  });
});
