import { mkdtemp, chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceKeyError, loadDeviceKey } from '../../firmware/security/device-key.js';
import { createPanCipher, PanSealError } from '../../firmware/security/pan-at-rest.js';

describe('PAN at rest', () => {
  const key = new Uint8Array(32).fill(9);

  it('seals into IV + BCD ciphertext + tag and opens back, with a fresh IV each time', () => {
    const cipher = createPanCipher(key);
    const a = cipher.seal('6222021234567890123');
    const b = cipher.seal('6222021234567890123');
    expect(a.length).toBe(12 + 11 + 16);
    expect(a.equals(b)).toBe(false);
    expect(cipher.open(a)).toBe('6222021234567890123');
    expect(cipher.open(cipher.seal('622202123456'))).toBe('622202123456');
  });

  it('refuses a wrong key, a damaged blob, a bad PAN and a short key', () => {
    const sealed = createPanCipher(key).seal('6222021234567890123');
    expect(() => createPanCipher(new Uint8Array(32).fill(8)).open(sealed)).toThrow(PanSealError);
    sealed[14]! ^= 1;
    expect(() => createPanCipher(key).open(sealed)).toThrow(/authentication/);
    expect(() => createPanCipher(key).seal('6222-0212')).toThrow(/12 to 19 digits/);
    expect(() => createPanCipher(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe('device key', () => {
  it('creates a 0600 key file on first run and reads the same key afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'device-key-'));
    try {
      const keyFile = join(dir, 'device.key');
      const first = await loadDeviceKey({ keyFile });
      expect(first).toHaveLength(32);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect(await loadDeviceKey({ keyFile })).toEqual(first);
      expect((await readFile(keyFile, 'ascii')).trim()).toBe(Buffer.from(first).toString('hex'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a key file others can read, a missing file when told not to create, and bad hex', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'device-key-'));
    try {
      const keyFile = join(dir, 'device.key');
      await expect(loadDeviceKey({ keyFile, create: false })).rejects.toThrow(/does not exist/);
      await writeFile(keyFile, 'ab'.repeat(32));
      await chmod(keyFile, 0o644);
      await expect(loadDeviceKey({ keyFile })).rejects.toThrow(/mode 0644; it must be 0600/);
      await expect(loadDeviceKey({ keyHex: 'abc' })).rejects.toBeInstanceOf(DeviceKeyError);
      await expect(loadDeviceKey({})).rejects.toThrow(/no device key/);
      expect(await loadDeviceKey({ keyHex: '01'.repeat(32) })).toEqual(new Uint8Array(32).fill(1));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
