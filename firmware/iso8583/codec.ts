import { readBcd, writeBcd } from './bcd.js';
import { CUP_POS_FIELDS } from './cup-pos-fields.js';
import { decodeField, encodeField } from './field-codec.js';
import type { FieldTable } from './field-spec.js';
import { Iso8583Error, type FieldValue, type IsoMessage } from './message.js';

/**
 * Message body codec: MTI (2 bytes BCD) | primary bitmap (8 bytes) [| secondary bitmap] | fields.
 * The framing around it (length, TPDU, header) is in framing.ts.
 *
 * Every byte string decodeMessage accepts re-encodes to exactly those bytes: a filler nibble is 0,
 * or F recorded in `fillers`; an ans field that is not text is kept as bytes; a secondary bitmap must
 * name at least one field.
 */

const MTI_BYTES = 2;
const BITMAP_BYTES = 8;

export function encodeMessage(msg: IsoMessage, table: FieldTable = CUP_POS_FIELDS): Uint8Array {
  if (typeof msg !== 'object' || msg === null || typeof msg.fields !== 'object' || msg.fields === null) {
    throw new Iso8583Error('bad-value', 0, undefined, 'not an IsoMessage');
  }
  if (typeof msg.mti !== 'string' || !/^[0-9]{4}$/.test(msg.mti)) {
    throw new Iso8583Error('bad-mti', 0, undefined, `MTI must be 4 digits, got ${JSON.stringify(msg.mti)}`);
  }
  const present: Array<[number, FieldValue]> = [];
  for (const [key, value] of Object.entries(msg.fields)) {
    if (value === undefined) continue;
    const field = Number(key);
    // Only a field number's own spelling: a key '02' would be a second F2, after F11 in key order.
    const canonical = String(field) === key;
    if (!canonical || !table.has(field)) {
      throw new Iso8583Error('unknown-field', 0, canonical && Number.isInteger(field) ? field : undefined, `field ${key} is not in the field table`);
    }
    present.push([field, value]);
  }
  // No sort: Object.entries lists integer keys (2..128 all are) in ascending order, so `present`
  // is in field order.
  const secondary = present.length > 0 && present[present.length - 1]![0] > 64;
  const headerLength = MTI_BYTES + BITMAP_BYTES * (secondary ? 2 : 1);

  const bitmap = new Uint8Array(BITMAP_BYTES * (secondary ? 2 : 1));
  if (secondary) bitmap[0] = 0x80;
  const parts: Uint8Array[] = [];
  let offset = headerLength;
  for (const [field, value] of present) {
    const encoded = encodeField(table.get(field)!, value, offset, msg.fillers?.[field] === 'F' ? 'F' : '0');
    parts.push(encoded);
    offset += encoded.length;
    bitmap[(field - 1) >> 3]! |= 0x80 >> ((field - 1) & 7);
  }

  const out = new Uint8Array(offset);
  writeBcd(msg.mti, 'left', out, 0);
  out.set(bitmap, MTI_BYTES);
  let at = headerLength;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Decodes a message body (MTI to the end). Throws only Iso8583Error. */
export function decodeMessage(bytes: Uint8Array, table: FieldTable = CUP_POS_FIELDS): IsoMessage {
  if (!(bytes instanceof Uint8Array)) throw new Iso8583Error('bad-value', 0, undefined, 'input is not a Uint8Array');
  if (bytes.length < MTI_BYTES) throw new Iso8583Error('truncated', 0, undefined, `MTI needs 2 bytes, got ${bytes.length}`);
  const mti = readBcd(bytes, 0, 4, 'left', false);
  if (typeof mti !== 'string') throw new Iso8583Error('bad-mti', mti.nibble >> 1, undefined, mti.detail);

  let offset = MTI_BYTES;
  if (bytes.length < offset + BITMAP_BYTES) {
    throw new Iso8583Error('truncated', offset, undefined, `bitmap needs 8 bytes, ${bytes.length - offset} left`);
  }
  const hasSecondary = (bytes[offset]! & 0x80) !== 0;
  const bitmapBytes = BITMAP_BYTES * (hasSecondary ? 2 : 1);
  if (hasSecondary) {
    if (bytes.length < offset + bitmapBytes) {
      throw new Iso8583Error('truncated', offset + BITMAP_BYTES, undefined, `secondary bitmap needs 8 bytes, ${bytes.length - offset - BITMAP_BYTES} left`);
    }
    let any = 0;
    for (let i = BITMAP_BYTES; i < bitmapBytes; i++) any |= bytes[offset + i]!;
    if (any === 0) throw new Iso8583Error('bad-bitmap', offset, undefined, 'secondary bitmap flagged but it names no field');
  }
  const bitmapAt = offset;
  offset += bitmapBytes;

  const fields: IsoMessage['fields'] = {};
  let fillers: IsoMessage['fillers'];
  for (let field = 2; field <= bitmapBytes * 8; field++) {
    const byte = bytes[bitmapAt + ((field - 1) >> 3)]!;
    if ((byte & (0x80 >> ((field - 1) & 7))) === 0) continue;
    const spec = table.get(field);
    if (spec === undefined) throw new Iso8583Error('unknown-field', offset, field, 'bitmap names a field the table does not define');
    const { value, next, filler } = decodeField(spec, bytes, offset);
    fields[field] = value;
    if (filler) (fillers ??= {})[field] = filler;
    offset = next;
  }
  if (offset !== bytes.length) {
    throw new Iso8583Error('trailing-bytes', offset, undefined, `${bytes.length - offset} bytes after the last field`);
  }
  return fillers ? { mti, fields, fillers } : { mti, fields };
}
