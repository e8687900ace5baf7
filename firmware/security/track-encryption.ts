import { blockSize, ecbDecrypt, ecbEncrypt, type CipherFamily } from './block-cipher.js';
import { SecurityError } from './security-error.js';

/**
 * CUP magnetic-track encryption (key mode 004, F53 third digit 1): the track is packed BCD as F35 /
 * F36 carry it; the cipher block that ends one byte before the last (TDB) is encrypted under the TDK
 * and put back, the last byte (with the filler of an odd-length track) stays clear (DIALECT.md). The
 * block is the cipher's: 8 bytes for 3DES, 16 for SM4 (inferred: the SM4 TDB is the same rule with
 * SM4's block, as SM4 key mode replaces 3DES block for block elsewhere). The
 * result is a track string over the nibble alphabet 0-9 A B C = E F (D is written '=', as the
 * codec's z fields do). Track data never leaves memory.
 */
const CHAR_OF = '0123456789ABC=EF';

function pack(track: string): Uint8Array {
  const nibbles: number[] = [];
  for (const c of track) {
    const n = c === 'D' ? 0xd : CHAR_OF.indexOf(c);
    if (n < 0) throw new SecurityError('bad-data', 'track data holds a character that is not a track nibble');
    nibbles.push(n);
  }
  if (nibbles.length % 2 === 1) nibbles.push(0);
  const out = new Uint8Array(nibbles.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (nibbles[2 * i]! << 4) | nibbles[2 * i + 1]!;
  return out;
}

function unpack(bytes: Uint8Array, digits: number): string {
  let out = '';
  for (let n = 0; n < digits; n++) {
    const byte = bytes[n >> 1]!;
    out += CHAR_OF[n % 2 === 0 ? byte >> 4 : byte & 0x0f];
  }
  return out;
}

function transform(track: string, tdk: Uint8Array, family: CipherFamily, decrypt: boolean): string {
  const packed = pack(track);
  const block = blockSize(family);
  if (packed.length < block + 1) throw new SecurityError('bad-data', `track of ${track.length} digits is too short to encrypt`);
  const at = packed.length - 1 - block;
  const tdb = packed.slice(at, at + block);
  packed.set(decrypt ? ecbDecrypt(family, tdk, tdb) : ecbEncrypt(family, tdk, tdb), at);
  return unpack(packed, track.length);
}

export function encryptTrack(track: string, tdk: Uint8Array, family: CipherFamily = 'tdes'): string {
  return transform(track, tdk, family, false);
}

export function decryptTrack(track: string, tdk: Uint8Array, family: CipherFamily = 'tdes'): string {
  return transform(track, tdk, family, true);
}
