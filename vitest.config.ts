import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Power-loss sweeps and the HIL suite are CPU-bound; CI has 2 cores.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
