import { describe, expect, it } from 'vitest';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { emulatedBoardFromConfig } from '../../firmware/hal/virtual/emulated-board.js';
import { BenchConsole } from '../../tools/firmata-emulator/bench-console.js';

describe('bench console', () => {
  it('taps keys on the keypad matrix, shows the screen, swipes, sets paper out', () => {
    const clock = new VirtualClock();
    const emulated = emulatedBoardFromConfig(readBoardConfig('board-configs/uno-firmata.json'), clock);
    const bench = new BenchConsole(emulated, clock, [['board', '/dev/pts/9']]);
    expect(bench.run('ports')).toBe('board /dev/pts/9');
    const board = emulated.board;
    board.writePortBit(3, 0);
    board.setOutput(3);
    board.setInput(7, true);
    expect(bench.run('tap 5 50')).toBe('ok');
    clock.advance(1);
    expect(board.level(7)).toBe(0);
    clock.advance(50);
    expect(board.level(7)).toBe(1);
    expect(bench.run('type 1 2 3')).toBe('ok');
    expect(bench.run('press 99')).toMatch(/no key "99"/);
    expect(bench.run('screen').split('\n')).toHaveLength(4);
    expect(bench.run('swipe')).toBe('ok');
    expect(emulated.reader!.swipes).toBe(1);
    expect(bench.run('swipe sideways')).toMatch(/unknown swipe variant/);
    expect(bench.run('paper out')).toBe('ok');
    expect(emulated.printer!.isPaperOut).toBe(true);
    expect(bench.run('paper sideways')).toBe('paper out | paper in');
    expect(bench.run('printed')).toBe('');
    expect(bench.run('dance')).toMatch(/unknown command dance/);
  });
});
