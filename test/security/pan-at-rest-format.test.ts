import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPanCipher, PanSealError } from '../../firmware/security/pan-at-rest.js';

const KEY = Buffer.alloc(32, 0x42);
const AAD = Buffer.from('pos-terminal PAN v1', 'ascii');

/** A record sealed by hand in the documented format: IV(12) | AES-256-GCM(body) | tag(16), AAD "pos-terminal PAN v1". */
function sealByHand(body: Buffer): Buffer {
  const iv = Buffer.alloc(12, 7);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv, { authTagLength: 16 });
  cipher.setAAD(AAD);
  const encrypted = Buffer.concat([cipher.update(body), cipher.final()]);
  return Buffer.concat([iv, encrypted, cipher.getAuthTag()]);
}

describe('PAN at rest: the sealed format and its checks', () => {
  it('seals as IV | AES-256-GCM(length byte + packed digits) | tag with the format AAD, readable without this code', () => {
    const sealed = createPanCipher(KEY).seal('6222021234567890123');
    const decipher = createDecipheriv('aes-256-gcm', KEY, sealed.subarray(0, 12), { authTagLength: 16 });
    decipher.setAAD(AAD);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const body = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    expect(body.toString('hex')).toBe('13622202123456789012' + '30');
  });

  it('opens a record sealed by hand', () => {
    expect(createPanCipher(KEY).open(sealByHand(Buffer.from('0c622202123456', 'hex')))).toBe('622202123456');
  });

  it.each([
    ['11 digits', '0b6222021234560'],
    ['20 digits', '1462220212345678901234'],
    ['a body longer than its length byte says', '0c62220212345600'],
  ])('refuses a sealed PAN whose body has %s, saying so', (_name, body) => {
    expect(() => createPanCipher(KEY).open(sealByHand(Buffer.from(body, 'hex')))).toThrow(/sealed PAN has a bad length/);
  });

  it('refuses a record shorter than IV + tag + one byte as too short, and one just long enough as unauthentic', () => {
    const cipher = createPanCipher(KEY);
    expect(() => cipher.open(new Uint8Array(28))).toThrow(/too short/);
    expect(() => cipher.open(new Uint8Array(29))).toThrow(/failed authentication/);
    try {
      cipher.open(new Uint8Array(28));
    } catch (error) {
      expect(error).toBeInstanceOf(PanSealError);
      expect((error as Error).name).toBe('PanSealError');
    }
  });

  it.each([['12345678901'], ['62220212345678901234'], ['x622202123456'], ['622202123456x']])('refuses to seal %s', (pan) => {
    expect(() => createPanCipher(KEY).seal(pan)).toThrow(/PAN must be 12 to 19 digits/);
  });

  it('draws a fresh IV for every seal, across refills of its random pool', () => {
    const cipher = createPanCipher(KEY);
    const ivs = new Set<string>();
    for (let i = 0; i < 400; i++) ivs.add(cipher.seal('622202123456').subarray(0, 12).toString('hex'));
    expect(ivs.size).toBe(400);
  });
});
