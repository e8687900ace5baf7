import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileDurably } from '../../firmware/hal/durable-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'durable-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (text: string): Uint8Array => Buffer.from(text, 'ascii');

describe('writeFileDurably', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const path = join(dir, 'settings.json');
    await writeFile(path, 'old');
    expect(await writeFileDurably(path, bytes('new'))).toBe(true);
    expect(await readFile(path, 'ascii')).toBe('new');
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('exclusive: never replaces what is there, and writes nothing', async () => {
    const path = join(dir, 'device.key');
    await writeFile(path, 'first');
    expect(await writeFileDurably(path, bytes('second'), { exclusive: true })).toBe(false);
    expect(await readFile(path, 'ascii')).toBe('first');
    expect(await readdir(dir)).toEqual(['device.key']);
  });

  it('two writers at once (two `pos` processes creating the device key): the one told it won wrote what is there', async () => {
    // With one shared temporary name the second writer truncated and refilled the first one's
    // temporary file before the first linked it: the first was told its key was stored while the
    // file held the second's, and would seal PANs under a key nobody can load again.
    const path = join(dir, 'device.key');
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}-${'x'.repeat(4096 * (i + 1))}`);
    const won = await Promise.all(keys.map((key) => writeFileDurably(path, bytes(key), { exclusive: true })));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await readFile(path, 'ascii')).toBe(keys[won.indexOf(true)]);
    expect(await readdir(dir)).toEqual(['device.key']);
  });

  it('two plain writers at once: the file ends holding one of them whole', async () => {
    const path = join(dir, 'settings.json');
    const bodies = Array.from({ length: 8 }, (_, i) => `${i}`.repeat(4096 * (i + 1)));
    await Promise.all(bodies.map((body) => writeFileDurably(path, bytes(body))));
    expect(bodies).toContain(await readFile(path, 'ascii'));
    expect(await readdir(dir)).toEqual(['settings.json']);
  });
});
