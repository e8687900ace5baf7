import { mkdtempSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * First boot makes device.key; later boots only read it. `stat` is wrapped so one test can play
 * another process that creates the key file just after this one looked for it.
 */
const race = vi.hoisted(() => ({ keyFileOfOtherProcess: undefined as string | undefined }));

// doMock and a dynamic import, not a hoisted vi.mock: the mocks must end with this file even where
// test files share one module graph (the Stryker run sets isolate: false).
vi.resetModules();
vi.doMock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    stat: async (file: string) => {
      const result = fs.stat(file);
      if (race.keyFileOfOtherProcess !== undefined && file === race.keyFileOfOtherProcess) {
        race.keyFileOfOtherProcess = undefined;
        await result.catch(() => undefined);
        await fs.writeFile(file, `${OTHER_HEX}\n`, { mode: 0o600 });
      }
      return result;
    },
  };
});

let DeviceKeyError: typeof import('../../firmware/security/device-key.js').DeviceKeyError;
let loadDeviceKey: typeof import('../../firmware/security/device-key.js').loadDeviceKey;
beforeAll(async () => {
  ({ DeviceKeyError, loadDeviceKey } = await import('../../firmware/security/device-key.js'));
});
afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

const OTHER_HEX = 'cd'.repeat(32);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'device-key-'));
  race.keyFileOfOtherProcess = undefined;
});

describe('device key file creation', () => {
  it('first boot writes the new key as 64 lowercase hex digits and a newline, mode 0600, and returns that key', async () => {
    const file = join(dir, 'device.key');
    const key = await loadDeviceKey({ keyFile: file });
    expect(readFileSync(file, 'ascii')).toBe(`${Buffer.from(key).toString('hex')}\n`);
    expect(readFileSync(file, 'ascii')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['device.key']);
    expect(await loadDeviceKey({ keyFile: file })).toEqual(key);
  });

  it('a key file that appears between the look and the write is kept, not replaced', async () => {
    const file = join(dir, 'device.key');
    race.keyFileOfOtherProcess = file;
    const key = await loadDeviceKey({ keyFile: file });
    expect(Buffer.from(key).toString('hex')).toBe(OTHER_HEX);
    expect(readFileSync(file, 'ascii')).toBe(`${OTHER_HEX}\n`);
    expect(readdirSync(dir)).toEqual(['device.key']);
  });

  it('reading an existing key file writes nothing in its directory', async () => {
    const file = join(dir, 'device.key');
    writeFileSync(file, `${OTHER_HEX}\n`, { mode: 0o600 });
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(dir, past, past);
    expect(Buffer.from(await loadDeviceKey({ keyFile: file })).toString('hex')).toBe(OTHER_HEX);
    expect(statSync(dir).mtime).toEqual(past);
  });

  it('names the key file when its contents are not a key', async () => {
    const file = join(dir, 'device.key');
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    await expect(loadDeviceKey({ keyFile: file })).rejects.toThrow(new DeviceKeyError(`device key file ${file} must be 64 hex digits (32 bytes)`));
  });

  it.each([true, false])('a key file path through a regular file fails with the system error for that path (create %s), not "does not exist"', async (create) => {
    writeFileSync(join(dir, 'plain'), '');
    const file = join(dir, 'plain', 'device.key');
    const error = await loadDeviceKey({ keyFile: file, create }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(DeviceKeyError);
    expect(error).toMatchObject({ code: 'ENOTDIR', path: file });
  });
});
