/**
 * The state directory's writers under a failing disk, through a fault-injecting file layer
 * (node:fs/promises with its handles' writes limited to a byte budget, or opens for writing refused
 * as on a read-only mount). A write past the budget lands short, as write(2) does on a nearly full
 * disk, and the next one fails with ENOSPC. Issue 10, item 5: a new journal image is never left short
 * under its real name; an atomic settings save leaves the old file and no temporary one.
 */
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonFileLockoutStore } from '../../firmware/app/password-lockout.js';
import { JsonFileSettingsStore } from '../../firmware/app/settings-file.js';
import { defaultSettings } from '../../firmware/app/settings.js';
import { FileImageFlash, IMAGE_HEADER_BYTES } from '../../firmware/drivers/flash/file-image.js';
import { loadDeviceKey } from '../../firmware/security/device-key.js';

/**
 * budget: bytes of new space the disk still gives (an overwrite inside a file's present size takes
 * none, as on a real filesystem); cutAtBudget: the power goes there instead (the write never returns);
 * tearAfter: the next write lands only this many bytes, then the power goes.
 */
const disk = vi.hoisted(() => ({ budget: Number.POSITIVE_INFINITY, readOnly: false, cutAtBudget: false, tearAfter: undefined as number | undefined }));

function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open = async (path: Parameters<typeof real.open>[0], flags?: string | number, mode?: number) => {
    const writing = typeof flags === 'number' ? (flags & 3) !== 0 : flags !== undefined && /[wa+]/.test(flags);
    // A read-only mount still says ENOENT for a missing file opened without O_CREAT.
    const creates = typeof flags !== 'number' || (flags & real.constants.O_CREAT) !== 0;
    if (writing && disk.readOnly && (creates || existsSync(String(path)))) throw fsError('EROFS');
    const handle = await real.open(path, flags, mode);
    if (!writing) return handle;
    return new Proxy(handle, {
      get(target, property) {
        if (property === 'write') {
          return async (buffer: Uint8Array, offset: number, length: number, position: number) => {
            if (disk.tearAfter !== undefined) {
              await target.write(buffer, offset, Math.min(length, disk.tearAfter), position);
              disk.tearAfter = undefined;
              return new Promise(() => undefined);
            }
            const inPlace = Math.max(0, Math.min(length, (await target.stat()).size - position));
            const allowed = Math.min(length, inPlace + disk.budget);
            if (disk.cutAtBudget && allowed < length) {
              if (allowed > 0) await target.write(buffer, offset, allowed, position);
              disk.budget = 0;
              return new Promise(() => undefined);
            }
            if (allowed <= 0) throw fsError('ENOSPC');
            disk.budget -= allowed - inPlace;
            return target.write(buffer, offset, allowed, position);
          };
        }
        if (property === 'writeFile') {
          return async (data: string | Uint8Array, encoding?: BufferEncoding) => {
            const bytes = typeof data === 'string' ? Buffer.from(data, encoding) : data;
            const allowed = Math.min(bytes.length, disk.budget);
            if (allowed > 0) await target.write(bytes, 0, allowed, 0);
            disk.budget -= allowed;
            if (allowed < bytes.length) throw fsError('ENOSPC');
          };
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return { ...real, open, default: { ...real, open } };
});

afterEach(() => {
  disk.budget = Number.POSITIVE_INFINITY;
  disk.readOnly = false;
  disk.cutAtBudget = false;
  disk.tearAfter = undefined;
});

const geometry = { size: 65536, sectorSize: 4096, programUnit: 16 };

describe('a new journal image on a failing disk', () => {
  it('disk full part-way (a short write, then ENOSPC): refused, and no image, short or whole, under the real name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    const path = join(dir, 'journal.img');
    // The issue measured a 65,024-byte image left behind on a nearly full disk.
    disk.budget = 65_024;
    await expect(FileImageFlash.open({ path, ...geometry })).rejects.toThrow(`cannot create flash image ${path}`);
    expect(readdirSync(dir)).toEqual([]);
    // Space again: the next start builds the image whole.
    disk.budget = Number.POSITIVE_INFINITY;
    const flash = await FileImageFlash.open({ path, ...geometry });
    await flash.close();
    expect(statSync(path).size).toBe(IMAGE_HEADER_BYTES + geometry.size);
    expect(readdirSync(dir)).toEqual(['journal.img']);
  });

  it('power cut while the new image fills: the real name does not exist yet; the next start builds it whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    const path = join(dir, 'journal.img');
    disk.budget = 65_024;
    disk.cutAtBudget = true;
    void FileImageFlash.open({ path, ...geometry });
    await vi.waitFor(() => expect(disk.budget).toBe(0));
    // Only the write's own temporary file (journal.img.<pid>-<random>.new), never a short journal.img.
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^journal\.img\.\d+-[0-9a-f]{8}\.new$/)]);
    disk.budget = Number.POSITIVE_INFINITY;
    disk.cutAtBudget = false;
    await (await FileImageFlash.open({ path, ...geometry })).close();
    expect(statSync(path).size).toBe(IMAGE_HEADER_BYTES + geometry.size);
  });

  it('read-only disk: refused with one message naming the image and EROFS; nothing created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    const path = join(dir, 'journal.img');
    disk.readOnly = true;
    await expect(FileImageFlash.open({ path, ...geometry })).rejects.toThrow(`cannot create flash image ${path} (EROFS); nothing was left under that name`);
    expect(existsSync(path)).toBe(false);
  });
});

