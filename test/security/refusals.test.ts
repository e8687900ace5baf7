import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../firmware/iso8583/codec.js';
import { CUP_POS_FIELDS } from '../../firmware/iso8583/cup-pos-fields.js';
import { buildKeyExchangeField, parseKeyExchange } from '../../firmware/security/key-exchange.js';
import { computeMac, signMessage, verifyMac } from '../../firmware/security/message-mac.js';
import { VECTORS, bytes } from './vectors.js';

const K = VECTORS.keys;
const TMK = bytes(K.tmk);
const MAK = bytes(K.mak);

function signedBody(fields: Record<number, unknown>): Uint8Array {
  const signed = signMessage({ mti: '0800', fields: fields as never }, { mak: MAK }, 'cup-ecb');
  return encodeMessage(signed, CUP_POS_FIELDS);
}

/** A body whose last 8 bytes are a correct MAC of the rest, whatever its bitmap says. */
function withMacAppended(data: Uint8Array): Uint8Array {
  return Uint8Array.from([...data, ...computeMac('cup-ecb', MAK, data)]);
}

describe('MAC checks', () => {
  it('verifies the shortest signed body (MTI, bitmap, F64: 18 bytes)', () => {
    const body = signedBody({});
    expect(body.length).toBe(18);
    expect(verifyMac(body, { mak: MAK }, 'cup-ecb')).toBe(true);
    expect(verifyMac(body.subarray(0, 17), { mak: MAK }, 'cup-ecb')).toBe(false);
  });

  it('is false for a body too short for MTI, bitmap and F64 even when its last 8 bytes are a right MAC with the F64 bit under them', () => {
    // 9 bytes + their MAC "A7FA8B0B": byte 9 is the MAC's 'A' (0x41), so the "bitmap" has bit 64 set.
    const short = withMacAppended(Uint8Array.from([0x08, 0x00, 0x00, 0x20, 0, 0, 0, 0, 0x03]));
    expect(short).toHaveLength(17);
    expect(short[9]! & 0x01).toBe(1);
    expect(verifyMac(short, { mak: MAK }, 'cup-ecb')).toBe(false);
  });

  it('is false for a body whose bitmap has no F64, or a secondary bitmap, even when the last 8 bytes are the right MAC', () => {
    const noF64 = withMacAppended(Uint8Array.from([0x08, 0x00, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56]));
    expect(verifyMac(noF64, { mak: MAK }, 'cup-ecb')).toBe(false);
    const secondary = withMacAppended(Uint8Array.from([0x08, 0x00, 0x80, 0x20, 0, 0, 0, 0, 0, 0x01, 0x12, 0x34, 0x56]));
    expect(verifyMac(secondary, { mak: MAK }, 'cup-ecb')).toBe(false);
  });

  it('signs a message that already carries F64 (re-signing), and a field above 64 left undefined is no field', () => {
    const once = signMessage({ mti: '0800', fields: { 11: '000001' } as never }, { mak: MAK }, 'cup-ecb');
    expect(() => signMessage(once, { mak: MAK }, 'cup-ecb')).not.toThrow();
    expect(() => signMessage({ mti: '0800', fields: { 11: '000001', 65: undefined } as never }, { mak: MAK }, 'cup-ecb')).not.toThrow();
    expect(() => signMessage({ mti: '0800', fields: { 11: '000001', 65: 'x' } as never }, { mak: MAK }, 'cup-ecb')).toThrow(/field 65 needs a secondary bitmap/);
  });

  it('names the schemes it knows when asked for another', () => {
    expect(() => computeMac('md5' as never, MAK, new Uint8Array(8))).toThrow(/unknown MAC scheme "md5"; use cup-ecb or x9.19/);
  });
});

describe('key exchange refusals', () => {
  it('refuses a missing F62, and SM4 keys in the 24-byte single-DES layout', () => {
    expect(() => parseKeyExchange(undefined as never, TMK)).toThrow(/F62 is missing or not bytes/);
    const single = buildKeyExchangeField(TMK, { pik: bytes('0123456789ABCDEF'), mak: bytes('FEDCBA9876543210') });
    expect(() => parseKeyExchange(single, bytes(K.sm4Tmk), 'sm4')).toThrow(/SM4 keys need the 40- or 60-byte F62 layout/);
  });

  it('a check value wrong in one byte only fails the key check', () => {
    const f62 = buildKeyExchangeField(TMK, { pik: bytes(K.pik), mak: bytes(K.mak) });
    const damaged = f62.slice();
    damaged[16 + 3]! ^= 0x01; // last byte of the PIK's 4-byte check value
    expect(() => parseKeyExchange(damaged, TMK)).toThrow(/key check failed: the PIK does not match/);
  });

  it.each([
    ['SM4 keys of 8 bytes', { pik: new Uint8Array(8), mak: new Uint8Array(16) }, 'sm4', /SM4 working keys are all 16 bytes/],
    ['a double-length MAK', { pik: new Uint8Array(16), mak: new Uint8Array(16) }, 'tdes', /DES working keys/],
    ['a TDK with single DES', { pik: new Uint8Array(8), mak: new Uint8Array(8), tdk: new Uint8Array(16) }, 'tdes', /DES working keys/],
    ['an 8-byte TDK', { pik: new Uint8Array(16), mak: new Uint8Array(8), tdk: new Uint8Array(8) }, 'tdes', /DES working keys/],
    ['a PIK that is not bytes', { pik: '0123456789ABCDEF', mak: new Uint8Array(8) }, 'tdes', /^PIK must be bytes$/],
    ['a MAK that is not bytes', { pik: new Uint8Array(16), mak: '01234567' }, 'tdes', /^MAK must be bytes$/],
    ['a TDK that is not bytes', { pik: new Uint8Array(16), mak: new Uint8Array(8), tdk: '0123456789ABCDEF' }, 'tdes', /^TDK must be bytes$/],
  ] as const)('will not build F62 from %s', (_name, keys, family, message) => {
    const tmk = family === 'sm4' ? bytes(K.sm4Tmk) : TMK;
    expect(() => buildKeyExchangeField(tmk, keys as never, family)).toThrow(message);
  });
});
