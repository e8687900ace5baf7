import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { CUP_POS_FIELDS, CUP_POS_SM4_FIELDS } from '../../firmware/iso8583/cup-pos-fields.js';
import { buildKeyExchangeField } from '../../firmware/security/key-exchange.js';
import { decryptPinBlock } from '../../firmware/security/pin-block.js';
import { SecurityService } from '../../firmware/security/security-service.js';
import { WorkingKeys } from '../../firmware/security/working-keys.js';
import { VECTORS, bytes } from './vectors.js';

const K = VECTORS.keys;
const REQUEST = { mti: '0200', fields: { 3: '000000', 4: '000000008800', 11: '000001', 41: '10000159' } };
afterEach(() => vi.restoreAllMocks());

describe('SecurityService (the engine port)', () => {
  it('refuses to sign or verify before sign-in, and PIN blocks need keys', () => {
    const service = new SecurityService({ masterKey: bytes(K.tmk), macScheme: 'cup-ecb' });
    expect(service.sign(REQUEST)).toBeUndefined();
    expect(service.verify({ body: encodeMessage(REQUEST) })).toBe(false);
    expect(() => service.pinBlock('1234', VECTORS.pinBlock.pan)).toThrow(/sign in first/);
  });

  it('installs keys, signs, verifies and makes PIN blocks; a bad F62 keeps the old keys', () => {
    const service = new SecurityService({ masterKey: bytes(K.tmk), macScheme: 'x9.19' });
    expect(service.installKeys(bytes(VECTORS.keyExchange.f62WithTdk), '004')).toEqual({ ok: true });
    const signed = service.sign(REQUEST)!;
    expect(service.verify({ body: encodeMessage(signed) })).toBe(true);
    expect(decryptPinBlock(service.pinBlock('8888', VECTORS.pinBlock.pan), VECTORS.pinBlock.pan, bytes(K.pik))).toBe('8888');

    expect(service.installKeys(bytes(VECTORS.keyExchange.f62WithTdk), '003')).toEqual({ ok: false, reason: 'bad-field62' });
    const corrupted = bytes(VECTORS.keyExchange.f62Double);
    corrupted[1]! ^= 4;
    expect(service.installKeys(corrupted, '003')).toEqual({ ok: false, reason: 'key-check-failed' });
    expect(service.verify({ body: encodeMessage(signed) })).toBe(true);
    service.signOff();
    expect(service.signedIn).toBe(false);
  });

  it('with SM4: 16-byte PIN blocks in an F52 the SM4 field table carries', () => {
    const service = new SecurityService({ masterKey: bytes(K.sm4Tmk), macScheme: 'cup-ecb', cipher: 'sm4' });
    expect(service.installKeys(bytes(VECTORS.keyExchange.sm4F62), '003')).toEqual({ ok: true });
    const request = { mti: '0200', fields: { ...REQUEST.fields, 52: service.pinBlock('1234', VECTORS.pinBlock.pan) } };
    const body = encodeMessage(service.sign(request)!, service.fieldTable());
    expect(decodeMessage(body, CUP_POS_SM4_FIELDS).fields[52]).toHaveLength(16);
    expect(service.verify({ body })).toBe(true);
    expect(buildKeyExchangeField(bytes(K.sm4Tmk), { pik: bytes(K.sm4Pik), mak: bytes(K.sm4Mak) }, 'sm4')).toEqual(bytes(VECTORS.keyExchange.sm4F62));
  });

  it('a malformed F62 with no key mode to check its length against is a bad F62, not a failed key check, and keeps the keys', () => {
    const service = new SecurityService({ masterKey: bytes(K.tmk), macScheme: 'cup-ecb' });
    expect(service.installKeys(bytes(VECTORS.keyExchange.f62Double))).toEqual({ ok: true });
    expect(service.installKeys(new Uint8Array(30))).toEqual({ ok: false, reason: 'bad-field62' });
    expect(service.signedIn).toBe(true);
    expect(service.installKeys(new Uint8Array(0))).toEqual({ ok: false, reason: 'bad-field62' });
  });

  it('a fault that is not about F62 is thrown, not reported as a bad F62', () => {
    const service = new SecurityService({ masterKey: bytes(K.tmk), macScheme: 'cup-ecb' });
    vi.spyOn(WorkingKeys.prototype, 'applySignIn').mockImplementation(() => {
      throw new TypeError('a bug');
    });
    expect(() => service.installKeys(bytes(VECTORS.keyExchange.f62Double))).toThrow(TypeError);
  });

  it('with 3DES: an 8-byte F52 in the standard field table', () => {
    const service = new SecurityService({ masterKey: bytes(K.tmk), macScheme: 'cup-ecb' });
    expect(service.fieldTable()).toBe(CUP_POS_FIELDS);
    expect(service.installKeys(bytes(VECTORS.keyExchange.f62Double), '003')).toEqual({ ok: true });
    const request = { mti: '0200', fields: { ...REQUEST.fields, 52: service.pinBlock('1234', VECTORS.pinBlock.pan) } };
    const body = encodeMessage(service.sign(request)!, CUP_POS_FIELDS);
    expect(decodeMessage(body, CUP_POS_FIELDS).fields[52]).toHaveLength(8);
    expect(service.verify({ body })).toBe(true);
  });
});
