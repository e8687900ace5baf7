/**
 * A small validator for the subset of JSON Schema that board-configs/schema.json uses (no new
 * dependency): type, properties, required, additionalProperties: false, enum, const, minimum,
 * maximum, minLength, pattern, items, minItems, maxItems, local $ref, and oneOf chosen by the
 * branch whose `kind` const matches, so an error names the field inside the right branch. Pure.
 */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  oneOf?: SchemaNode[];
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  description?: string;
}

/** One problem: the JSON path of the field (e.g. `$.keypad.rows[2]`) and why it is wrong. */
export interface SchemaError {
  path: string;
  message: string;
}

export function checkAgainstSchema(value: unknown, schema: SchemaNode): SchemaError[] {
  const errors: SchemaError[] = [];
  check(value, schema, '$', schema, errors);
  return errors;
}

function check(value: unknown, node: SchemaNode, path: string, root: SchemaNode, errors: SchemaError[]): void {
  if (node.$ref !== undefined) {
    check(value, resolveRef(node.$ref, root), path, root, errors);
    return;
  }
  if (node.oneOf) {
    checkOneOf(value, node.oneOf, path, root, errors);
    return;
  }
  if (node.const !== undefined && value !== node.const) {
    errors.push({ path, message: `must be ${JSON.stringify(node.const)}, got ${describe(value)}` });
    return;
  }
  const kind = jsonType(value);
  if (node.type !== undefined) {
    const allowed = Array.isArray(node.type) ? node.type : [node.type];
    if (!allowed.includes(kind) && !(kind === 'integer' && allowed.includes('number'))) {
      errors.push({ path, message: `must be ${allowed.join(' or ')}, got ${describe(value)}` });
      return;
    }
  }
  if (node.enum && !node.enum.includes(value as never)) {
    errors.push({ path, message: `must be one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}` });
    return;
  }
  if (typeof value === 'number') checkNumber(value, node, path, errors);
  if (typeof value === 'string') checkString(value, node, path, errors);
  if (Array.isArray(value)) checkArray(value, node, path, root, errors);
  else if (kind === 'object') checkObject(value as Record<string, unknown>, node, path, root, errors);
}

function checkOneOf(value: unknown, branches: SchemaNode[], path: string, root: SchemaNode, errors: SchemaError[]): void {
  const kinds = branches.map((b) => b.properties?.kind?.const);
  if (kinds.some((k) => typeof k !== 'string')) throw new Error(`schema at ${path}: every oneOf branch needs a 'kind' const`);
  if (jsonType(value) !== 'object') {
    errors.push({ path, message: `must be an object, got ${describe(value)}` });
    return;
  }
  const kind = (value as Record<string, unknown>).kind;
  const branch = branches[kinds.indexOf(kind)];
  if (!branch) {
    errors.push({
      path: `${path}.kind`,
      message: `must be one of ${kinds.map((k) => JSON.stringify(k)).join(', ')}, got ${describe(kind)}`,
    });
    return;
  }
  check(value, branch, path, root, errors);
}

function checkNumber(value: number, node: SchemaNode, path: string, errors: SchemaError[]): void {
  if (node.minimum !== undefined && value < node.minimum) errors.push({ path, message: `must be >= ${node.minimum}, got ${value}` });
  if (node.maximum !== undefined && value > node.maximum) errors.push({ path, message: `must be <= ${node.maximum}, got ${value}` });
}

function checkString(value: string, node: SchemaNode, path: string, errors: SchemaError[]): void {
  if (node.minLength !== undefined && value.length < node.minLength) {
    errors.push({ path, message: value.length === 0 ? 'must not be empty' : `must be at least ${node.minLength} characters` });
  }
  if (node.pattern !== undefined && !new RegExp(node.pattern).test(value)) {
    errors.push({ path, message: `${JSON.stringify(value)} does not match ${node.pattern}` });
  }
}

function checkArray(value: unknown[], node: SchemaNode, path: string, root: SchemaNode, errors: SchemaError[]): void {
  if (node.minItems !== undefined && value.length < node.minItems) {
    errors.push({ path, message: `must have at least ${node.minItems} items, has ${value.length}` });
  }
  if (node.maxItems !== undefined && value.length > node.maxItems) {
    errors.push({ path, message: `must have at most ${node.maxItems} items, has ${value.length}` });
  }
  if (node.items) value.forEach((item, i) => check(item, node.items!, `${path}[${i}]`, root, errors));
}

function checkObject(
  value: Record<string, unknown>,
  node: SchemaNode,
  path: string,
  root: SchemaNode,
  errors: SchemaError[],
): void {
  for (const key of node.required ?? []) {
    if (!(key in value)) errors.push({ path: `${path}.${key}`, message: 'is required' });
  }
  for (const [key, child] of Object.entries(value)) {
    const childSchema = node.properties?.[key];
    if (childSchema) check(child, childSchema, `${path}.${key}`, root, errors);
    else if (node.additionalProperties === false) {
      const known = Object.keys(node.properties ?? {}).join(', ');
      errors.push({ path: `${path}.${key}`, message: `is not a known field (known: ${known})` });
    }
  }
}

function resolveRef(ref: string, root: SchemaNode): SchemaNode {
  const match = /^#\/\$defs\/(.+)$/.exec(ref);
  const target = match ? root.$defs?.[match[1]!] : undefined;
  if (!target) throw new Error(`schema $ref ${ref} does not resolve (only #/$defs/<name> is supported)`);
  return target;
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
