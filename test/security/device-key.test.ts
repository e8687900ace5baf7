import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceKeyError, loadDeviceKey } from '../../firmware/security/device-key.js';

const HEX = 'ab'.repeat(32);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'device-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('device key: bad sources get a clear error', () => {
  it('takes exactly 64 hex digits, nothing before or after', async () => {
    expect(await loadDeviceKey({ keyHex: HEX })).toEqual(new Uint8Array(32).fill(0xab));
    await expect(loadDeviceKey({ keyHex: `x${HEX}` })).rejects.toThrow(/configured device key must be 64 hex digits/);
    await expect(loadDeviceKey({ keyHex: `${HEX}x` })).rejects.toThrow(/configured device key must be 64 hex digits/);
  });

  it('says what is missing when neither a key nor a key file is configured', async () => {
    const error = await loadDeviceKey({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceKeyError);
    expect((error as Error).message).toBe('no device key: configure keyHex or keyFile');
    expect((error as Error).name).toBe('DeviceKeyError');
  });

  it('with create: false a missing key file is an error naming the file, and no file is made', async () => {
    const file = join(dir, 'device.key');
    await expect(loadDeviceKey({ keyFile: file, create: false })).rejects.toThrow(`device key file ${file} does not exist`);
    await expect(loadDeviceKey({ keyFile: file, create: false })).rejects.toThrow(DeviceKeyError);
  });

  it('refuses a key file others can read, saying its mode and how to fix it', async () => {
    const file = join(dir, 'device.key');
    await writeFile(file, `${HEX}\n`);
    await chmod(file, 0o644);
    await expect(loadDeviceKey({ keyFile: file })).rejects.toThrow(`device key file ${file} has mode 0644; it must be 0600 (chmod 600 ${file})`);
    await chmod(file, 0o600);
    expect(await loadDeviceKey({ keyFile: file })).toEqual(new Uint8Array(32).fill(0xab));
  });
});
