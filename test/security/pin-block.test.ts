import { describe, expect, it } from 'vitest';
import { clearPinBlock, decryptPinBlock, encryptPinBlock } from '../../firmware/security/pin-block.js';
import { VECTORS, bytes, hex } from './vectors.js';

const { pan, pin } = VECTORS.pinBlock;
const PIK = bytes(VECTORS.keys.pik);
const SM4_PIK = bytes(VECTORS.keys.sm4Pik);

describe('PIN block ISO 9564 format 0', () => {
  it('3DES: the clear block and its encryption under the PIK match openssl', () => {
    expect(hex(clearPinBlock(pin, pan))).toBe(VECTORS.pinBlock.clear);
    expect(hex(encryptPinBlock(pin, pan, PIK))).toBe(VECTORS.pinBlock.tdes);
  });

  it('SM4 option: the 16-byte block and its encryption match openssl', () => {
    expect(hex(clearPinBlock(pin, pan, 'sm4'))).toBe(VECTORS.pinBlock.sm4Clear);
    expect(hex(encryptPinBlock(pin, pan, SM4_PIK, 'sm4'))).toBe(VECTORS.pinBlock.sm4);
  });

  it('the inverse recovers the PIN (what the host simulator does)', () => {
    expect(decryptPinBlock(bytes(VECTORS.pinBlock.tdes), pan, PIK)).toBe(pin);
    expect(decryptPinBlock(bytes(VECTORS.pinBlock.sm4), pan, SM4_PIK, 'sm4')).toBe(pin);
    for (const other of ['0000', '987654321098', '55555']) {
      expect(decryptPinBlock(encryptPinBlock(other, pan, PIK), pan, PIK)).toBe(other);
    }
  });

  it('a block for another PAN or under another key does not decode', () => {
    expect(() => decryptPinBlock(bytes(VECTORS.pinBlock.tdes), '6222029999999999993', PIK)).toThrow(/not a format-0 PIN block/);
    expect(() => decryptPinBlock(bytes(VECTORS.pinBlock.tdes), pan, bytes(VECTORS.keys.tdk))).toThrow(/not a format-0 PIN block/);
    expect(() => decryptPinBlock(new Uint8Array(16), pan, PIK)).toThrow(/tdes PIN block is 8 bytes/);
  });

  it('rejects a bad PIN or PAN without echoing either', () => {
    for (const badPin of ['123', '1234567890123', '12a4']) {
      let message = '';
      try {
        encryptPinBlock(badPin, pan, PIK);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe('PIN must be 4 to 12 digits');
    }
    expect(() => encryptPinBlock(pin, '622202123456', PIK)).toThrow(/^PAN must be 13 to 19 digits$/);
  });
});
