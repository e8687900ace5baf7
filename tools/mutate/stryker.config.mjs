// @ts-check
/**
 * Stryker for one folder at a time (MUTATE_TARGET, see targets.mjs), sized for a shared 2-core
 * machine: one test runner and an incremental file per run, so a rerun only tests mutants whose code
 * or covering tests changed. Per-test coverage: each mutant runs only the tests that executed it in the dry run (the
 * vitest runner records this from 9.6.1 on; 9.5.1's hook broke on vitest 4, stryker-js#5928, and ran
 * every mutant against the target's whole test set). Run it through `npm run mutate`.
 */
import { mutationTarget, runFileName } from './targets.mjs';

const name = process.env.MUTATE_TARGET ?? '';
const target = mutationTarget(name);
const file = runFileName(name);
const onTty = process.stdout.isTTY === true;
// `npm run mutate -- <run> --retest-survivors` sets MUTATE_RETEST to the line ranges of the run's
// survivors (JSON): a run of its own, beside the run's incremental file and report, that main.ts
// folds back into them.
const retestRanges = process.env.MUTATE_RETEST === undefined ? undefined : JSON.parse(process.env.MUTATE_RETEST);
const reportName = retestRanges === undefined ? file : `${file}-retest`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'tools/mutate/vitest.mutate.config.ts', related: false },
  checkers: ['typescript'],
  // The checker type-checks firmware only: with tools/ and test/ too it took most of the run's CPU.
  tsconfigFile: 'tools/mutate/tsconfig.mutate.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: retestRanges ?? target.mutate,
  coverageAnalysis: 'perTest',
  concurrency: 1,
  incremental: retestRanges === undefined,
  incrementalFile: `tools/mutate/incremental/${file}.json`,
  reporters: onTty ? ['progress', 'json'] : ['json'],
  jsonReporter: { fileName: `var/mutation/${reportName}.json` },
  // One sandbox folder per target: cleanTempDir removes the whole folder, and targets may run side by side.
  tempDirName: `var/stryker-tmp-${reportName}`,
  cleanTempDir: 'always',
  ignorePatterns: ['var', 'dist', 'coverage', '*.img', 'tools/mutate/incremental'],
  // A retest judges Timeouts again, so it gives each mutant's run more slack than a full run does: a
  // mutant that loops still times out, one that load on the shared machine slowed down does not
  // (at load 10, 10 of the cashier shard's listed equivalents timed out with 10 s).
  timeoutMS: retestRanges === undefined ? 10_000 : 30_000,
  logLevel: onTty ? 'info' : 'warn',
  thresholds: { high: target.goal, low: target.goal, break: null },
};
