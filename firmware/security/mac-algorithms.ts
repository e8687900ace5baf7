import { ecbDecrypt, ecbEncrypt } from './block-cipher.js';
import { SecurityError } from './security-error.js';

/**
 * The two MAC algorithms CUP terminals use, over arbitrary bytes (message-mac.ts decides which
 * bytes). Both zero-pad the data to a multiple of 8 bytes.
 */

const BLOCK = 8;

function zeroPadded(data: Uint8Array): Uint8Array {
  const length = Math.max(BLOCK, Math.ceil(data.length / BLOCK) * BLOCK);
  const out = new Uint8Array(length);
  out.set(data, 0);
  return out;
}

function checkMak(mak: Uint8Array): void {
  if (!(mak instanceof Uint8Array) || (mak.length !== 8 && mak.length !== 16)) {
    throw new SecurityError('bad-key', `MAK must be 8 or 16 bytes, got ${mak instanceof Uint8Array ? mak.length : typeof mak}`);
  }
}

/** The 16 uppercase hex characters of 8 bytes, as ASCII bytes. */
function hexAscii(bytes: Uint8Array): Uint8Array {
  return new TextEncoder().encode(Buffer.from(bytes).toString('hex').toUpperCase());
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/**
 * CUP "ECB" MAC: XOR all 8-byte blocks; hex-expand the result to 16 ASCII characters; encrypt the
 * first 8 under the MAK, XOR with the last 8, encrypt again; hex-expand; the first 8 characters
 * are the MAC (returned as their 8 ASCII bytes, ready for F64). An 8-byte MAK is single DES, a
 * 16-byte one 3DES.
 */
export function cupEcbMac(mak: Uint8Array, data: Uint8Array): Uint8Array {
  checkMak(mak);
  const padded = zeroPadded(data);
  let folded: Uint8Array = new Uint8Array(BLOCK);
  for (let at = 0; at < padded.length; at += BLOCK) folded = xor(folded, padded.subarray(at, at + BLOCK));
  const expanded = hexAscii(folded);
  const first = ecbEncrypt('tdes', mak, expanded.subarray(0, BLOCK));
  const second = ecbEncrypt('tdes', mak, xor(first, expanded.subarray(BLOCK)));
  return hexAscii(second).slice(0, BLOCK);
}

/**
 * ANSI X9.19 retail MAC: single-DES CBC-MAC under the left half K1, then the last block
 * decrypted under K2 and encrypted under K1 again. An 8-byte MAK means K1 = K2 (plain X9.9).
 * Returns the full 8-byte result.
 */
export function x919Mac(mak: Uint8Array, data: Uint8Array): Uint8Array {
  checkMak(mak);
  const k1 = mak.subarray(0, BLOCK);
  const k2 = mak.length === 16 ? mak.subarray(BLOCK) : k1;
  const padded = zeroPadded(data);
  let chain: Uint8Array = new Uint8Array(BLOCK);
  for (let at = 0; at < padded.length; at += BLOCK) {
    chain = ecbEncrypt('tdes', k1, xor(chain, padded.subarray(at, at + BLOCK)));
  }
  return ecbEncrypt('tdes', k1, ecbDecrypt('tdes', k2, chain));
}
