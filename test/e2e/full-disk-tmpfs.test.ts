/**
 * The state directory on a real, small filesystem that fills up (issue 10, item 5): a 200 KiB tmpfs
 * mounted for this file (sessions run as root; where mounting is not permitted the suite is skipped
 * and its name says why). The whole terminal (startTerminal, as pos run builds it, with the journal in
 * a file image and the log through the fail-safe sink) boots on a full disk, signs in and sends the
 * reversal it owes; then the disk goes read-only and the log still cannot stop it.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { FailSafeLogSink } from '../../firmware/hal/fail-safe-log-sink.js';
import { JsonLineLogger } from '../../firmware/hal/log.js';
import type { PosKey } from '../../firmware/hal/pos-keys.js';
import { RotatingLogFile } from '../../firmware/hal/rotating-log-file.js';
import { startTerminal, type RunningTerminal } from '../../firmware/main.js';
import { WorkingKeys } from '../../firmware/security/working-keys.js';
import { loadCardFile } from '../../tools/host-sim/card-file.js';
import { startHostSimulator } from '../../tools/host-sim/server.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../../tools/host-sim/terminals.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'pos-tmpfs-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=200k,mode=0700', 'tmpfs', mountPoint], { encoding: 'utf8' });
const mountProblem = mounted.status === 0 ? undefined : (mounted.stderr || mounted.error?.message || `exit ${mounted.status}`).trim();

afterAll(() => {
  if (mountProblem === undefined) spawnSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Appends `chunk` to `file` until the filesystem says ENOSPC. */
