/**
 * Long property loops run once per covering mutant under Stryker (`npm run mutate`, which sets
 * POS_MUTATION_RUN=1 through tools/mutate/vitest.mutate.config.ts): there they run a tenth of their
 * iterations, enough to kill a codec mutant (a wrong branch fails within the first messages), so a
 * folder's run fits the 2-core machine. `npm test` always runs the full count.
 */
export function iterationsFor(full: number): number {
  return process.env.POS_MUTATION_RUN === '1' ? Math.max(1, Math.ceil(full / 10)) : full;
}
