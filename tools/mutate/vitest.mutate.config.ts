/**
 * The vitest config Stryker's runner uses: the project's config, narrowed to the tests of the
 * folder being mutated (MUTATE_TARGET, set by tools/mutate/main.ts) so each mutant runs only
 * suites that can see it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import projectConfig from '../../vitest.config.js';
import { mutationTarget } from './targets.mjs';
import { UnloadableFileAsFailedTest } from './unloadable-file-reporter.js';

const target = mutationTarget(process.env.MUTATE_TARGET ?? '');
const include = target.tests.filter((glob: string) => !glob.startsWith('!'));
const exclude = target.tests.filter((glob: string) => glob.startsWith('!')).map((glob: string) => glob.slice(1));

// Spread rather than mergeConfig: mergeConfig would append to the project's include list.
export default defineConfig({
  ...projectConfig,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  // POS_MUTATION_RUN: long property loops run a tenth of their iterations (test/mutation-budget.ts).
  // isolate: false — Stryker reruns the covering files for every mutant; without isolation they share
  // one module graph instead of importing it afresh per file (iso8583's set: 13 s instead of 32 s).
  // Mutants switch through a global at run time, so a shared module graph still sees each one.
  test: {
    ...projectConfig.test,
    include,
    exclude: [...exclude, '**/node_modules/**'],
    env: { POS_MUTATION_RUN: '1' },
    isolate: false,
    // A file that fails to load is a failed test, not an absent one (unloadable-file-reporter.ts).
    reporters: ['default', new UnloadableFileAsFailedTest()],
  },
});
