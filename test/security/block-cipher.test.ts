import { describe, expect, it } from 'vitest';
import { checkValue } from '../../firmware/security/key-exchange.js';
import { ecbDecrypt, ecbEncrypt } from '../../firmware/security/block-cipher.js';
import { VECTORS, bytes, hex } from './vectors.js';

describe('ECB block ciphers against published and openssl vectors', () => {
  it('single DES: the classic FIPS 46 worked example (key 133457799BBCDFF1)', () => {
    expect(hex(ecbEncrypt('tdes', bytes('133457799BBCDFF1'), bytes('0123456789ABCDEF')))).toBe('85E813540F0AB405');
    expect(hex(ecbDecrypt('tdes', bytes('133457799BBCDFF1'), bytes('85E813540F0AB405')))).toBe('0123456789ABCDEF');
  });

  it('SM4: the GB/T 32907-2016 example 1', () => {
    const key = bytes('0123456789ABCDEFFEDCBA9876543210');
    expect(hex(ecbEncrypt('sm4', key, key))).toBe('681EDF34D206965E86B3E94F536E4246');
    expect(hex(ecbDecrypt('sm4', key, bytes('681EDF34D206965E86B3E94F536E4246')))).toBe(hex(key));
  });

  it('triple-length 3DES: the NIST SP 800-67 Rev. 1 example (three distinct keys, "The qufck brown fox jump")', () => {
    const key = bytes('0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123');
    const plain = bytes(Buffer.from('The qufck brown fox jump', 'ascii').toString('hex'));
    expect(hex(ecbEncrypt('tdes', key, plain))).toBe('A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900');
    expect(hex(ecbDecrypt('tdes', key, bytes('A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900')))).toBe(hex(plain));
  });

  it('check values: DES for an 8-byte key, 3DES for a 16-byte key, SM4', () => {
    expect(hex(checkValue(bytes(VECTORS.keys.mak)))).toBe(VECTORS.checkValues.mak);
    expect(hex(checkValue(bytes(VECTORS.keys.pik)))).toBe(VECTORS.checkValues.pik);
    expect(hex(checkValue(bytes(VECTORS.keys.tdk)))).toBe(VECTORS.checkValues.tdk);
  });

  it('rejects wrong key and data sizes with a clear error', () => {
    expect(() => ecbEncrypt('tdes', new Uint8Array(12), new Uint8Array(8))).toThrow(/DES key must be 8, 16 or 24 bytes, got 12/);
    expect(() => ecbEncrypt('sm4', new Uint8Array(8), new Uint8Array(16))).toThrow(/SM4 key must be 16 bytes/);
    expect(() => ecbEncrypt('tdes', new Uint8Array(8), new Uint8Array(7))).toThrow(/multiple of 8 bytes/);
  });

  it('refuses a key that is not bytes (node would take a 16-character string as a key)', () => {
    expect(() => ecbEncrypt('tdes', '0123456789abcdef' as never, new Uint8Array(8))).toThrow(
      expect.objectContaining({ name: 'SecurityError', kind: 'bad-key', message: 'tdes key must be bytes' }),
    );
    expect(() => ecbDecrypt('sm4', '0123456789abcdef' as never, new Uint8Array(16))).toThrow(
      expect.objectContaining({ kind: 'bad-key', message: 'sm4 key must be bytes' }),
    );
  });
});
