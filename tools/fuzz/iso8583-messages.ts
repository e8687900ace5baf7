import type { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { CUP_POS_FIELDS } from '../../firmware/iso8583/cup-pos-fields.js';
import type { FieldSpec, FieldTable } from '../../firmware/iso8583/field-spec.js';
import type { FieldValue, IsoMessage } from '../../firmware/iso8583/message.js';

/** Random valid messages for a field table: the seed corpus of the fuzzer and the property tests. */

const DIGITS = '0123456789';
const AN = DIGITS + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ';

function randomText(random: SeededRandom, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[random.int(0, alphabet.length - 1)];
  return out;
}

function randomAns(random: SeededRandom, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    // Mostly printable ASCII, sometimes a high (GBK-like) byte.
    out += String.fromCharCode(random.chance(0.9) ? random.int(0x20, 0x7e) : random.int(0x80, 0xff));
  }
  return out;
}

export function randomFieldValue(random: SeededRandom, spec: FieldSpec): FieldValue {
  const length = spec.lengthKind === 'fixed'
    ? spec.length
    : random.chance(0.1) ? spec.length : random.int(0, Math.min(spec.length, 40));
  switch (spec.type) {
    case 'n': return randomText(random, length, DIGITS);
    case 'z': return randomText(random, length, DIGITS + '=');
    case 'an': return randomText(random, length, AN);
    case 'ans': return randomAns(random, length);
    case 'b': return random.bytes(length);
  }
}

export function randomMessage(random: SeededRandom, table: FieldTable = CUP_POS_FIELDS): IsoMessage {
  const fields: IsoMessage['fields'] = {};
  const density = random.next();
  for (const spec of table.values()) {
    if (random.chance(density)) fields[spec.field] = randomFieldValue(random, spec);
  }
  return { mti: randomText(random, 4, DIGITS), fields };
}
