import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { writeFileDurably } from '../hal/durable-file.js';

/**
 * The device key that seals PANs at rest (AES-256: 32 bytes). It comes from configuration (64 hex
 * digits) or from a key file; the key file is created with mode 0600 on first run and refused when
 * group or others can read it, so a copied or loosened file is noticed instead of used.
 */
export interface DeviceKeySource {
  keyHex?: string;
  keyFile?: string;
  /** Create the key file when it is missing (default true; tools that only read pass false). */
  create?: boolean;
}

export class DeviceKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceKeyError';
  }
}

export async function loadDeviceKey(source: DeviceKeySource): Promise<Uint8Array> {
  if (source.keyHex !== undefined) return parseKeyHex(source.keyHex, 'configured device key');
  if (source.keyFile === undefined) throw new DeviceKeyError('no device key: configure keyHex or keyFile');
  const file = source.keyFile;
  if (source.create !== false) {
    const created = await createKeyFile(file);
    if (created) return created;
  }
  let mode: number;
  try {
    mode = (await stat(file)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DeviceKeyError(`device key file ${file} does not exist`);
    throw error;
  }
  if ((mode & 0o077) !== 0) {
    throw new DeviceKeyError(`device key file ${file} has mode 0${mode.toString(8)}; it must be 0600 (chmod 600 ${file})`);
  }
  return parseKeyHex((await readFile(file, 'ascii')).trim(), `device key file ${file}`);
}

/**
 * A new random key in a new 0600 file; undefined when the file already exists. Made whole under a
 * temporary name and linked to the real one (hal/durable-file.ts, exclusive): a full disk or a cut
 * while writing never leaves an empty device.key that every later boot would refuse.
 */
async function createKeyFile(file: string): Promise<Uint8Array | undefined> {
  try {
    await stat(file);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  const created = await writeFileDurably(file, Buffer.from(key.toString('hex') + '\n', 'ascii'), { exclusive: true });
  return created ? new Uint8Array(key) : undefined;
}

function parseKeyHex(hex: string, what: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new DeviceKeyError(`${what} must be 64 hex digits (32 bytes)`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
