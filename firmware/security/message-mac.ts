import { timingSafeEqual } from 'node:crypto';
import { encodeMessage } from '../iso8583/codec.js';
import { CUP_POS_FIELDS } from '../iso8583/cup-pos-fields.js';
import type { FieldTable } from '../iso8583/field-spec.js';
import type { IsoMessage } from '../iso8583/message.js';
import { cupEcbMac, x919Mac } from './mac-algorithms.js';
import { SecurityError } from './security-error.js';

/**
 * MACs over messages: the MAC covers MTI..F63 exactly as they go on the wire, with bit 64 set in
 * the bitmap, and travels in F64 (a primary-bitmap message, so F64 is always the last 8 bytes).
 */
export type MacScheme = 'cup-ecb' | 'x9.19';

export const MAC_SCHEMES: readonly MacScheme[] = ['cup-ecb', 'x9.19'];

const MAC_BYTES = 8;
const MTI_AND_BITMAP = 10;

export function computeMac(scheme: MacScheme, mak: Uint8Array, data: Uint8Array): Uint8Array {
  if (scheme === 'cup-ecb') return cupEcbMac(mak, data);
  if (scheme === 'x9.19') return x919Mac(mak, data);
  throw new SecurityError('bad-mac-input', `unknown MAC scheme ${JSON.stringify(scheme)}; use ${MAC_SCHEMES.join(' or ')}`);
}

/** The bytes a MAC covers: the message encoded with bit 64 set, without the 8 MAC bytes. */
export function macInput(msg: IsoMessage, table: FieldTable = CUP_POS_FIELDS): Uint8Array {
  for (const key of Object.keys(msg.fields)) {
    if (Number(key) > 64 && msg.fields[Number(key)] !== undefined) {
      throw new SecurityError('bad-mac-input', `field ${key} needs a secondary bitmap; the CUP MAC is F64 of a primary-bitmap message`);
    }
  }
  const encoded = encodeMessage({ mti: msg.mti, fields: { ...msg.fields, 64: new Uint8Array(MAC_BYTES) } }, table);
  return encoded.slice(0, encoded.length - MAC_BYTES);
}

/** A copy of `msg` with F64 set to its MAC under `keys.mak`. */
export function signMessage(
  msg: IsoMessage,
  keys: { mak: Uint8Array },
  scheme: MacScheme,
  table: FieldTable = CUP_POS_FIELDS,
): IsoMessage {
  const mac = computeMac(scheme, keys.mak, macInput(msg, table));
  return { mti: msg.mti, fields: { ...msg.fields, 64: mac } };
}

/**
 * Verifies the MAC of a received body (the bytes from MTI to the end, as they came).
 * false when the body carries no F64, uses a secondary bitmap, or the MAC does not match.
 */
export function verifyMac(body: Uint8Array, keys: { mak: Uint8Array }, scheme: MacScheme): boolean {
  if (body.length < MTI_AND_BITMAP + MAC_BYTES) return false;
  const secondaryBitmap = (body[2]! & 0x80) !== 0;
  const hasF64 = (body[MTI_AND_BITMAP - 1]! & 0x01) !== 0;
  if (secondaryBitmap || !hasF64) return false;
  const expected = computeMac(scheme, keys.mak, body.subarray(0, body.length - MAC_BYTES));
  return timingSafeEqual(expected, body.subarray(body.length - MAC_BYTES));
}
