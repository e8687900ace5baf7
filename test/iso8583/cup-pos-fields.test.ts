import { describe, expect, it } from 'vitest';
import { CUP_POS_FIELDS, CUP_POS_SM4_FIELDS } from '../../firmware/iso8583/cup-pos-fields.js';
import { encodeField } from '../../firmware/iso8583/field-codec.js';
import type { FieldTable } from '../../firmware/iso8583/field-spec.js';
import { Iso8583Error } from '../../firmware/iso8583/message.js';
import { thrown } from './thrown.js';

/**
 * The CUP POS field tables as cup-pos.md gives them, and the field names the codec puts in every
 * refusal: a log line that says "bad-length in field 41 ...: card acceptor terminal id must be
 * exactly 8 characters" is what lets support tell a mis-set terminal id from a host fault.
 */

describe('CUP POS formats from cup-pos.md', () => {
  it.each([2, 3, 4, 11, 12, 13, 14, 22, 25, 60])('F%i is numeric BCD', (field) => {
    expect(CUP_POS_FIELDS.get(field)).toMatchObject({ type: 'n', encoding: 'bcd' });
  });
  it.each([37, 38, 39, 41, 42, 49, 63])('F%i is ASCII', (field) => {
    expect(CUP_POS_FIELDS.get(field)!.encoding).toBe('ascii');
  });
  it.each([52, 55, 62, 64])('F%i is binary', (field) => {
    expect(CUP_POS_FIELDS.get(field)).toMatchObject({ type: 'b', encoding: 'binary' });
  });
  it.each([
    [2, 'llvar', 19], [35, 'llvar', 37], [32, 'llvar', 11], [36, 'lllvar', 104], [48, 'lllvar', 322],
    [55, 'lllvar', 255], [60, 'lllvar', 17], [61, 'lllvar', 29], [62, 'lllvar', 512], [63, 'lllvar', 163],
    [3, 'fixed', 6], [4, 'fixed', 12], [11, 'fixed', 6], [41, 'fixed', 8], [42, 'fixed', 15], [49, 'fixed', 3], [64, 'fixed', 8],
  ])('F%i is %s, at most %i units', (field, lengthKind, length) => {
    expect(CUP_POS_FIELDS.get(field)).toMatchObject({ lengthKind, length });
  });
  it('F52 is 8 bytes (a DES PIN block), 16 in the SM4 table', () => {
    expect(CUP_POS_FIELDS.get(52)).toMatchObject({ lengthKind: 'fixed', length: 8 });
    expect(CUP_POS_SM4_FIELDS.get(52)).toMatchObject({ type: 'b', encoding: 'binary', lengthKind: 'fixed', length: 16 });
  });
});

const named = (table: FieldTable): Array<[number, string]> => [...table].map(([field, spec]) => [field, spec.name]);

describe.each([
  ['CUP POS', CUP_POS_FIELDS],
  ['CUP POS SM4', CUP_POS_SM4_FIELDS],
])('%s: every field has a name of its own, and refusals carry it', (_table, table) => {
  it('names every field, no two alike', () => {
    const names = named(table).map(([, name]) => name);
    for (const [field, name] of named(table)) expect({ field, name: name.trim().length > 0 }).toEqual({ field, name: true });
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(named(table))('the codec refusal for F%i names %j', (field, name) => {
    const spec = table.get(field)!;
    // A number is neither text nor bytes, so every type refuses it ('ans' fields take bytes too).
    const wrong = spec.type === 'b' ? 'not bytes' : 0;
    const e = thrown(Iso8583Error, () => encodeField(spec, wrong as never, 0));
    expect(e.message.startsWith(`bad-value in field ${field} at byte 0: ${name} must be a `)).toBe(true);
  });
});
