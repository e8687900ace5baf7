/**
 * One process per journal image (issue 10, item 4): the lock file beside the image, its stale-lock
 * takeover, and two real `pos sim` processes on one --var (a temp dir), with `pos journal verify`
 * reading the image alongside.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageLockedError, lockImage, lockPathOf } from '../../firmware/drivers/flash/image-lock.js';

/** The PID a lock names (a symbolic link to the PID; a regular file on filesystems without links). */
function holderOf(image: string): string {
  return readlinkSync(lockPathOf(image));
}

/** A PID that was alive a moment ago and is not now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('image lock', () => {
  it('a second lock names the holder; a released lock can be taken again', () => {
    const image = join(mkdtempSync(join(tmpdir(), 'pos-lock-')), 'journal.img');
    const first = lockImage(image);
    expect(holderOf(image)).toBe(String(process.pid));
    expect(() => lockImage(image, { pid: process.pid + 1 })).toThrow(ImageLockedError);
    expect(() => lockImage(image, { pid: process.pid + 1 })).toThrow(`is in use by process ${process.pid} (lock ${image}.lock)`);
    first.release();
    expect(existsSync(lockPathOf(image))).toBe(false);
    const second = lockImage(image);
    expect(second.tookOverFrom).toBeUndefined();
    second.release();
  });

  it('a lock whose process is gone is taken over and says from whom (a lock file from a filesystem without links, too)', () => {
    const image = join(mkdtempSync(join(tmpdir(), 'pos-lock-')), 'journal.img');
    const gone = deadPid();
    writeFileSync(lockPathOf(image), `${gone}\n`);
    const lock = lockImage(image);
    expect(lock.tookOverFrom).toBe(gone);
    expect(holderOf(image)).toBe(String(process.pid));
    lock.release();
  });

  it('an empty lock file is being written (refused) until it is old, then stale', () => {
    const image = join(mkdtempSync(join(tmpdir(), 'pos-lock-')), 'journal.img');
    writeFileSync(lockPathOf(image), '');
    expect(() => lockImage(image)).toThrow(/being locked by another process/);
    const lock = lockImage(image, { now: () => Date.now() + 60_000 });
    expect(holderOf(image)).toBe(String(process.pid));
    lock.release();
  });

  it('release leaves a lock that is no longer its own alone', () => {
    const image = join(mkdtempSync(join(tmpdir(), 'pos-lock-')), 'journal.img');
    const lock = lockImage(image);
    unlinkSync(lockPathOf(image));
    symlinkSync('424242', lockPathOf(image));
    lock.release();
    expect(holderOf(image)).toBe('424242');
  });
});

function pos(args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'tools/cli/main.ts', ...args], { stdio: [stdin, 'pipe', 'pipe'] });
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
}

/** Resolves once the child printed its first screen: booted, lock held, image made. */
function firstScreen(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`pos sim exited (${code}) before its first screen`)));
  });
}

describe('two pos sim processes on one journal image', () => {
  it('the second names the holder and exits 1; verify reads alongside; SIGTERM removes the lock; a killed holder is taken over', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'pos-lock-sim-'));
    const image = join(varDir, 'sim', 'journal.img');
    const first = pos(['sim', '--var', varDir], 'pipe');
    const firstDone = finished(first);
    await firstScreen(first);
    expect(holderOf(image)).toBe(String(first.pid));

    const second = await finished(pos(['sim', '--var', varDir]));
    expect(second.code).toBe(1);
    expect(second.err.trim().split('\n')).toEqual([
      `pos sim: journal image ${image} is in use by process ${first.pid} (lock ${image}.lock); stop that process first - one terminal per journal`,
    ]);

    const verify = await finished(pos(['journal', 'verify', image]));
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/verify: OK/);

    first.kill('SIGTERM');
    expect((await firstDone).code).toBe(143);
    expect(existsSync(lockPathOf(image))).toBe(false);

    // A holder killed outright (SIGKILL, a power cut) leaves its lock; the next run takes it over and logs it.
    const killed = pos(['sim', '--var', varDir], 'pipe');
    const killedDone = finished(killed);
    await firstScreen(killed);
    killed.kill('SIGKILL');
    await killedDone;
    expect(holderOf(image)).toBe(String(killed.pid));
    const next = await finished(pos(['sim', '--var', varDir]));
    expect(next.code).toBe(0);
    const log = readFileSync(join(varDir, 'sim', 'terminal.log'), 'utf8');
    expect(log).toContain(`"event":"journal.lock-taken-over","image":"${image}","stalePid":${killed.pid}`);
    expect(existsSync(lockPathOf(image))).toBe(false);
  }, 120_000);
});
