import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../firmware/iso8583/codec.js';
import type { IsoMessage } from '../../firmware/iso8583/message.js';
import { cupEcbMac, x919Mac } from '../../firmware/security/mac-algorithms.js';
import { computeMac, macInput, signMessage, verifyMac, type MacScheme } from '../../firmware/security/message-mac.js';
import { VECTORS, bytes, hex } from './vectors.js';

const SALE: IsoMessage = {
  mti: '0200',
  fields: {
    2: '6222021234567890123', 3: '000000', 4: '000000008800', 11: '000123', 14: '4912', 22: '021', 25: '00',
    35: '6222021234567890123=49121011234567', 41: '10000159', 49: '156', 60: '22000001000',
  },
};
const MAK = bytes(VECTORS.keys.mak);
const MAK16 = bytes(VECTORS.keys.mak16);

describe('MAC algorithms against the openssl-composed vectors', () => {
  it('CUP ECB MAC (single-DES MAK), with and without zero padding', () => {
    expect(hex(cupEcbMac(MAK, bytes(VECTORS.mac.saleInput)))).toBe(VECTORS.mac.cupEcb.sale);
    expect(hex(cupEcbMac(MAK, bytes(VECTORS.mac.blocksInput)))).toBe(VECTORS.mac.cupEcb.blocks);
    // The MAC is 8 ASCII hex characters.
    expect(Buffer.from(cupEcbMac(MAK, bytes(VECTORS.mac.saleInput))).toString('latin1')).toMatch(/^[0-9A-F]{8}$/);
  });

  it('ANSI X9.19 (double-length MAK), with and without zero padding', () => {
    expect(hex(x919Mac(MAK16, bytes(VECTORS.mac.saleInput)))).toBe(VECTORS.mac.x919.sale);
    expect(hex(x919Mac(MAK16, bytes(VECTORS.mac.blocksInput)))).toBe(VECTORS.mac.x919.blocks);
  });

  it('rejects a MAK of the wrong size and an unknown scheme', () => {
    expect(() => cupEcbMac(new Uint8Array(5), new Uint8Array(8))).toThrow(/MAK must be 8 or 16 bytes, got 5/);
    expect(() => computeMac('md5' as MacScheme, MAK, new Uint8Array(8))).toThrow(/unknown MAC scheme "md5"/);
  });
});

describe('MACs over messages', () => {
  it('macInput is MTI..F63 as on the wire with bit 64 set', () => {
    expect(hex(macInput(SALE))).toBe(VECTORS.mac.saleInput.toUpperCase());
  });

  it('macInput refuses a message that needs a secondary bitmap', () => {
    expect(() => macInput({ mti: '0200', fields: { 11: '000001', 128: new Uint8Array(8) } })).toThrow(/secondary bitmap/);
  });

  it.each([
    ['cup-ecb', MAK, VECTORS.mac.cupEcb.sale],
    ['x9.19', MAK16, VECTORS.mac.x919.sale],
  ] as const)('signMessage (%s) sets F64 and verifyMac accepts the received body', (scheme, mak, expected) => {
    const signed = signMessage(SALE, { mak }, scheme);
    expect(hex(signed.fields[64] as Uint8Array)).toBe(expected);
    expect(SALE.fields[64]).toBeUndefined();
    const body = encodeMessage(signed);
    expect(verifyMac(body, { mak }, scheme)).toBe(true);
  });

  it('verifyMac rejects a changed byte, a wrong key, a missing MAC and a too-short body', () => {
    const body = encodeMessage(signMessage(SALE, { mak: MAK }, 'cup-ecb'));
    for (const at of [0, 5, 20, body.length - 9, body.length - 1]) {
      const tampered = body.slice();
      tampered[at]! ^= 0x01;
      expect(verifyMac(tampered, { mak: MAK }, 'cup-ecb'), `byte ${at} changed`).toBe(false);
    }
    expect(verifyMac(body, { mak: bytes('0102030405060708') }, 'cup-ecb')).toBe(false);
    expect(verifyMac(encodeMessage(SALE), { mak: MAK }, 'cup-ecb')).toBe(false);
    expect(verifyMac(new Uint8Array(4), { mak: MAK }, 'cup-ecb')).toBe(false);
  });
});
