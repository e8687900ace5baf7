/**
 * How one ISO 8583 field is laid out on the wire. The codec is driven entirely by a table of
 * these, so a dialect is data (see cup-pos-fields.ts), not code.
 */

/** n: digits · z: track data (digits and '=') · an: letters, digits, space · ans: printable · b: bytes. */
export type FieldType = 'n' | 'z' | 'an' | 'ans' | 'b';

/** fixed: always `length` units · llvar / lllvar: a 1- / 2-byte BCD length prefix, at most `length` units. */
export type LengthKind = 'fixed' | 'llvar' | 'lllvar';

/**
 * bcd: two digits per byte (n, z) · ascii: one character per byte (an, ans, and n sent as text)
 * · binary: raw bytes (b).
 */
export type FieldEncoding = 'bcd' | 'ascii' | 'binary';

/**
 * Which side the filler nibble goes on when a BCD field has an odd number of digits.
 * 'right': left-aligned, a trailing 0 nibble (CUP: F60 "00000001003" -> 00 00 00 01 00 30).
 * 'left': right-aligned, a leading 0 nibble.
 */
export type BcdPadding = 'left' | 'right';

export interface FieldSpec {
  field: number;
  name: string;
  type: FieldType;
  lengthKind: LengthKind;
  /**
   * Fixed length, or the maximum for variable fields, counted in the field's own units:
   * digits for n / z, characters for an / ans, bytes for b.
   */
  length: number;
  encoding: FieldEncoding;
  /** Only for BCD fields; where an odd digit count's filler nibble goes. */
  bcdPadding?: BcdPadding;
}

/** A dialect: field number -> layout. Fields absent from the table are "unknown" to the codec. */
export type FieldTable = ReadonlyMap<number, FieldSpec>;

export function fieldTable(specs: readonly FieldSpec[]): FieldTable {
  const table = new Map<number, FieldSpec>();
  for (const spec of specs) {
    if (!Number.isInteger(spec.field) || spec.field < 2 || spec.field > 128) {
      throw new RangeError(`field table: field number ${spec.field} is not in 2..128`);
    }
    if (table.has(spec.field)) throw new RangeError(`field table: field ${spec.field} defined twice`);
    const maxLength = spec.lengthKind === 'llvar' ? 99 : spec.lengthKind === 'lllvar' ? 999 : Infinity;
    if (!Number.isInteger(spec.length) || spec.length < 1 || spec.length > maxLength) {
      throw new RangeError(`field table: field ${spec.field} length ${spec.length} does not fit ${spec.lengthKind}`);
    }
    const bcdTypes = spec.type === 'n' || spec.type === 'z';
    if (spec.encoding === 'bcd' && !bcdTypes) {
      throw new RangeError(`field table: field ${spec.field} of type ${spec.type} cannot be BCD`);
    }
    if ((spec.encoding === 'binary') !== (spec.type === 'b')) {
      throw new RangeError(`field table: field ${spec.field}: binary encoding is for (and only for) type b`);
    }
    if (spec.type === 'z' && spec.encoding !== 'bcd') {
      throw new RangeError(`field table: field ${spec.field}: z fields are BCD`);
    }
    table.set(spec.field, spec);
  }
  return table;
}

/** A copy of `table` with some fields replaced or added (e.g. a 16-byte F52 for SM4 PIN blocks). */
export function withFields(table: FieldTable, specs: readonly FieldSpec[]): FieldTable {
  const replaced = new Set(specs.map((s) => s.field));
  return fieldTable([...[...table.values()].filter((s) => !replaced.has(s.field)), ...specs]);
}