function appendUntilFull(file: string, chunk: Buffer): void {
  const fd = openSync(file, 'a');
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * A filler file until no block is left, then the log file's last page topped up with blank lines:
 * tmpfs hands out whole pages, so a file's last page takes appends after the disk is "full".
 */
function fillDisk(logFile: string): void {
  appendUntilFull(join(mountPoint, 'filler'), Buffer.alloc(1024, 0x5a));
  appendUntilFull(logFile, Buffer.from('\n'));
}

const name = mountProblem === undefined
  ? 'the terminal on a full 200 KiB tmpfs'
  : `skipped: the terminal on a full tmpfs needs mount -t tmpfs, which is not permitted here (${mountProblem})`;

describe.skipIf(mountProblem !== undefined)(name, () => {
  it('boots with the disk full, signs in, sends the owed reversal, counts the log lines it could not write and warns once', async () => {
    const host = await startHostSimulator({ port: 0 });
    const config = readBoardConfig('board-configs/sim.json');
    const image = join(mountPoint, 'journal.img');
    config.flash = { kind: 'file', path: image, size: 65536, sectorSize: 4096 };
    const warnings: string[] = [];
    const logFile = new RotatingLogFile(join(mountPoint, 'terminal.log'), 64 * 1024);
    const sink = new FailSafeLogSink((line) => logFile.write(line), (m) => warnings.push(m), logFile.path);
    const options = {
      stateDir: mountPoint,
      logger: new JsonLineLogger(sink.line),
      masterKey: Uint8Array.from(Buffer.from(TEST_TERMINAL_MASTER_KEY_HEX, 'hex')),
      workingKeys: new WorkingKeys('tdes'),
      hostAddress: { address: '127.0.0.1', port: host.port },
    };
    const press = async (terminal: RunningTerminal, ...keys: PosKey[]) => {
      for (const key of keys) {
        await vi.waitFor(() => expect(terminal.shell.isIdle()).toBe(true), { timeout: 10_000 });
        terminal.shell.key({ key, repeat: false });
      }
    };
    let releaseSale: (() => void) | undefined;
    const started: RunningTerminal[] = [];
    const start = async () => {
      const terminal = await startTerminal(config, options);
      started.push(terminal);
      return terminal;
    };
    try {
      const first = await start();
      await press(first, 'ENTER', '0', '1', 'ENTER', '0', '0', '0', '0', 'ENTER');
      await vi.waitFor(() => expect(first.shell.screen.join('\n')).toContain('READY'), { timeout: 10_000 });
      // The issuer applies the sale; its answer is held, and the terminal stops before it comes.
      const applied = new Promise<void>((resolve) => {
        host.on('applied', (event) => {
          if (event.mti !== '0200') return;
          resolve();
          return new Promise<void>((release) => (releaseSale = release));
        });
      });
      const [card] = loadCardFile();
      await press(first, '1', '4', '3', '2', '1', 'ENTER');
      await vi.waitFor(() => expect(first.shell.isIdle()).toBe(true), { timeout: 10_000 });
      first.swipe({ ok: true, pan: card!.pan, expiry: card!.expiry, serviceCode: card!.serviceCode, track2: `${card!.pan}=${card!.expiry}${card!.serviceCode}0000000000`, direction: 'forward' });
      await press(first, 'ENTER', ...(card!.pin.split('') as PosKey[]), 'ENTER');
      await applied;
      expect(first.journal.view().transactions[0]).toMatchObject({ amountFen: 4321, status: 'pending' });
      await first.stop({ waitIdleMs: 0 });

      fillDisk(logFile.path);
      const failuresBefore = sink.failures;
      // A restarted pos run has no working keys: the boot round cannot sign its 0400, so the reversal
      // goes out at sign-in - whose attempt count must be made durable on the full disk.
      options.workingKeys = new WorkingKeys('tdes');
      const second = await start();
      await vi.waitFor(() => expect(second.shell.screen.join('\n')).toContain('SIGN IN: ENTER'), { timeout: 15_000 });
      expect(second.journal.view().transactions[0]?.status).not.toBe('reversed');
      await press(second, 'ENTER', '0', '1', 'ENTER', '0', '0', '0', '0', 'ENTER');
      await vi.waitFor(() => expect(second.journal.view().transactions[0]?.status).toBe('reversed'), { timeout: 15_000 });
      expect(second.shell.operator).toBe('01');
      expect(sink.failures).toBeGreaterThan(failuresBefore);
      expect(warnings).toEqual([`${logFile.path}: write failed (ENOSPC); the terminal goes on trading, log lines are dropped and counted until writing works again`]);
      await second.stop({ waitIdleMs: 5000 });
      expect(existsSync(`${image}.lock`)).toBe(false);
      // Nothing in the state directory was left half-written by the full disk.
      expect(JSON.parse(readFileSync(join(mountPoint, 'settings.json'), 'utf8')).host).toEqual(options.hostAddress);
    } finally {
      releaseSale?.();
      // Stopped twice is harmless; a terminal left running would keep the mount busy.
      for (const terminal of started) await terminal.stop().catch(() => undefined);
      await host.close();
      rmSync(join(mountPoint, 'filler'), { force: true });
    }
  }, 60_000);

  it('a read-only remount: log writes fail (EROFS), counted and warned once, settings saves are refused, the old file stays', async () => {
    const logFile = new RotatingLogFile(join(mountPoint, 'ro.log'), 64 * 1024);
    const warnings: string[] = [];
    const sink = new FailSafeLogSink((line) => logFile.write(line), (m) => warnings.push(m), logFile.path);
    sink.line('{"event":"before"}');
    const { JsonFileSettingsStore } = await import('../../firmware/app/settings-file.js');
    const { defaultSettings } = await import('../../firmware/app/settings.js');
    const store = new JsonFileSettingsStore(join(mountPoint, 'ro-settings.json'));
    await store.save({ ...defaultSettings(), merchantName: 'BEFORE' });
    expect(spawnSync('mount', ['-o', 'remount,ro', mountPoint]).status).toBe(0);
    try {
      sink.line('{"event":"during-1"}');
      sink.line('{"event":"during-2"}');
      expect(sink.failures).toBe(2);
      expect(warnings).toEqual([`${logFile.path}: write failed (EROFS); the terminal goes on trading, log lines are dropped and counted until writing works again`]);
      await expect(store.save({ ...defaultSettings(), merchantName: 'AFTER' })).rejects.toMatchObject({ code: 'EROFS' });
      expect((await store.load())?.merchantName).toBe('BEFORE');
    } finally {
      spawnSync('mount', ['-o', 'remount,rw', mountPoint]);
    }
    sink.line('{"event":"after"}');
    expect(readFileSync(logFile.path, 'utf8')).toMatch(/"before".*\n.*"log.lines-lost","count":2.*\n.*"after"/);
  });
});
