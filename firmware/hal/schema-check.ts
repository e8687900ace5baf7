/**
 * Turns a JSON Schema validator's errors (ajv's, draft 2020-12) into one line per field: the JSON
 * path (`$.keypad.rows[2]`) and why. The validator is ajv's standalone code, generated ahead of time
 * (tools/schema/board-config-validator.ts) with `verbose` (each error carries its value and parent
 * schema) and `oneOf` sections chosen by their `kind` (ajv's discriminator), so an error names the
 * field inside the branch the document asked for instead of listing every branch's complaints.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';

/** One problem: the JSON path of the field (e.g. `$.keypad.rows[2]`) and why it is wrong. */
export interface SchemaError {
  path: string;
  message: string;
}

/** The problems `validate` finds in `value`, tidied; none when it passes. */
export function schemaErrors(validate: ValidateFunction, value: unknown): SchemaError[] {
  return validate(value) ? [] : tidy((validate.errors ?? []).map(toSchemaError));
}

function toSchemaError(e: ErrorObject): SchemaError {
  const path = jsonPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: `${path}.${String(params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).join(', ');
      return { path: `${path}.${String(params.additionalProperty)}`, message: `is not a known field (known: ${known})` };
    }
    case 'type':
      return { path, message: `must be ${String(params.type).split(',').join(' or ')}, got ${describe(e.data)}` };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describe(e.data)}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}, got ${describe(e.data)}` };
    case 'minimum':
    case 'maximum':
      return { path, message: `must be ${String(params.comparison)} ${String(params.limit)}, got ${describe(e.data)}` };
    case 'minLength':
      return { path, message: e.data === '' ? 'must not be empty' : `must be at least ${String(params.limit)} characters` };
    case 'pattern':
      return { path, message: `${JSON.stringify(e.data)} does not match ${String(params.pattern)}` };
    case 'minItems':
      return { path, message: `must have at least ${String(params.limit)} items, has ${(e.data as unknown[]).length}` };
    case 'maxItems':
      return { path, message: `must have at most ${String(params.limit)} items, has ${(e.data as unknown[]).length}` };
    case 'discriminator':
      return discriminatorError(path, e);
    default:
      return { path, message: e.message ?? e.keyword };
  }
}

/** The `kind` of a section is missing or names no branch: list the kinds there are. */
function discriminatorError(path: string, e: ErrorObject): SchemaError {
  const kinds = ((e.parentSchema as { oneOf?: { properties: { kind: { const: string } } }[] }).oneOf ?? []).map((b) => b.properties.kind.const);
  const data = e.data as Record<string, unknown>;
  if (!('kind' in data)) return { path: `${path}.kind`, message: 'is required' };
  return { path: `${path}.kind`, message: `must be one of ${kinds.map((k) => JSON.stringify(k)).join(', ')}, got ${describe(data.kind)}` };
}

/** `/keypad/rows/2` -> `$.keypad.rows[2]` (JSON Pointer escapes undone). */
function jsonPath(pointer: string): string {
  if (pointer === '') return '$';
  return `$${pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((token) => (/^\d+$/.test(token) ? `[${token}]` : `.${token}`))
    .join('')}`;
}

/**
 * One line per path and message; a section of the wrong type ("$.flash: must be an object") hides
 * the errors below it, which only repeat that.
 */
function tidy(errors: SchemaError[]): SchemaError[] {
  const seen = new Set<string>();
  const list = errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const wrongType = list.filter((e) => e.message.startsWith('must be object')).map((e) => e.path);
  return list
    .filter((e) => !wrongType.some((p) => e.path.startsWith(`${p}.`)))
    .map((e) => (e.message.startsWith('must be object') ? { path: e.path, message: e.message.replace('must be object', 'must be an object') } : e));
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${jsonType(value)} ${text.slice(0, 37)}...` : text;
}
