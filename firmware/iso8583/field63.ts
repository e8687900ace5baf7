import { Iso8583Error } from './message.js';

/**
 * F63 (ans...163). 63.1 is three characters: the operator number in requests ("01 "), the
 * international organisation code in responses ("CUP"); what follows (63.2 issuer information
 * and later sub-fields in responses) is kept as text.
 */
export interface Field63 {
  code: string;
  rest?: string;
}

export function formatField63(parts: Field63): string {
  if (typeof parts.code !== 'string' || parts.code.length !== 3) {
    throw new Iso8583Error('bad-value', 0, 63, `63.1 must be 3 characters, got ${JSON.stringify(parts.code)}`);
  }
  return parts.code + (parts.rest ?? '');
}

export function parseField63(value: string): Field63 {
  if (value.length < 3) throw new Iso8583Error('bad-value', 0, 63, `F63 must hold at least 63.1 (3 characters), got ${value.length}`);
  return value.length === 3 ? { code: value } : { code: value.slice(0, 3), rest: value.slice(3) };
}

/** A request's 63.1: the operator number, two digits and a space. */
export function operatorField63(operator: string): string {
  if (!/^[0-9]{2}$/.test(operator)) throw new Iso8583Error('bad-value', 0, 63, `operator must be 2 digits, got ${JSON.stringify(operator)}`);
  return formatField63({ code: `${operator} ` });
}
