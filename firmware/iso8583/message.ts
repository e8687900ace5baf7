/**
 * An ISO 8583 message as the rest of the firmware handles it.
 *
 * Field values by type:
 * - n and z fields: a string of digits (z: track 2/3 data, '=' allowed, as '=' or 'D'), exactly as
 *   the field holds them, without BCD padding: F3 "000000", F4 "000000008800", F11 "000123".
 *   Variable n fields (F2, F32, F48, F60, F61) hold their digits: F60 "22000001" + "000" etc.
 * - an / ans fields: a string (F37 "123456789012", F39 "00", F41 "10000159", F63 "01 ").
 *   an: letters, digits, space. ans: printable ASCII, plus characters U+0080-U+00FF standing for
 *   raw bytes 0x80-0xFF (latin1), so GBK text from a host passes through byte for byte.
 * - Fixed-length fields must have exactly their length (no implicit padding); the codec's field
 *   table is firmware/iso8583/cup-pos-fields.ts.
 * - b fields: a Uint8Array (F52 PIN block, F62 keys, F64 MAC).
 * - ans fields whose bytes are not all text (a binary F63 from a host) decode to a Uint8Array of
 *   the raw bytes, and an ans field may be given as raw bytes to encode.
 * Absent fields are simply not present.
 */
export type FieldValue = string | Uint8Array;

export interface IsoMessage {
  /** Four digits, e.g. "0200". */
  mti: string;
  fields: { [field: number]: FieldValue | undefined };
  /**
   * Fields whose odd-length BCD value was (or is to be) padded with an F nibble instead of 0, as some
   * hosts pad F2 and track data. Kept so that a decoded message re-encodes to the bytes it came from.
   */
  fillers?: { [field: number]: 'F' };
}

export type Iso8583ErrorReason =
  | 'truncated'
  | 'oversize'
  | 'bad-bcd'
  | 'bad-bitmap'
  | 'unknown-field'
  | 'trailing-bytes'
  | 'bad-length'
  | 'bad-value'
  | 'bad-mti'
  | 'bad-frame';

/** The only error the codec throws: it names the field, the byte offset and why. */
export class Iso8583Error extends Error {
  constructor(
    readonly reason: Iso8583ErrorReason,
    readonly offset: number,
    readonly field: number | undefined,
    detail: string,
  ) {
    super(`${reason}${field !== undefined ? ` in field ${field}` : ''} at byte ${offset}: ${detail}`);
    this.name = 'Iso8583Error';
  }
}

export function getString(msg: IsoMessage, field: number): string | undefined {
  const v = msg.fields[field];
  return typeof v === 'string' ? v : undefined;
}

export function getBytes(msg: IsoMessage, field: number): Uint8Array | undefined {
  const v = msg.fields[field];
  return v instanceof Uint8Array ? v : undefined;
}
