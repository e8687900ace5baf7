import { constants, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileImageFlash, IMAGE_HEADER_BYTES } from '../../firmware/drivers/flash/file-image.js';
import { FlashRuleViolation } from '../../firmware/drivers/flash/flash-device.js';

/** The image's writes and syncs as they reach node:fs (the real calls still run). */
const fsCalls = vi.hoisted(() => [] as Array<{ call: 'write' | 'fdatasync'; fd: number; position?: number; length?: number }>);
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => {
      fsCalls.push({ call: 'write', fd, position, length });
      return real.writeSync(fd, buffer, offset, length, position);
    },
    fdatasyncSync: (fd: number) => {
      fsCalls.push({ call: 'fdatasync', fd });
      real.fdatasyncSync(fd);
    },
  };
});

const geometry = { size: 4 * 1024, sectorSize: 1024, programUnit: 16 };
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flash-image-'));
  fsCalls.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file image flash', () => {
  it('creates an erased, preallocated image with a header on first use (mode 0600)', async () => {
    const path = join(dir, 'journal.img');
    const flash = await FileImageFlash.open({ path, ...geometry });
    await flash.close();
    const bytes = await readFile(path);
    expect(bytes.length).toBe(IMAGE_HEADER_BYTES + geometry.size);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('POSFLASH');
    expect(bytes.subarray(IMAGE_HEADER_BYTES).every((b) => b === 0xff)).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('keeps programs and erases across a reopen; a sync is one fdatasync after them, none when nothing was written', async () => {
    const path = join(dir, 'journal.img');
    const flash = await FileImageFlash.open({ path, ...geometry });
    const fd = (flash as unknown as { handle: { fd: number } }).handle.fd;
    await flash.sync();
    expect(fsCalls).toEqual([]);
    await flash.program(1024, new Uint8Array(16).fill(0x12));
    await flash.program(0, new Uint8Array(32).fill(0));
    await flash.erase(0);
    await flash.sync();
    await flash.sync();
    expect(fsCalls).toEqual([
      { call: 'write', fd, position: IMAGE_HEADER_BYTES + 1024, length: 16 },
      { call: 'write', fd, position: IMAGE_HEADER_BYTES, length: 32 },
      { call: 'write', fd, position: IMAGE_HEADER_BYTES, length: 1024 },
      { call: 'fdatasync', fd },
    ]);
    expect(flash.counters()).toMatchObject({ programs: 2, erases: 1, bytesProgrammed: 48, syncs: 1, eraseCountPerSector: [1, 0, 0, 0] });
    await flash.close();
    const again = await FileImageFlash.open({ path, ...geometry });
    expect(await again.read(1024, 2)).toEqual(new Uint8Array([0x12, 0x12]));
    expect(await again.read(0, 2)).toEqual(new Uint8Array([0xff, 0xff]));
    await expect(again.program(1024, new Uint8Array(16))).rejects.toBeInstanceOf(FlashRuleViolation);
    await again.close();
  });

  it('a sync after a single program or erase is one write through an O_DSYNC descriptor, no fdatasync', async () => {
    const path = join(dir, 'journal.img');
    const flash = await FileImageFlash.open({ path, ...geometry });
    const dsyncFd = (flash as unknown as { syncedHandle: { fd: number } }).syncedHandle.fd;
    // The descriptor's own flags: without O_DSYNC that write would be in the page cache only.
    const flags = Number.parseInt(/flags:\s*([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${dsyncFd}`, 'ascii'))![1]!, 8);
    expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC);
    await flash.program(2048, new Uint8Array(32).fill(0x34));
    expect(fsCalls).toEqual([]);
    await flash.sync();
    await flash.erase(3);
    await flash.sync();
    expect(fsCalls).toEqual([
      { call: 'write', fd: dsyncFd, position: IMAGE_HEADER_BYTES + 2048, length: 32 },
      { call: 'write', fd: dsyncFd, position: IMAGE_HEADER_BYTES + 3072, length: 1024 },
    ]);
    expect(flash.counters()).toMatchObject({ programs: 1, erases: 1, syncs: 2 });
    // A program never synced still reaches the file at close, as it did when every program was written at once.
    await flash.program(0, new Uint8Array(16).fill(0x56));
    await flash.close();
    const again = await FileImageFlash.open({ path, ...geometry });
    expect(await again.read(2048, 2)).toEqual(new Uint8Array([0x34, 0x34]));
    expect(await again.read(0, 2)).toEqual(new Uint8Array([0x56, 0x56]));
    await again.close();
  });

  it('refuses an image of another geometry with a clear error and leaves it untouched', async () => {
    const path = join(dir, 'journal.img');
    await (await FileImageFlash.open({ path, ...geometry })).close();
    const before = await readFile(path);
    await expect(FileImageFlash.open({ path, ...geometry, sectorSize: 2048 })).rejects.toThrow(
      /has geometry size=4096 sector=1024 unit=16, but the configuration asks for size=4096 sector=2048 unit=16; refusing/,
    );
    expect(await readFile(path)).toEqual(before);
  });

  it('refuses a file that is not an image, a damaged header and a truncated image', async () => {
    const foreign = join(dir, 'notes.txt');
    await writeFile(foreign, 'hello, this is not flash'.padEnd(600, '.'));
    await expect(FileImageFlash.open({ path: foreign, ...geometry })).rejects.toThrow(/not a flash image/);
    const path = join(dir, 'journal.img');
    await (await FileImageFlash.open({ path, ...geometry })).close();
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, IMAGE_HEADER_BYTES + 100));
    await expect(FileImageFlash.open({ path, ...geometry })).rejects.toThrow(/truncated/);
    bytes[13] ^= 1;
    await writeFile(path, bytes);
    await expect(FileImageFlash.open({ path, ...geometry })).rejects.toThrow(/header is damaged/);
  });

  it('read-only: never creates, never writes', async () => {
    const path = join(dir, 'journal.img');
    await expect(FileImageFlash.open({ path, ...geometry, readOnly: true })).rejects.toThrow(/ENOENT/);
    await (await FileImageFlash.open({ path, ...geometry })).close();
    const flash = await FileImageFlash.open({ path, ...geometry, readOnly: true });
    await expect(flash.program(0, new Uint8Array(16))).rejects.toThrow(/read-only/);
    await expect(flash.erase(0)).rejects.toThrow(/read-only/);
    await flash.close();
  });
});
