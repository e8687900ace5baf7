/**
 * A matrix keypad on firmata-io (the real library, as the Firmata boards run it) whose board stops
 * answering in the middle of a scan: the USB cable pulled or the board wedged, while a key is held.
 *
 * firmata-io's queryPinState keeps each query's callback as a once-listener on `pin-state-<pin>`
 * until the pin's next answer (node_modules/firmata-io/lib/firmata.js). The keypad re-sends its
 * scan every 250 ms while the answers stay away, so before this test every scan left one listener
 * per fenced pin behind: 11 on one pin after a few seconds, Node's "MaxListenersExceededWarning:
 * Possible EventEmitter memory leak", and no bound at all on a link that stays dead.
 */
import firmataIo from 'firmata-io';
import { describe, expect, it } from 'vitest';
import { readBoardConfig } from '../../../firmware/hal/board-config.js';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { FirmataFlowControl, type FirmataByteTransport } from '../../../firmware/hal/firmata-flow-control.js';
import type { IoPlugin } from '../../../firmware/hal/io-plugin.js';
import { emulatedBoardFromConfig } from '../../../firmware/hal/virtual/emulated-board.js';
import { openKeypad } from '../../../firmware/drivers/keypad/keypad-from-config.js';
import { FirmataEmulator } from '../../../tools/firmata-emulator/firmata-emulator.js';
import { InProcessFirmataTransport } from '../../../tools/firmata-emulator/in-process-transport.js';
import { runFor, runUntil } from '../../firmata-emulator/emulator-harness.js';

const config = readBoardConfig('board-configs/uno-firmata.json');
const keypadConfig = config.keypad as { rows: number[]; cols: number[] };
/** The pins the keypad fences a scan with: the first column's, then every row's. */
const fencedPins = [keypadConfig.cols[0]!, ...keypadConfig.rows];

async function unoWithKeypad() {
  const clock = new VirtualClock();
  const emulated = emulatedBoardFromConfig(config, clock);
  const emulator = new FirmataEmulator({ board: emulated.board });
  const wire = new InProcessFirmataTransport(emulator);
  // The cable: while cut, nothing the board sends reaches the host. `deafPin`: the board's
  // PIN_STATE answers for that pin are lost, every other message arrives (one message per data event).
  let cut = false;
  let deafPin: number | undefined;
  const emit = wire.emit.bind(wire);
  const lost = (bytes: Buffer) => cut || (bytes[0] === 0xf0 && bytes[1] === 0x6e && bytes[2] === deafPin);
  wire.emit = (event: string | symbol, ...args: unknown[]) => (event === 'data' && lost(args[0] as Buffer) ? false : emit(event, ...args));
  const flow = new FirmataFlowControl(wire as unknown as FirmataByteTransport, { clock });
  const io = new firmataIo.Firmata(flow, { reportVersionTimeout: 60_000 }) as unknown as IoPlugin & {
    isReady: boolean;
    listenerCount(event: string): number;
  };
  await runUntil(clock, () => io.isReady);
  const keys: string[] = [];
  const keypad = openKeypad(config.keypad, { io, clock, onKey: (event) => keys.push(event.key) });
  const answerCallbacks = () => fencedPins.map((pin) => io.listenerCount(`pin-state-${pin}`));
  return { clock, emulated, io, keys, keypad, answerCallbacks, cutCable: (on: boolean) => (cut = on), deafen: (pin: number) => (deafPin = pin) };
}

describe('a Firmata keypad whose board stops answering mid-scan (firmata-io 2.x, StandardFirmataPlus 2.5.9 emulated)', () => {
  it('keeps at most a few answer callbacks per pin however long the link stays dead, and reads keys again once it is back', async () => {
    const rig = await unoWithKeypad();
    // Before anything: only the keypad's own listener on each fenced pin.
    expect(rig.answerCallbacks()).toEqual(fencedPins.map(() => 1));
    rig.emulated.keypad!.press('5');
    await runFor(rig.clock, 5);
    rig.cutCable(true);
    await runFor(rig.clock, 60_000);
    rig.emulated.keypad!.release('5');
    // A minute of scans without an answer: 240 re-sent scans. The bound is the keypad's own
    // listener plus 8 queries' callbacks per pin (the scans it still waits for).
    for (const count of rig.answerCallbacks()) expect(count).toBeLessThanOrEqual(1 + 8);
    rig.cutCable(false);
    await runFor(rig.clock, 1_500);
    rig.emulated.keypad!.press('8');
    await runFor(rig.clock, 200);
    rig.emulated.keypad!.release('8');
    await runFor(rig.clock, 500);
    expect(rig.keys.at(-1)).toBe('8');
  });

  it('with the answers for one row pin lost every time, the scans it passes over give their callbacks back too', async () => {
    const rig = await unoWithKeypad();
    const row = keypadConfig.rows[2]!;
    rig.deafen(row);
    rig.emulated.keypad!.press('5');
    await runFor(rig.clock, 10_000);
    // Every scan is discarded (its third window never closes): no key, and a bounded number of callbacks.
    expect(rig.keys).toEqual([]);
    expect(rig.io.listenerCount(`pin-state-${row}`)).toBeLessThanOrEqual(1 + 8);
    rig.keypad.stop();
  });

  it('stopped while queries wait for a dead link, it takes back every callback it gave firmata-io', async () => {
    const rig = await unoWithKeypad();
    rig.emulated.keypad!.press('5');
    await runFor(rig.clock, 5);
    rig.cutCable(true);
    await runFor(rig.clock, 2_000);
    expect(Math.min(...rig.answerCallbacks())).toBeGreaterThan(1);
    rig.keypad.stop();
    expect(rig.answerCallbacks()).toEqual(fencedPins.map(() => 1));
  });
});
