import { joinKeyExchangeField, splitKeyExchangeField, type EncryptedKeySlot } from '../iso8583/field62.js';
import { Iso8583Error } from '../iso8583/message.js';
import { blockSize, ecbDecrypt, ecbEncrypt, type CipherFamily } from './block-cipher.js';
import { SecurityError } from './security-error.js';

/**
 * Sign-in key exchange: F62 of the 0810 carries PIK, MAK (and TDK) encrypted under the terminal
 * master key (TMK), each with a check value = the first 4 bytes of E(clear key, zero block).
 * With 'tdes' the MAK is 8 bytes (its 16-byte slot ends in 8 bytes of padding); with 'sm4' every
 * key is 16 bytes. Layouts are in ../iso8583/field62.ts.
 */
export interface WorkingKeySet {
  pik: Uint8Array;
  mak: Uint8Array;
  tdk?: Uint8Array;
}

const CHECK_BYTES = 4;

export function checkValue(key: Uint8Array, family: CipherFamily = 'tdes'): Uint8Array {
  return ecbEncrypt(family, key, new Uint8Array(blockSize(family))).slice(0, CHECK_BYTES);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function openSlot(name: string, slot: EncryptedKeySlot, keyLength: number, tmk: Uint8Array, family: CipherFamily): Uint8Array {
  const key = ecbDecrypt(family, tmk, slot.encryptedKey.subarray(0, keyLength));
  if (!sameBytes(checkValue(key, family), slot.checkValue)) {
    throw new SecurityError('key-check-failed', `key check failed: the ${name} does not match its check value`);
  }
  return key;
}

/** Decrypts and checks every key of F62; throws SecurityError ("key check failed" on a mismatch). */
export function parseKeyExchange(f62: Uint8Array, tmk: Uint8Array, family: CipherFamily = 'tdes'): WorkingKeySet {
  if (!(f62 instanceof Uint8Array)) throw new SecurityError('bad-key-exchange', 'F62 is missing or not bytes');
  let slots;
  try {
    slots = splitKeyExchangeField(f62);
  } catch (error) {
    if (error instanceof Iso8583Error) throw new SecurityError('bad-key-exchange', error.message);
    throw error;
  }
  const wide = slots.pik.encryptedKey.length === 16;
  if (family === 'sm4' && !wide) throw new SecurityError('bad-key-exchange', 'SM4 keys need the 40- or 60-byte F62 layout');
  const makLength = family === 'sm4' ? 16 : 8;
  const keys: WorkingKeySet = {
    pik: openSlot('PIK', slots.pik, slots.pik.encryptedKey.length, tmk, family),
    mak: openSlot('MAK', slots.mak, makLength, tmk, family),
  };
  if (slots.tdk) keys.tdk = openSlot('TDK', slots.tdk, 16, tmk, family);
  return keys;
}

function sealSlot(name: string, key: Uint8Array, slotLength: number, tmk: Uint8Array, family: CipherFamily): EncryptedKeySlot {
  if (!(key instanceof Uint8Array)) throw new SecurityError('bad-key', `${name} must be bytes`);
  const encryptedKey = new Uint8Array(slotLength);
  encryptedKey.set(ecbEncrypt(family, tmk, key), 0);
  return { encryptedKey, checkValue: checkValue(key, family) };
}

/** The inverse of parseKeyExchange, for the host simulator's sign-in response. */
export function buildKeyExchangeField(tmk: Uint8Array, keys: WorkingKeySet, family: CipherFamily = 'tdes'): Uint8Array {
  const single = family === 'tdes' && keys.pik.length === 8;
  const expected = family === 'sm4'
    ? { pik: 16, mak: 16 }
    : single ? { pik: 8, mak: 8 } : { pik: 16, mak: 8 };
  if (keys.pik.length !== expected.pik || keys.mak.length !== expected.mak || (keys.tdk && (single || keys.tdk.length !== 16))) {
    throw new SecurityError(
      'bad-key',
      family === 'sm4'
        ? 'SM4 working keys are all 16 bytes'
        : 'DES working keys: PIK 8 + MAK 8 (single DES, no TDK) or PIK 16 + MAK 8 (+ TDK 16)',
    );
  }
  const slot = single ? 8 : 16;
  return joinKeyExchangeField({
    pik: sealSlot('PIK', keys.pik, slot, tmk, family),
    mak: sealSlot('MAK', keys.mak, slot, tmk, family),
    ...(keys.tdk ? { tdk: sealSlot('TDK', keys.tdk, slot, tmk, family) } : {}),
  });
}
