import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boardConfigValidatorSource, GENERATED_VALIDATOR } from '../../tools/schema/board-config-validator.js';

describe('the generated board config validator', () => {
  it('is what tools/schema/board-config-validator.ts generates from board-configs/schema.json (run it after changing the schema)', () => {
    // Not toBe: a mismatch would print 200 KB twice.
    const fresh = readFileSync(GENERATED_VALIDATOR, 'utf8') === boardConfigValidatorSource();
    expect(fresh, `${GENERATED_VALIDATOR} is stale: npx tsx tools/schema/board-config-validator.ts`).toBe(true);
  });
});
