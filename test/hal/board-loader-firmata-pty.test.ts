import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { loadBoard } from '../../firmware/hal/board-loader.js';
import { SystemClock } from '../../firmware/hal/clock.js';
import type { PosKey } from '../../firmware/hal/pos-keys.js';
import { openDisplay } from '../../firmware/drivers/lcd/display-from-config.js';

const hasPython = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;
const root = join(import.meta.dirname, '../..');

/** Resolves with the first stdout text for which `match` returns a value. */
function waitForOutput<T>(stream: NodeJS.ReadableStream, match: (text: string) => T | undefined): Promise<T> {
  let text = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const found = match(text);
      if (found !== undefined) {
        stream.removeListener('data', onData);
        resolve(found);
      }
    };
    stream.on('data', onData);
  });
}

/**
 * loadBoard's real Firmata path - serialport SerialPort -> firmata-io Board, and a johnny-five Board
 * only for a j5-i2c keypad - against the Firmata emulator on a pseudo-terminal wired per
 * uno-firmata.json; the emulator's `screen` bench command shows the LCD glass.
 */
describe('loading a Firmata board over a serial device', () => {
  it.skipIf(!hasPython)('(skipped when python3 with the pty module is missing) opens the port, becomes ready and drives the LCD', async () => {
    const configPath = join(root, 'board-configs/uno-firmata.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/firmata-emulator/main.ts', '--pty', '--config', configPath], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    try {
      const path = await waitForOutput(child.stdout, (text) => (text.includes('\n') ? text.split('\n')[0] : undefined));
      const config = readBoardConfig(configPath);
      const clock = new SystemClock();
      const board = await loadBoard({ ...config, board: { kind: 'firmata', port: path } }, clock);
      try {
        expect(board.io.isReady).toBe(true);
        // The Uno's matrix keypad needs no johnny-five: it is not loaded (2.3 MB of heap on Node 18).
        expect(board.j5).toBeUndefined();
        const display = openDisplay(config.lcd, config.board.kind, board.io, clock);
        display.show(['HELLO FIRMATA', '', '', 'OVER A PTY']);
        await display.flush();
        const screen = waitForOutput(child.stdout, (text) => (text.includes('OVER A PTY') ? text : undefined));
        const ask = setInterval(() => child.stdin.write('screen\n'), 100);
        const shown = await screen.finally(() => clearInterval(ask));
        expect(shown).toContain('|HELLO FIRMATA       |');
        expect(shown).toContain('|OVER A PTY          |');
      } finally {
        await board.close();
      }
      // The same port again, for a config whose keypad is johnny-five's I2C keypad.
      const j5Config = { ...config, board: { kind: 'firmata' as const, port: path }, keypad: { kind: 'j5-i2c' as const, controller: 'MPR121', keys: [['1']] as PosKey[][] } };
      const withJ5 = await loadBoard(j5Config, clock);
      try {
        expect(withJ5.j5?.board).toBeDefined();
        expect(typeof withJ5.j5?.five.Keypad).toBe('function');
      } finally {
        await withJ5.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });
});
