/**
 * `pos run` refuses a state directory it cannot trust, each with one line and exit 1 (issue 10,
 * items 4 and 5): a damaged or unusable settings.json (never replaced by defaults), a master.key
 * others can read, and a journal image another live process holds. The board config is the Pi's
 * with its journal image moved into a temp dir.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../../firmware/app/settings.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../../tools/host-sim/terminals.js';
import { pos } from './pos-in-process.js';

afterEach(() => vi.restoreAllMocks());

function stateDirWithBoard(): { dir: string; board: string; image: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pos-run-state-'));
  const config = JSON.parse(readFileSync('board-configs/raspi.json', 'utf8')) as Record<string, Record<string, unknown>>;
  const image = join(dir, 'journal.img');
  config.flash = { ...config.flash, path: image };
  // No such chip here; every refusal below comes before the board opens.
  config.board = { ...config.board, gpioChip: '/dev/gpiochip99' };
  delete config.$schema;
  const board = join(dir, 'board.json');
  writeFileSync(board, JSON.stringify(config));
  writeFileSync(join(dir, 'master.key'), `${TEST_TERMINAL_MASTER_KEY_HEX}\n`, { mode: 0o600 });
  return { dir, board, image };
}

async function run(board: string, dir: string) {
  return pos('run', '--board', board, '--state-dir', dir, '--quiet');
}

describe('pos run on a state directory it cannot trust', () => {
  it('a settings.json that does not parse: one line naming it, exit 1, the file untouched', async () => {
    const { dir, board } = stateDirWithBoard();
    const settings = join(dir, 'settings.json');
    writeFileSync(settings, '{"terminalId": "10000159", "merch');
    const result = await run(board, dir);
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(new RegExp(`^pos run: settings file ${settings}: not valid JSON .*fix it or restore it from a backup`));
    expect(readFileSync(settings, 'utf8')).toBe('{"terminalId": "10000159", "merch');
  });

  it('a settings.json with unusable values is refused the same way, not reset to the defaults', async () => {
    const { dir, board } = stateDirWithBoard();
    const settings = join(dir, 'settings.json');
    const text = JSON.stringify({ ...defaultSettings(), terminalId: '1234', merchantNo: '898' });
    writeFileSync(settings, text);
    const result = await run(board, dir);
    expect(result).toMatchObject({ code: 1, err: [expect.stringMatching(new RegExp(`^pos run: settings file ${settings}: has unusable values`))] });
    expect(readFileSync(settings, 'utf8')).toBe(text);
  });

  it('a master.key at mode 0644 is refused as device.key is', async () => {
    const { dir, board } = stateDirWithBoard();
    chmodSync(join(dir, 'master.key'), 0o644);
    const result = await run(board, dir);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([expect.stringMatching(new RegExp(`^pos run: master key file ${join(dir, 'master.key')} is mode 0644: group or others can get at it; chmod 600`))]);
  });

  it('a journal image locked by another live process: names its PID, exit 1', async () => {
    const { dir, board, image } = stateDirWithBoard();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${image}.lock`, `${holder.pid}\n`);
      const result = await run(board, dir);
      expect(result.code).toBe(1);
      expect(result.err).toEqual([`pos run: journal image ${image} is in use by process ${holder.pid} (lock ${image}.lock); stop that process first - one terminal per journal`]);
      expect(readFileSync(`${image}.lock`, 'utf8')).toBe(`${holder.pid}\n`);
    } finally {
      holder.kill();
    }
  });
});
