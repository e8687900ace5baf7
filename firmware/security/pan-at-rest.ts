import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * PAN encryption at rest: AES-256-GCM under the device key. The PAN is packed as BCD first (one
 * length byte + two digits a byte) so a 19-digit PAN seals into 12 (IV) + 11 + 16 (tag) = 39 bytes.
 * A random IV per seal: IVs derived from record numbers could repeat after a power cut, and a
 * repeated GCM nonce would leak the PANs and the authentication key.
 */
export interface PanCipher {
  seal(pan: string): Buffer;
  open(sealed: Uint8Array): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from('pos-terminal PAN v1', 'ascii');

export class PanSealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PanSealError';
  }
}

export function createPanCipher(deviceKey: Uint8Array, random: (n: number) => Uint8Array = pooledRandomBytes()): PanCipher {
  if (deviceKey.length !== 32) throw new PanSealError(`device key must be 32 bytes (AES-256), got ${deviceKey.length}`);
  const key = Buffer.from(deviceKey);
  return {
    seal(pan: string): Buffer {
      const iv = Buffer.from(random(IV_BYTES));
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(packPan(pan)), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]);
    },
    open(sealed: Uint8Array): string {
      if (sealed.length < IV_BYTES + TAG_BYTES + 1) throw new PanSealError('sealed PAN is too short');
      const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(AAD);
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      try {
        return unpackPan(Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]));
      } catch (error) {
        if (error instanceof PanSealError) throw error;
        throw new PanSealError('sealed PAN failed authentication (wrong device key or damaged record)');
      }
    },
  };
}

/** randomBytes drawn from a pool refilled 4 KiB at a time: one call per IV costs more than the seal. */
function pooledRandomBytes(): (n: number) => Uint8Array {
  let pool = Buffer.alloc(0);
  let used = 0;
  return (n) => {
    if (used + n > pool.length) {
      pool = randomBytes(Math.max(4096, n));
      used = 0;
    }
    used += n;
    return pool.subarray(used - n, used);
  };
}

function packPan(pan: string): Buffer {
  if (!/^\d{12,19}$/.test(pan)) throw new PanSealError('PAN must be 12 to 19 digits');
  const out = Buffer.alloc(1 + Math.ceil(pan.length / 2));
  out[0] = pan.length;
  for (let i = 0; i < pan.length; i++) {
    const digit = pan.charCodeAt(i) - 48;
    out[1 + (i >> 1)]! |= i % 2 === 0 ? digit << 4 : digit;
  }
  return out;
}

function unpackPan(packed: Buffer): string {
  const length = packed[0]!;
  if (length < 12 || length > 19 || packed.length !== 1 + Math.ceil(length / 2)) throw new PanSealError('sealed PAN has a bad length');
  let pan = '';
  for (let i = 0; i < length; i++) {
    const byte = packed[1 + (i >> 1)]!;
    pan += String((i % 2 === 0 ? byte >> 4 : byte & 0x0f) % 10);
  }
  return pan;
}
