import { Iso8583Error } from './message.js';

/**
 * F62 of a sign-in response: the working keys, each encrypted under the terminal master key and
 * followed by a 4-byte check value.
 *   24 bytes: PIK(8) chk(4) MAK(8) chk(4)                         (60.3 = 001, single DES)
 *   40 bytes: PIK(16) chk(4) MAK(16) chk(4)                       (60.3 = 003)
 *   60 bytes: PIK(16) chk(4) MAK(16) chk(4) TDK(16) chk(4)        (60.3 = 004)
 * With DES keys the 16-byte MAK slot holds an 8-byte key and 8 bytes of padding; with SM4 all 16
 * bytes are key. This module only splits and joins the layout; security/key-exchange.ts decrypts.
 */
export interface EncryptedKeySlot {
  encryptedKey: Uint8Array;
  checkValue: Uint8Array;
}

export interface KeyExchangeSlots {
  pik: EncryptedKeySlot;
  mak: EncryptedKeySlot;
  tdk?: EncryptedKeySlot;
}

const CHECK_BYTES = 4;

export function splitKeyExchangeField(f62: Uint8Array): KeyExchangeSlots {
  const slot = f62.length === 24 ? 8 : 16;
  if (f62.length !== 24 && f62.length !== 40 && f62.length !== 60) {
    throw new Iso8583Error('bad-length', 0, 62, `key exchange data must be 24, 40 or 60 bytes, got ${f62.length}`);
  }
  const take = (index: number): EncryptedKeySlot => {
    const at = index * (slot + CHECK_BYTES);
    return { encryptedKey: f62.slice(at, at + slot), checkValue: f62.slice(at + slot, at + slot + CHECK_BYTES) };
  };
  const slots: KeyExchangeSlots = { pik: take(0), mak: take(1) };
  if (f62.length === 60) slots.tdk = take(2);
  return slots;
}

export function joinKeyExchangeField(slots: KeyExchangeSlots): Uint8Array {
  const list = [slots.pik, slots.mak, ...(slots.tdk ? [slots.tdk] : [])];
  const slot = slots.pik.encryptedKey.length;
  const valid = (slot === 16 || (slot === 8 && !slots.tdk)) &&
    list.every((s) => s.encryptedKey.length === slot && s.checkValue.length === CHECK_BYTES);
  if (!valid) {
    throw new Iso8583Error('bad-length', 0, 62, 'key slots must all be 8 bytes (no TDK) or all 16 bytes, each with a 4-byte check value');
  }
  const out = new Uint8Array(list.length * (slot + CHECK_BYTES));
  list.forEach((s, index) => {
    out.set(s.encryptedKey, index * (slot + CHECK_BYTES));
    out.set(s.checkValue, index * (slot + CHECK_BYTES) + slot);
  });
  return out;
}
