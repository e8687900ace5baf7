import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * How `pos keys load-tmk` puts the key on the board: a power cut must leave either the old
 * master.key or the new one, never a torn file, and the key must not linger in memory.
 * The file system calls are recorded (and still made) to check their order; the parsed key is
 * captured to check that it is wiped.
 */
const fsLog = vi.hoisted(() => [] as string[]);
const parsedKeys = vi.hoisted(() => [] as Uint8Array[]);

// doMock and a dynamic import, not a hoisted vi.mock: the mocks must end with this file even where
// test files share one module graph (the Stryker run sets isolate: false).
vi.resetModules();
vi.doMock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const names = new Map<number, string>();
  const name = (fd: number) => names.get(fd) ?? `fd ${fd}`;
  return {
    ...fs,
    openSync: (file: string, flags: string, mode?: number) => {
      const fd = fs.openSync(file, flags, mode);
      names.set(fd, basename(file));
      fsLog.push(`open ${basename(file)}`);
      return fd;
    },
    writeSync: (fd: number, text: string) => {
      fsLog.push(`write ${name(fd)}`);
      return fs.writeSync(fd, text);
    },
    fsyncSync: (fd: number) => {
      fsLog.push(`fsync ${name(fd)}`);
      fs.fsyncSync(fd);
    },
    closeSync: (fd: number) => {
      fsLog.push(`close ${name(fd)}`);
      fs.closeSync(fd);
      names.delete(fd);
    },
    renameSync: (from: string, to: string) => {
      fsLog.push(`rename ${basename(from)} ${basename(to)}`);
      fs.renameSync(from, to);
    },
    unlinkSync: (file: string) => {
      fsLog.push(`unlink ${basename(file)}`);
      fs.unlinkSync(file);
    },
  };
});

vi.doMock('../../firmware/security/master-key.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../firmware/security/master-key.js')>();
  return {
    ...real,
    parseMasterKey: (text: string, source: string) => {
      const key = real.parseMasterKey(text, source);
      parsedKeys.push(key);
      return key;
    },
  };
});

let storeMasterKey: typeof import('../../firmware/security/master-key-loading.js').storeMasterKey;
beforeAll(async () => {
  ({ storeMasterKey } = await import('../../firmware/security/master-key-loading.js'));
});
afterAll(() => {
  vi.doUnmock('node:fs');
  vi.doUnmock('../../firmware/security/master-key.js');
  vi.resetModules();
});

const KEY = '0123456789ABCDEFFEDCBA9876543210';

beforeEach(() => {
  fsLog.length = 0;
  parsedKeys.length = 0;
});

describe('storing the master key durably', () => {
  it('writes and syncs a temporary file, renames it over master.key, then syncs the directory; every descriptor is closed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-tmk-'));
    storeMasterKey(KEY, 'tmk.txt', { stateDir: dir });
    expect(fsLog).toEqual([
      'open master.key.new',
      'write master.key.new',
      'fsync master.key.new',
      'close master.key.new',
      'rename master.key.new master.key',
      `open ${basename(dir)}`,
      `fsync ${basename(dir)}`,
      `close ${basename(dir)}`,
    ]);
  });

  it('when master.key cannot be replaced, says why and leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-tmk-'));
    mkdirSync(join(dir, 'master.key'));
    writeFileSync(join(dir, 'master.key', 'something'), '');
    expect(() => storeMasterKey(KEY, 'tmk.txt', { stateDir: dir })).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(readdirSync(dir)).toEqual(['master.key']);
    expect(statSync(join(dir, 'master.key')).isDirectory()).toBe(true);
    expect(fsLog).toContain('unlink master.key.new');
  });
});

describe('the key does not stay in memory', () => {
  it('is wiped once stored', () => {
    storeMasterKey(KEY, 'tmk.txt', { stateDir: mkdtempSync(join(tmpdir(), 'pos-tmk-')) });
    expect(parsedKeys).toHaveLength(1);
    expect(parsedKeys[0]!.every((byte) => byte === 0)).toBe(true);
  });

  it('is wiped when refused as weak or for a wrong check value', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'pos-tmk-'));
    expect(() => storeMasterKey(KEY.slice(0, 16).repeat(2), 'tmk.txt', { stateDir })).toThrow(/two halves/);
    expect(() => storeMasterKey(KEY, 'tmk.txt', { stateDir, expectedCheckValue: '123456' })).toThrow(/check value/);
    expect(parsedKeys).toHaveLength(2);
    for (const key of parsedKeys) expect(key.every((byte) => byte === 0)).toBe(true);
  });
});
