import { bcdByteLength, readBcd, writeBcd, type BcdFiller } from './bcd.js';
import type { FieldSpec } from './field-spec.js';
import { Iso8583Error, type FieldValue } from './message.js';

/** One field's wire form: its length prefix (if any) and its data. Pure; errors name the field. */

const ALLOWED: Record<Exclude<FieldSpec['type'], 'b'>, (code: number) => boolean> = {
  n: (c) => c >= 0x30 && c <= 0x39,
  // Track data: digits, the separator ('=' or 'D'), and A B C E F of a track encrypted under the TDK.
  z: (c) => (c >= 0x30 && c <= 0x39) || c === 0x3d || (c >= 0x41 && c <= 0x46),
  an: (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x20,
  // Printable ASCII, plus bytes 0x80-0xFF as latin1 characters so that GBK text (an issuer's name
  // in F63) passes through byte for byte.
  ans: (c) => (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff),
};

const PREFIX_DIGITS = { fixed: 0, llvar: 2, lllvar: 4 } as const;

function dataByteLength(spec: FieldSpec, units: number): number {
  return spec.encoding === 'bcd' ? bcdByteLength(units) : units;
}

/**
 * Encodes `value` for `spec`; `offset` is where it will sit in the message (for error reports);
 * `filler` is the nibble that pads an odd-length BCD value (0 unless the message says F).
 */
export function encodeField(spec: FieldSpec, value: FieldValue, offset: number, filler: BcdFiller = '0'): Uint8Array {
  const fail = (reason: 'bad-value' | 'bad-length' | 'oversize', detail: string): never => {
    throw new Iso8583Error(reason, offset, spec.field, detail);
  };
  let units: number;
  if (spec.type === 'b' || (spec.type === 'ans' && value instanceof Uint8Array)) {
    if (!(value instanceof Uint8Array)) return fail('bad-value', `${spec.name} must be a Uint8Array`);
    units = value.length;
  } else {
    if (typeof value !== 'string') return fail('bad-value', `${spec.name} must be a string`);
    const allowed = ALLOWED[spec.type];
    for (let i = 0; i < value.length; i++) {
      if (!allowed(value.charCodeAt(i))) {
        fail('bad-value', `${spec.name}: character ${JSON.stringify(value[i])} at ${i} is not allowed in type ${spec.type}`);
      }
    }
    units = value.length;
  }
  if (spec.lengthKind === 'fixed' && units !== spec.length) {
    fail('bad-length', `${spec.name} must be exactly ${spec.length} ${unitName(spec)}, got ${units}`);
  }
  if (spec.lengthKind !== 'fixed' && units > spec.length) {
    fail('oversize', `${spec.name} holds at most ${spec.length} ${unitName(spec)}, got ${units}`);
  }
  const prefixBytes = PREFIX_DIGITS[spec.lengthKind] / 2;
  const out = new Uint8Array(prefixBytes + dataByteLength(spec, units));
  let at = 0;
  if (prefixBytes > 0) at = writeBcd(String(units).padStart(prefixBytes * 2, '0'), 'left', out, 0);
  if (value instanceof Uint8Array) out.set(value, at);
  else if (spec.encoding === 'bcd') writeBcd(value, spec.bcdPadding ?? 'right', out, at, filler);
  else for (let i = 0; i < value.length; i++) out[at + i] = value.charCodeAt(i);
  return out;
}

/**
 * Decodes the field starting at `bytes[offset]`; returns its value, the offset after it, and 'F'
 * when an odd-length BCD value was padded with F.
 */
export function decodeField(spec: FieldSpec, bytes: Uint8Array, offset: number): { value: FieldValue; next: number; filler?: 'F' } {
  let at = offset;
  let units = spec.length;
  const prefixDigits = PREFIX_DIGITS[spec.lengthKind];
  if (prefixDigits > 0) {
    const prefixBytes = prefixDigits / 2;
    if (at + prefixBytes > bytes.length) {
      throw new Iso8583Error('truncated', at, spec.field, `length prefix needs ${prefixBytes} bytes, ${bytes.length - at} left`);
    }
    const prefix = readBcd(bytes, at, prefixDigits, 'left', false);
    if (typeof prefix !== 'string') {
      throw new Iso8583Error('bad-bcd', at + (prefix.nibble >> 1), spec.field, `length prefix: ${prefix.detail}`);
    }
    units = Number(prefix);
    if (units > spec.length) {
      throw new Iso8583Error('oversize', at, spec.field, `length ${units} exceeds the maximum ${spec.length} ${unitName(spec)}`);
    }
    at += prefixBytes;
  }
  const byteLength = dataByteLength(spec, units);
  if (at + byteLength > bytes.length) {
    throw new Iso8583Error('truncated', at, spec.field, `needs ${byteLength} bytes, ${bytes.length - at} left`);
  }
  let value: FieldValue;
  const padded: { filler: BcdFiller } = { filler: '0' };
  if (spec.type === 'b') {
    value = bytes.slice(at, at + byteLength);
  } else if (spec.encoding === 'bcd') {
    const text = readBcd(bytes, at, units, spec.bcdPadding ?? 'right', spec.type === 'z', (f) => (padded.filler = f));
    if (typeof text !== 'string') throw new Iso8583Error('bad-bcd', at + (text.nibble >> 1), spec.field, text.detail);
    value = text;
  } else if (spec.type === 'ans' && !isText(bytes, at, byteLength)) {
    // Hosts send binary in ans fields (F63 with TLV data): kept as the raw bytes it is.
    value = bytes.slice(at, at + byteLength);
  } else {
    const allowed = ALLOWED[spec.type];
    let text = '';
    for (let i = 0; i < byteLength; i++) {
      const code = bytes[at + i]!;
      if (!allowed(code)) {
        throw new Iso8583Error('bad-value', at + i, spec.field, `byte ${code.toString(16).padStart(2, '0')} is not allowed in type ${spec.type}`);
      }
      text += String.fromCharCode(code);
    }
    value = text;
  }
  return padded.filler === 'F' ? { value, next: at + byteLength, filler: 'F' } : { value, next: at + byteLength };
}

function isText(bytes: Uint8Array, at: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (!ALLOWED.ans(bytes[at + i]!)) return false;
  return true;
}

function unitName(spec: FieldSpec): string {
  if (spec.type === 'b') return 'bytes';
  return spec.type === 'n' || spec.type === 'z' ? 'digits' : 'characters';
}
