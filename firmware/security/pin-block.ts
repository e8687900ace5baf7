import { blockSize, ecbDecrypt, ecbEncrypt, type CipherFamily } from './block-cipher.js';
import { SecurityError } from './security-error.js';

/**
 * PIN blocks, ISO 9564 format 0 (ANSI X9.8): PIN field 0 | L | PIN | F fill, XOR the PAN field
 * 0000 | the 12 rightmost PAN digits excluding the check digit; encrypted under the PIK.
 * 'tdes' gives the 8-byte block. 'sm4' widens both fields to 16 bytes (PIN field F-filled to
 * 32 nibbles, PAN field 20 zero nibbles + the same 12 digits), as CUP's SM4 terminals do.
 * Nothing here keeps or prints a PIN; error messages never contain one.
 */

function panField(pan: string, size: number): Uint8Array {
  if (typeof pan !== 'string' || !/^[0-9]{13,19}$/.test(pan)) {
    throw new SecurityError('bad-pan', 'PAN must be 13 to 19 digits');
  }
  const digits = pan.slice(-13, -1).padStart(size * 2, '0');
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

function pinField(pin: string, size: number): Uint8Array {
  if (typeof pin !== 'string' || !/^[0-9]{4,12}$/.test(pin)) {
    throw new SecurityError('bad-pin', 'PIN must be 4 to 12 digits');
  }
  const nibbles = ('0' + pin.length.toString(16) + pin).padEnd(size * 2, 'F');
  return Uint8Array.from(Buffer.from(nibbles, 'hex'));
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** The clear PIN block (callers should encrypt it at once and drop it). */
export function clearPinBlock(pin: string, pan: string, family: CipherFamily = 'tdes'): Uint8Array {
  const size = blockSize(family);
  return xor(pinField(pin, size), panField(pan, size));
}

/** The F52 value: the format-0 PIN block encrypted under the PIK. */
export function encryptPinBlock(pin: string, pan: string, pik: Uint8Array, family: CipherFamily = 'tdes'): Uint8Array {
  return ecbEncrypt(family, pik, clearPinBlock(pin, pan, family));
}

/** The inverse, for the host simulator: recovers the PIN from F52 and the PAN. */
export function decryptPinBlock(block: Uint8Array, pan: string, pik: Uint8Array, family: CipherFamily = 'tdes'): string {
  const size = blockSize(family);
  if (!(block instanceof Uint8Array) || block.length !== size) {
    throw new SecurityError('bad-pin-block', `a ${family} PIN block is ${size} bytes`);
  }
  const nibbles = Buffer.from(xor(ecbDecrypt(family, pik, block), panField(pan, size))).toString('hex').toUpperCase();
  const length = parseInt(nibbles[1]!, 16);
  const pin = nibbles.slice(2, 2 + length);
  const fill = nibbles.slice(2 + length);
  if (nibbles[0] !== '0' || length < 4 || length > 12 || !/^[0-9]+$/.test(pin) || !/^F*$/.test(fill)) {
    throw new SecurityError('bad-pin-block', 'not a format-0 PIN block for this PAN and key');
  }
  return pin;
}
