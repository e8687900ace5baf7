import { describe, expect, it } from 'vitest';
import { buildKeyExchangeField, parseKeyExchange } from '../../firmware/security/key-exchange.js';
import { WorkingKeys } from '../../firmware/security/working-keys.js';
import { inspect } from 'node:util';
import { VECTORS, bytes, hex } from './vectors.js';

const K = VECTORS.keys;
const TMK = bytes(K.tmk);

describe('sign-in key exchange (F62)', () => {
  it('decrypts PIK and MAK under the master key and checks them (40-byte layout)', () => {
    const keys = parseKeyExchange(bytes(VECTORS.keyExchange.f62Double), TMK);
    expect({ pik: hex(keys.pik), mak: hex(keys.mak), tdk: keys.tdk }).toEqual({ pik: K.pik, mak: K.mak, tdk: undefined });
  });

  it('with a TDK (60-byte layout)', () => {
    const keys = parseKeyExchange(bytes(VECTORS.keyExchange.f62WithTdk), TMK);
    expect(hex(keys.tdk!)).toBe(K.tdk);
  });

  it('SM4 keys', () => {
    const keys = parseKeyExchange(bytes(VECTORS.keyExchange.sm4F62), bytes(K.sm4Tmk), 'sm4');
    expect({ pik: hex(keys.pik), mak: hex(keys.mak) }).toEqual({ pik: K.sm4Pik, mak: K.sm4Mak });
  });

  it('buildKeyExchangeField is the inverse and matches openssl byte for byte', () => {
    expect(hex(buildKeyExchangeField(TMK, { pik: bytes(K.pik), mak: bytes(K.mak) }))).toBe(VECTORS.keyExchange.f62Double);
    expect(hex(buildKeyExchangeField(TMK, { pik: bytes(K.pik), mak: bytes(K.mak), tdk: bytes(K.tdk) }))).toBe(VECTORS.keyExchange.f62WithTdk);
    expect(hex(buildKeyExchangeField(bytes(K.sm4Tmk), { pik: bytes(K.sm4Pik), mak: bytes(K.sm4Mak) }, 'sm4'))).toBe(VECTORS.keyExchange.sm4F62);
    const single = { pik: bytes('0123456789ABCDEF'), mak: bytes('FEDCBA9876543210') };
    const f62 = buildKeyExchangeField(TMK, single);
    expect(f62.length).toBe(24);
    expect(parseKeyExchange(f62, TMK)).toEqual(single);
  });

  it.each([
    ['PIK', 0],
    ['MAK', 20],
    ['TDK', 40],
  ])('a corrupted %s fails with "key check failed"', (name, at) => {
    const f62 = bytes(VECTORS.keyExchange.f62WithTdk);
    f62[at]! ^= 0x80;
    expect(() => parseKeyExchange(f62, TMK)).toThrow(new RegExp(`key check failed: the ${name}`));
  });

  it('the wrong master key fails with "key check failed"', () => {
    expect(() => parseKeyExchange(bytes(VECTORS.keyExchange.f62Double), bytes(K.pik))).toThrow(/key check failed/);
  });

  it('rejects a malformed F62 and keys of the wrong sizes', () => {
    expect(() => parseKeyExchange(new Uint8Array(30), TMK)).toThrow(expect.objectContaining({ kind: 'bad-key-exchange' }));
    expect(() => buildKeyExchangeField(TMK, { pik: bytes(K.pik), mak: bytes(K.mak16) })).toThrow(/PIK 16 \+ MAK 8/);
  });
});

describe('WorkingKeys', () => {
  it('holds the keys of a good sign-in and keeps them when a later one fails the check', () => {
    const working = new WorkingKeys();
    expect(working.signedIn).toBe(false);
    expect(() => working.require()).toThrow(/sign in first/);
    working.applySignIn(bytes(VECTORS.keyExchange.f62Double), TMK);
    const corrupted = bytes(VECTORS.keyExchange.f62Double);
    corrupted[22]! ^= 1;
    expect(() => working.applySignIn(corrupted, TMK)).toThrow(/key check failed/);
    expect(hex(working.require().mak)).toBe(K.mak);
  });

  it('never shows its keys in JSON or util.inspect, and forgets them on sign-off', () => {
    const working = new WorkingKeys();
    working.applySignIn(bytes(VECTORS.keyExchange.f62Double), TMK);
    expect(JSON.stringify({ working })).toBe('{"working":{"signedIn":true}}');
    expect(inspect(working)).not.toMatch(/pik|mak|Uint8Array/i);
    expect(inspect(working)).toBe("WorkingKeys { family: 'tdes', signedIn: true }");
    const mak = working.require().mak;
    working.clear();
    expect(working.signedIn).toBe(false);
    expect(mak.every((b) => b === 0)).toBe(true);
  });
});
