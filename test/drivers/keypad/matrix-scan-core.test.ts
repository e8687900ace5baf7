import { describe, expect, it } from 'vitest';
import { hasGhosting, MatrixScanCore } from '../../../firmware/drivers/keypad/matrix-scan-core.js';
import type { PosKey } from '../../../firmware/hal/pos-keys.js';

const KEYMAP: (PosKey | null)[][] = [
  ['1', '2', '3', 'CANCEL'],
  ['4', '5', '6', 'CLEAR'],
  ['7', '8', '9', 'ENTER'],
  ['FUNC', '0', '00', null],
];
const NONE = [0, 0, 0, 0];
/** One closed key as a scan. */
const key = (row: number, col: number) => NONE.map((_, r) => (r === row ? 1 << col : 0));

describe('matrix scan core', () => {
  it('reports a press only after it has held for pressMs (10 ms)', () => {
    const core = new MatrixScanCore(KEYMAP);
    expect(core.scan(key(1, 1), 0).events).toEqual([]);
    expect(core.scan(key(1, 1), 9).events).toEqual([]);
    expect(core.scan(key(1, 1), 10).events).toEqual([{ key: '5', repeat: false }]);
    expect(core.scan(key(1, 1), 30).events).toEqual([]);
  });

  it('ignores a bounce shorter than the debounce time', () => {
    const core = new MatrixScanCore(KEYMAP);
    core.scan(key(0, 0), 0);
    core.scan(NONE, 5);
    expect(core.scan(key(0, 0), 8).events).toEqual([]);
    expect(core.scan(key(0, 0), 17).events).toEqual([]);
    expect(core.scan(key(0, 0), 18).events).toEqual([{ key: '1', repeat: false }]);
  });

  it('counts a release after releaseMs (20 ms) and is idle only then', () => {
    const core = new MatrixScanCore(KEYMAP);
    core.scan(key(2, 3), 0);
    core.scan(key(2, 3), 10);
    // the release is dated to the previous scan (10): the key can have opened any time after it
    core.scan(NONE, 20);
    expect(core.idle).toBe(false);
    core.scan(NONE, 29);
    expect(core.idle).toBe(false);
    core.scan(NONE, 30);
    expect(core.idle).toBe(true);
    // a new press of the same key counts again
    core.scan(key(2, 3), 50);
    expect(core.scan(key(2, 3), 60).events).toEqual([{ key: 'ENTER', repeat: false }]);
  });

  it('dates the first change after idle to the column change that woke the scan', () => {
    const core = new MatrixScanCore(KEYMAP);
    // a slow (Firmata) scan: the column went LOW at 100, the scan finished at 180
    expect(core.scan(key(1, 1), 180, 100).events).toEqual([{ key: '5', repeat: false }]);
    // released after 200; the next scans 90 ms apart see it open, then closed again: two presses
    expect(core.scan(NONE, 270).events).toEqual([]);
    expect(core.idle).toBe(true);
    expect(core.scan(key(1, 1), 360, 300).events).toEqual([{ key: '5', repeat: false }]);
    // a bounce seen only by the scan it woke is not a press when it woke under pressMs ago
    const bounce = new MatrixScanCore(KEYMAP);
    expect(bounce.scan(key(0, 0), 105, 100).events).toEqual([]);
  });

  it('takes press and release times from its config', () => {
    const core = new MatrixScanCore(KEYMAP, { pressMs: 30, releaseMs: 5, repeatDelayMs: 600, repeatIntervalMs: 120 });
    core.scan(key(0, 1), 0);
    expect(core.scan(key(0, 1), 20).events).toEqual([]);
    expect(core.scan(key(0, 1), 30).events).toEqual([{ key: '2', repeat: false }]);
    core.scan(NONE, 40);
    core.scan(NONE, 45);
    expect(core.idle).toBe(true);
  });

  it('repeats CLEAR while held: first after 600 ms, then every 120 ms, at most one per scan', () => {
    const core = new MatrixScanCore(KEYMAP);
    core.scan(key(1, 3), 0);
    expect(core.scan(key(1, 3), 10).events).toEqual([{ key: 'CLEAR', repeat: false }]);
    expect(core.scan(key(1, 3), 600).events).toEqual([]);
    expect(core.scan(key(1, 3), 610).events).toEqual([{ key: 'CLEAR', repeat: true }]);
    expect(core.scan(key(1, 3), 700).events).toEqual([]);
    expect(core.scan(key(1, 3), 730).events).toEqual([{ key: 'CLEAR', repeat: true }]);
    expect(core.scan(key(1, 3), 2000).events).toEqual([{ key: 'CLEAR', repeat: true }]);
    expect(core.scan(key(1, 3), 2001).events).toEqual([]);
    core.scan(NONE, 2010);
    core.scan(NONE, 2030);
    expect(core.scan(NONE, 5000).events).toEqual([]);
  });

  it('does not repeat other keys', () => {
    const core = new MatrixScanCore(KEYMAP);
    core.scan(key(1, 0), 0);
    core.scan(key(1, 0), 10);
    expect(core.scan(key(1, 0), 5000).events).toEqual([]);
  });

  it('reports two keys pressed together, and a position with no key not at all', () => {
    const core = new MatrixScanCore(KEYMAP);
    const both = [0b0001, 0, 0, 0b1000];
    core.scan(both, 0);
    expect(core.scan(both, 10).events).toEqual([{ key: '1', repeat: false }]);
  });

  it('ignores a scan that shows a key rectangle (ghosting) and keeps the last good state', () => {
    const core = new MatrixScanCore(KEYMAP);
    core.scan([0b0011, 0b0001, 0, 0], 0);
    const ghost = [0b0011, 0b0011, 0, 0];
    const result = core.scan(ghost, 10);
    expect(result.ghosting).toBe(true);
    expect(result.events).toEqual([]);
    expect(hasGhosting(ghost)).toBe(true);
    expect(hasGhosting([0b0011, 0b0100, 0b0100, 0])).toBe(false);
  });

  it('rejects a malformed keymap or scan', () => {
    expect(() => new MatrixScanCore([])).toThrow(/1-16 rows/);
    expect(() => new MatrixScanCore([['1', '2'], ['3']])).toThrow(/every keymap row needs 2 keys/);
    expect(() => new MatrixScanCore(KEYMAP).scan([0, 0], 0)).toThrow(/scan has 2 rows, the keypad 4/);
  });
});
