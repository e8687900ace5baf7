import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { SecurityError } from './security-error.js';

/**
 * ECB block operations for the two cipher families a CUP terminal uses.
 * - 'tdes': an 8-byte key is single DES, 16 bytes double-length 3DES, 24 bytes triple-length.
 *   OpenSSL 3 keeps single DES in its legacy provider, so it runs as des-ede3 with the key
 *   repeated three times (E_K D_K E_K = E_K).
 * - 'sm4': 16-byte key, 16-byte blocks (sm4-ecb, which this OpenSSL has; checked at run time).
 */
export type CipherFamily = 'tdes' | 'sm4';

export function blockSize(family: CipherFamily): number {
  return family === 'sm4' ? 16 : 8;
}

let sm4Available: boolean | undefined;

function algorithmFor(family: CipherFamily, key: Uint8Array): { name: string; key: Uint8Array } {
  if (!(key instanceof Uint8Array)) throw new SecurityError('bad-key', `${family} key must be bytes`);
  if (family === 'sm4') {
    sm4Available ??= getCiphers().includes('sm4-ecb');
    if (!sm4Available) {
      throw new SecurityError('cipher-unavailable', "SM4 is not available: this Node's OpenSSL has no sm4-ecb cipher");
    }
    if (key.length !== 16) throw new SecurityError('bad-key', `SM4 key must be 16 bytes, got ${key.length}`);
    return { name: 'sm4-ecb', key };
  }
  if (key.length === 8) {
    const tripled = new Uint8Array(24);
    tripled.set(key, 0);
    tripled.set(key, 8);
    tripled.set(key, 16);
    return { name: 'des-ede3', key: tripled };
  }
  if (key.length === 16) return { name: 'des-ede', key };
  if (key.length === 24) return { name: 'des-ede3', key };
  throw new SecurityError('bad-key', `DES key must be 8, 16 or 24 bytes, got ${key.length}`);
}

function run(decrypt: boolean, family: CipherFamily, key: Uint8Array, data: Uint8Array): Uint8Array {
  const size = blockSize(family);
  if (data.length % size !== 0) {
    throw new SecurityError('bad-data', `${family} ECB data must be a multiple of ${size} bytes, got ${data.length}`);
  }
  const algorithm = algorithmFor(family, key);
  const cipher = decrypt
    ? createDecipheriv(algorithm.name, algorithm.key, null)
    : createCipheriv(algorithm.name, algorithm.key, null);
  cipher.setAutoPadding(false);
  // A fresh array, not a view into Buffer's shared pool: callers wipe keys with fill(0).
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

export function ecbEncrypt(family: CipherFamily, key: Uint8Array, data: Uint8Array): Uint8Array {
  return run(false, family, key, data);
}

export function ecbDecrypt(family: CipherFamily, key: Uint8Array, data: Uint8Array): Uint8Array {
  return run(true, family, key, data);
}
