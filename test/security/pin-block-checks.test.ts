import { describe, expect, it } from 'vitest';
import { ecbEncrypt } from '../../firmware/security/block-cipher.js';
import { clearPinBlock, decryptPinBlock } from '../../firmware/security/pin-block.js';

const PIK = Uint8Array.from(Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex'));
const PAN = '6222021234567890123';

/** ISO 9564 format 0 by hand: PIN field XOR (4 zero nibbles + the 12 PAN digits before the check digit). */
function encryptedField(pinFieldHex: string): Uint8Array {
  const panField = Buffer.from(PAN.slice(-13, -1).padStart(16, '0'), 'hex');
  const pinField = Buffer.from(pinFieldHex, 'hex');
  return ecbEncrypt('tdes', PIK, Uint8Array.from(pinField, (byte, i) => byte ^ panField[i]!));
}

describe('PIN block checks (ISO 9564 format 0): bad input is refused with a clear error', () => {
  it('reads a hand-built format-0 block', () => {
    expect(decryptPinBlock(encryptedField('041234FFFFFFFFFF'), PAN, PIK)).toBe('1234');
  });

  it.each([
    ['format 1 (first nibble 1)', '141234FFFFFFFFFF'],
    ['a 3-digit PIN', '03123FFFFFFFFFFF'],
    ['a 13-digit PIN (length nibble D)', '0D1234567890123F'],
    ['a PIN digit that is not a digit', '04123AFFFFFFFFFF'],
    ['a PIN that starts with a non-digit', '04A234FFFFFFFFFF'],
    ['fill that is not F', '041234FFFFFFFF0F'],
  ])('refuses %s', (_name, field) => {
    expect(() => decryptPinBlock(encryptedField(field), PAN, PIK)).toThrow(/not a format-0 PIN block/);
  });

  it('refuses a PIN block of the wrong size', () => {
    expect(() => decryptPinBlock(new Uint8Array(16), PAN, PIK)).toThrow(/tdes PIN block is 8 bytes/);
  });

  it.each([
    ['too short', '622202123456'],
    ['too long', '62220212345678901234'],
    ['letters before the digits', 'x622202123456789'],
    ['letters after the digits', '622202123456789x'],
  ])('refuses a PAN that is %s', (_name, pan) => {
    expect(() => clearPinBlock('1234', pan)).toThrow(/PAN must be 13 to 19 digits/);
  });

  it.each([['123'], ['1234567890123'], ['12a4'], ['x1234'], ['1234x']])('refuses the PIN %s', (pin) => {
    expect(() => clearPinBlock(pin, PAN)).toThrow(/PIN must be 4 to 12 digits/);
  });

  it('refuses a PIN or PAN that is a number, not a string of digits (e.g. from JSON), with the same errors', () => {
    expect(() => clearPinBlock(1234 as never, PAN)).toThrow(expect.objectContaining({ kind: 'bad-pin', message: 'PIN must be 4 to 12 digits' }));
    expect(() => clearPinBlock('1234', 6222021234567890 as never)).toThrow(expect.objectContaining({ kind: 'bad-pan', message: 'PAN must be 13 to 19 digits' }));
  });
});
