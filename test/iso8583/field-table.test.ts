import { describe, expect, it } from 'vitest';
import { CUP_POS_FIELDS } from '../../firmware/iso8583/cup-pos-fields.js';
import { fieldTable, withFields, type FieldSpec } from '../../firmware/iso8583/field-spec.js';
import { thrown } from './thrown.js';

/**
 * fieldTable refuses a dialect table the codec could not honour. CUP_POS_FIELDS is built once at
 * import, so these cases call fieldTable themselves: every refusal, and the boundary just inside it.
 */

const n = (field: number, length: number, lengthKind: FieldSpec['lengthKind'] = 'fixed'): FieldSpec => ({
  field, name: `test n ${field}`, type: 'n', lengthKind, length, encoding: 'bcd',
});
const b = (field: number, length: number, lengthKind: FieldSpec['lengthKind'] = 'fixed'): FieldSpec => ({
  field, name: `test b ${field}`, type: 'b', lengthKind, length, encoding: 'binary',
});
/** The RangeError `run` throws: its class and its whole message are what a dialect author sees. */
const refusal = (run: () => unknown): string => thrown(RangeError, run).message;

const spec = (type: FieldSpec['type'], encoding: FieldSpec['encoding']): FieldSpec => ({
  field: 48, name: 'test', type, lengthKind: 'lllvar', length: 10, encoding,
});

describe('fieldTable: field numbers', () => {
  it('accepts 2 and 128, the first and last field a secondary bitmap can name', () => {
    const table = fieldTable([n(2, 19, 'llvar'), b(128, 8)]);
    expect([...table.keys()]).toEqual([2, 128]);
    expect(table.get(2)).toMatchObject({ length: 19, lengthKind: 'llvar' });
  });

  it.each([1, 129, 0, 2.5, Number.NaN])('refuses field number %s (1 is the bitmap bit, 129 is past it)', (field) => {
    expect(refusal(() => fieldTable([n(field, 6)]))).toBe(`field table: field number ${field} is not in 2..128`);
  });

  it('refuses a field defined twice', () => {
    expect(refusal(() => fieldTable([n(11, 6), n(11, 6)]))).toBe('field table: field 11 defined twice');
  });
});

describe('fieldTable: lengths fit the length prefix', () => {
  it('accepts the largest LLVAR (99) and LLLVAR (999) maxima, a length of 1, and a fixed field longer than 999', () => {
    const table = fieldTable([n(2, 99, 'llvar'), n(48, 999, 'lllvar'), n(11, 1), b(55, 1000)]);
    expect([2, 48, 11, 55].map((f) => table.get(f)!.length)).toEqual([99, 999, 1, 1000]);
  });

  it.each([
    [n(2, 100, 'llvar'), 'field table: field 2 length 100 does not fit llvar'],
    [n(48, 1000, 'lllvar'), 'field table: field 48 length 1000 does not fit lllvar'],
    [n(11, 0), 'field table: field 11 length 0 does not fit fixed'],
    [n(11, 6.5), 'field table: field 11 length 6.5 does not fit fixed'],
    [n(2, 0, 'llvar'), 'field table: field 2 length 0 does not fit llvar'],
  ])('refuses %o', (bad, message) => {
    expect(refusal(() => fieldTable([bad]))).toBe(message);
  });
});

describe('fieldTable: type and encoding agree', () => {
  it('accepts n and z as BCD, n, an and ans as ASCII, b as binary', () => {
    for (const [type, encoding] of [['n', 'bcd'], ['z', 'bcd'], ['n', 'ascii'], ['an', 'ascii'], ['ans', 'ascii'], ['b', 'binary']] as const) {
      expect(fieldTable([spec(type, encoding)]).get(48)).toMatchObject({ type, encoding });
    }
  });

  it.each([
    [spec('an', 'bcd'), 'field table: field 48 of type an cannot be BCD'],
    [spec('ans', 'bcd'), 'field table: field 48 of type ans cannot be BCD'],
    [spec('b', 'bcd'), 'field table: field 48 of type b cannot be BCD'],
    [spec('b', 'ascii'), 'field table: field 48: binary encoding is for (and only for) type b'],
    [spec('n', 'binary'), 'field table: field 48: binary encoding is for (and only for) type b'],
    [spec('z', 'binary'), 'field table: field 48: binary encoding is for (and only for) type b'],
    [spec('z', 'ascii'), 'field table: field 48: z fields are BCD'],
  ])('refuses %o', (bad, message) => {
    expect(refusal(() => fieldTable([bad]))).toBe(message);
  });
});

describe('withFields', () => {
  it('replaces the named fields and keeps every other one (the SM4 table: F52 of 16 bytes)', () => {
    const sm4 = withFields(CUP_POS_FIELDS, [{ field: 52, name: 'PIN data (SM4)', type: 'b', lengthKind: 'fixed', length: 16, encoding: 'binary' }]);
    expect(sm4.get(52)).toMatchObject({ name: 'PIN data (SM4)', length: 16 });
    expect(CUP_POS_FIELDS.get(52)!.length).toBe(8);
    expect([...sm4.keys()].sort((x, y) => x - y)).toEqual([...CUP_POS_FIELDS.keys()].sort((x, y) => x - y));
    for (const [field, original] of CUP_POS_FIELDS) if (field !== 52) expect(sm4.get(field)).toBe(original);
  });

  it('adds a field the table did not have, and checks the new spec like fieldTable does', () => {
    const table = withFields(fieldTable([n(11, 6)]), [n(12, 6)]);
    expect([...table.keys()]).toEqual([11, 12]);
    expect(() => withFields(table, [n(2, 100, 'llvar')])).toThrow(/field 2 length 100 does not fit llvar/);
  });
});
