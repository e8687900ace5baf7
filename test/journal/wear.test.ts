import { describe, expect, it } from 'vitest';
import { runWearTest } from '../../tools/powerloss/journal-wear.js';

describe('journal wear levelling', () => {
  // 25,000 sales here keeps npm test quick; `npm run powerloss:journal` runs 100,000 and prints the ratio.
  it('after 25,000 sales the most erased sector has at most 1.5 times the erases of the least (seed 3)', async () => {
    const result = await runWearTest({ sales: 25_000, seed: 3 });
    expect(result.minErases).toBeGreaterThan(100);
    expect(result.ratio).toBeLessThanOrEqual(1.5);
  });
});
