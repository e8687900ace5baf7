import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { PinMode } from '../../../firmware/hal/io-plugin.js';
import { GpioMatrixKeypad } from '../../../firmware/drivers/keypad/gpio-matrix-keypad.js';
import { MatrixScanCore } from '../../../firmware/drivers/keypad/matrix-scan-core.js';
import type { KeyEvent, PosKey } from '../../../firmware/hal/pos-keys.js';
import { RecordingIo } from '../../hal/recording-io.js';
import { COLS, KEYMAP, ROWS } from './uno-keypad-wiring.js';

/**
 * A diode-less key matrix on the recording IO: rows and columns joined through closed keys form
 * nets; a net is LOW when it holds a row driven LOW, else the column pull-up holds it HIGH.
 */
function rig(io: RecordingIo = new RecordingIo(), settleMs = 1) {
  const clock = new VirtualClock();
  const closed = new Set<string>();
  io.onPinChange = () => {
    const parent = new Map<number, number>();
    const find = (p: number): number => (parent.get(p) ?? p) === p ? p : find(parent.get(p)!);
    for (const id of closed) {
      const [r, c] = id.split(',').map(Number) as [number, number];
      parent.set(find(ROWS[r]!), find(COLS[c]!));
    }
    const lowNets = new Set(ROWS.filter((pin) => io.modes.get(pin) === PinMode.OUTPUT && io.outputs.get(pin) === 0).map(find));
    for (const pin of COLS) io.setInput(pin, lowNets.has(find(pin)) ? 0 : 1);
  };
  const events: KeyEvent[] = [];
  const keypad = new GpioMatrixKeypad({
    io, clock, rowPins: ROWS, colPins: COLS, core: new MatrixScanCore(KEYMAP), settleMs, pollMs: 5, onKey: (e) => events.push(e),
  });
  const setKey = (key: PosKey, down: boolean) => {
    const r = KEYMAP.findIndex((row) => row.includes(key));
    const id = `${r},${KEYMAP[r]!.indexOf(key)}`;
    if (down) closed.add(id);
    else closed.delete(id);
    io.onPinChange();
  };
  const run = (ms: number) => {
    const end = clock.now() + ms;
    for (let next = clock.nextDeadline(); next !== undefined && clock.now() + next <= end; next = clock.nextDeadline()) clock.advance(next);
    clock.advance(end - clock.now());
  };
  return { io, clock, keypad, events, setKey, run };
}

describe('GPIO matrix keypad', () => {
  it('idles with rows driven LOW and pulled-up columns reporting, and then costs no wire traffic', () => {
    const { io, keypad, run } = rig();
    keypad.start();
    const setup = io.take();
    for (const pin of COLS) {
      expect(setup).toContainEqual({ op: 'pinMode', pin, mode: PinMode.PULLUP });
      expect(setup).toContainEqual({ op: 'digitalRead', pin });
    }
    for (const pin of ROWS) {
      expect(setup).toContainEqual({ op: 'pinMode', pin, mode: PinMode.OUTPUT });
      expect(setup).toContainEqual({ op: 'digitalWrite', pin, value: 0 });
    }
    run(60_000);
    expect(io.take()).toEqual([]);
  });

  it('scans only after a column change, reports the debounced key once, and goes back to idle', () => {
    const { io, keypad, events, setKey, run } = rig();
    keypad.start();
    io.take();
    setKey('5', true);
    run(100);
    expect(events).toEqual([{ key: '5', repeat: false }]);
    setKey('5', false);
    run(100);
    expect(events).toHaveLength(1);
    const scanning = io.take();
    expect(scanning.length).toBeGreaterThan(0);
    for (const pin of ROWS) expect(io.modes.get(pin)).toBe(PinMode.OUTPUT);
    run(10_000);
    expect(io.take()).toEqual([]);
  });

  it('ignores a 5 ms contact bounce', () => {
    const { keypad, events, setKey, run } = rig();
    keypad.start();
    setKey('9', true);
    run(4);
    setKey('9', false);
    run(200);
    expect(events).toEqual([]);
  });

  it('types a sequence of keys in order', () => {
    const { keypad, events, setKey, run } = rig();
    keypad.start();
    for (const key of ['1', '00', 'ENTER'] as PosKey[]) {
      setKey(key, true);
      run(50);
      setKey(key, false);
      run(50);
    }
    expect(events.map((e) => e.key)).toEqual(['1', '00', 'ENTER']);
  });

  it('repeats CLEAR while it is held', () => {
    const { keypad, events, setKey, run } = rig();
    keypad.start();
    setKey('CLEAR', true);
    run(1000);
    setKey('CLEAR', false);
    run(100);
    expect(events[0]).toEqual({ key: 'CLEAR', repeat: false });
    // first repeat at ~600 ms after the press, then every 120 ms: 600, 720, 840, 960
    expect(events.filter((e) => e.repeat)).toHaveLength(4);
  });

  it('rejects a phantom key when three corners of a rectangle are held', () => {
    const { keypad, events, setKey, run } = rig();
    keypad.start();
    setKey('1', true);
    run(50);
    setKey('2', true);
    run(50);
    setKey('4', true); // '5' would now read closed too
    run(50);
    expect(events.map((e) => e.key)).toEqual(['1', '2']);
  });

  it('rejects pins used twice and bad timing', () => {
    const io = new RecordingIo();
    const clock = new VirtualClock();
    const core = new MatrixScanCore(KEYMAP);
    const base = { io, clock, core, settleMs: 1, pollMs: 5, onKey: () => undefined };
    expect(() => new GpioMatrixKeypad({ ...base, rowPins: ROWS, colPins: [5, 6, 7, 8] })).toThrow(/must be distinct/);
    expect(() => new GpioMatrixKeypad({ ...base, rowPins: ROWS, colPins: COLS, pollMs: 0 })).toThrow(/pollMs > 0/);
  });
});