describe('the device key made on first boot on a full disk', () => {
  it('fails with ENOSPC and leaves no device.key (an empty one would be refused on every later boot)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    const keyFile = join(dir, 'device.key');
    disk.budget = 10;
    await expect(loadDeviceKey({ keyFile })).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readdirSync(dir)).toEqual([]);
    disk.budget = Number.POSITIVE_INFINITY;
    const key = await loadDeviceKey({ keyFile });
    expect(key).toHaveLength(32);
    expect(await loadDeviceKey({ keyFile })).toEqual(key);
  });
});

describe('settings saves on a failing disk', () => {
  const first = { ...defaultSettings(), merchantName: 'FIRST SHOP' };
  const second = { ...defaultSettings(), merchantName: 'SECOND SHOP' };

  it.each([
    ['nothing fits (ENOSPC at once)', 0],
    ['a short write, then ENOSPC', 700],
  ])('%s: the save fails, the old settings stay, no temporary file is left', async (_case, budget) => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    const store = new JsonFileSettingsStore(join(dir, 'settings.json'));
    await store.save(first);
    disk.budget = budget;
    await expect(store.save(second)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readdirSync(dir)).toEqual(['settings.json']);
    expect(await store.load()).toEqual(first);
  });

  it('read-only disk: the save fails with EROFS, the settings still load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    const store = new JsonFileSettingsStore(join(dir, 'settings.json'));
    await store.save(first);
    disk.readOnly = true;
    await expect(store.save(second)).rejects.toMatchObject({ code: 'EROFS' });
    expect(await store.load()).toEqual(first);
  });
});

describe('wrong-password counts on a failing disk (lockouts.json, two slots rewritten in place)', () => {
  it('a count is still made durable on a full disk, so sign-in (and its reversal round) works there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    const store = new JsonFileLockoutStore(join(dir, 'lockouts.json'));
    await store.save({ '01': { failures: 1 } });
    disk.budget = 0;
    await store.save({ '01': { failures: 2 } });
    await store.save({ '01': { failures: 3 } });
    expect(await new JsonFileLockoutStore(join(dir, 'lockouts.json')).load()).toEqual({ '01': { failures: 3 } });
    expect(readdirSync(dir)).toEqual(['lockouts.json']);
  });

  it('a write torn by a cut leaves the previous count (that write had not returned, so no password was checked)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    const store = new JsonFileLockoutStore(join(dir, 'lockouts.json'));
    await store.save({ '01': { failures: 1 } });
    await store.save({ '01': { failures: 2 } });
    disk.tearAfter = 20;
    void store.save({ '01': { failures: 3 } });
    await vi.waitFor(() => expect(disk.tearAfter).toBeUndefined());
    expect(await new JsonFileLockoutStore(join(dir, 'lockouts.json')).load()).toEqual({ '01': { failures: 2 } });
  });

  it('an older plain lockouts.json is read, and converted by the next save', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-faults-'));
    writeFileSync(join(dir, 'lockouts.json'), '{"02": {"failures": 4}}\n');
    const store = new JsonFileLockoutStore(join(dir, 'lockouts.json'));
    expect(await store.load()).toEqual({ '02': { failures: 4 } });
    await store.save({ '02': { failures: 5 } });
    expect(statSync(join(dir, 'lockouts.json')).size).toBe(2 * 8192);
    expect(await new JsonFileLockoutStore(join(dir, 'lockouts.json')).load()).toEqual({ '02': { failures: 5 } });
  });
});
