/**
 * npm run mutate [-- <folder|folder:shard>... [--force] [--survivors] [--retest-survivors [--with-timeouts]]] — Stryker,
 * one folder (or one shard of a big folder) at a time (targets.mjs), one test runner, incremental: a
 * rerun tests only the mutants whose source changed. `--force` ignores the incremental file.
 * `--retest-survivors` runs Stryker on the latest report's survivors alone and folds the verdicts
 * back into the report (retest-merge.ts says why incremental runs cannot see a new test's kills);
 * `--tally` runs no Stryker and prints the lines from the latest reports.
 * `--check-timeouts [--limit-seconds N]` runs no Stryker: it applies each Timeout (and each survivor
 * an earlier check found) by hand against the run's tests and writes the verdicts into the report
 * (timeout-check.ts says why), printing each survivor and
 *   mutate: timeout-check target=<run> checked=<N> killed=<N> hangs=<N> survived=<N> baseline_s=<N> limit_s=<N> seconds=<N>
 * `--with-timeouts` runs the timed-out mutants again too, and takes their new verdict either way:
 *   mutate: retest target=<run> undetected=<N> detected=<N> timeouts_retested=<N> timeouts_survived=<N> seconds=<N>
 * On a TTY Stryker's progress bar shows; in a pipe only summary lines are printed, one per run and
 * one per folder (adding up its shards' latest reports; `partial` names shards never run):
 *   mutate: target=<name> killed=<N> timeout=<N> timeouts_unchecked=<N> survived=<N> no_coverage=<N> compile_errors=<N> equivalent=<N> score=<pct> score_without_equivalents=<pct> goal=<pct> ok|below
 * Survivors that are equivalent mutants are listed with a reason in tools/mutate/equivalent-mutants.md;
 * they are subtracted from the denominator of `score_without_equivalents`.
 * Exit status is 1 if any folder asked for is below its goal after its equivalent mutants are set aside.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { MUTATION_TARGETS, mutationTarget, runFileName, runsOf } from './targets.mjs';
import { equivalentMutantIds } from './equivalent-mutants.js';
import { mergeRetest, mutantKey, survivorRanges, type Report } from './retest-merge.js';
import { HAND_HANG, checkTimeouts } from './timeout-check.js';

interface Tally {
  count: Map<string, number>;
  equivalentSurvivors: number;
}

const names = process.argv.slice(2).filter((arg, i, args) => !arg.startsWith('-') && args[i - 1] !== '--limit-seconds');
const requested = names.length > 0 ? names : Object.keys(MUTATION_TARGETS);
const listSurvivors = process.argv.includes('--survivors');
const strykerFlags = process.argv.includes('--force') ? ['--force'] : [];
const retestSurvivors = process.argv.includes('--retest-survivors');
const retestTimeouts = process.argv.includes('--with-timeouts');
const tallyOnly = process.argv.includes('--tally');
const checkTimeoutsOnly = process.argv.includes('--check-timeouts');
const limitAt = process.argv.indexOf('--limit-seconds');
const limitSeconds = limitAt < 0 ? undefined : Number(process.argv[limitAt + 1]);
if (limitSeconds !== undefined && !(limitSeconds > 0)) {
  console.error('mutate: --limit-seconds takes a number of seconds');
  process.exit(2);
}
const equivalent = equivalentMutantIds();
/** Tally key: Timeouts not yet applied by hand (--check-timeouts), which may hide survivors. */
const UNCHECKED = 'Timeout not checked by hand';
let belowGoal = 0;

for (const name of requested) {
  const folder = name.split(':')[0]!;
  const runs = name.includes(':') ? [name] : runsOf(folder);
  const folderStarted = Date.now();
  for (const run of runs) {
    mutationTarget(run); // an unknown name fails here, before Stryker starts
    const started = Date.now();
    if ((tallyOnly || checkTimeoutsOnly) && !existsSync(reportPath(run))) continue;
    if (checkTimeoutsOnly) await timeoutCheck(run);
    else if (retestSurvivors) retest(run);
    else if (!tallyOnly) stryker(run, {}, strykerFlags);
    const tally = tallyReports([run], listSurvivors);
    if (run !== folder) console.log(summary(run, tally, mutationTarget(run).goal, `seconds=${Math.round((Date.now() - started) / 1000)}`).line);
  }
  // The folder's line: every shard's latest report, run now or before.
  const shards = runsOf(folder);
  const missing = shards.filter((run) => !existsSync(reportPath(run)));
  const goal = MUTATION_TARGETS[folder]!.goal;
  const tally = tallyReports(shards.filter((run) => !missing.includes(run)), false);
  const seconds = `seconds=${Math.round((Date.now() - folderStarted) / 1000)}`;
  const { line, ok } = summary(folder, tally, goal, missing.length > 0 ? `partial missing=${missing.join(',')} ${seconds}` : seconds);
  if (missing.length > 0 || !ok) belowGoal++;
  console.log(line);
}
process.exit(belowGoal > 0 ? 1 : 0);

function stryker(run: string, env: Record<string, string>, flags: string[]): void {
  const result = spawnSync('npx', ['stryker', 'run', 'tools/mutate/stryker.config.mjs', ...flags], {
    stdio: process.stdout.isTTY ? 'inherit' : ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env, MUTATE_TARGET: run },
  });
  if (result.status !== 0) {
    console.error(`mutate: target=${run} stryker exited with ${result.status ?? result.signal}`);
    process.exit(2);
  }
}

/** Re-tests the run's survivors and writes their new verdicts into its report and incremental file. */
function retest(run: string): void {
  const started = Date.now();
  if (![reportPath(run), incrementalPath(run)].every((path) => existsSync(path))) {
    console.error(`mutate: target=${run} has no report to retest; run npm run mutate -- ${run} first`);
    process.exit(2);
  }
  const { report, incremental } = readReports(run);
  const ranges = survivorRanges(report, { timeouts: retestTimeouts });
  let outcome = { undetected: 0, detected: 0, timeoutsRetested: 0, timeoutsSurvived: 0 };
  if (ranges.length > 0) {
    stryker(run, { MUTATE_RETEST: JSON.stringify(ranges) }, []);
    const retested = JSON.parse(readFileSync(`var/mutation/${runFileName(run)}-retest.json`, 'utf8')) as Report;
    const merged = mergeRetest(report, retested);
    const again = mergeRetest(incremental, retested);
    if (merged.missing.length > 0 || JSON.stringify({ ...again, missing: [] }) !== JSON.stringify({ ...merged, missing: [] })) {
      console.error(`mutate: target=${run} the retest did not run ${merged.missing.join('; ') || 'what the incremental file holds'}`);
      process.exit(2);
    }
    writeReports(run, report, incremental);
    outcome = merged;
  }
  const { undetected, detected, timeoutsRetested, timeoutsSurvived } = outcome;
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`mutate: retest target=${run} undetected=${undetected} detected=${detected} timeouts_retested=${timeoutsRetested} timeouts_survived=${timeoutsSurvived} seconds=${seconds}`);
}

/** Applies the run's Timeouts by hand (timeout-check.ts) and writes the verdicts into its report and incremental file. */
async function timeoutCheck(run: string): Promise<void> {
  const started = Date.now();
  const { report, incremental } = readReports(run);
  let outcome;
  try {
    outcome = await checkTimeouts(run, report, incremental, limitSeconds);
  } catch (error) {
    console.error(`mutate: timeout-check target=${run} ${(error as Error).message}`);
    process.exit(2);
  }
  writeReports(run, report, incremental);
  for (const key of outcome.survivors) console.log(`timeout-survivor: ${key}`);
  const { killed, hangs, survived, baselineSeconds, limitSeconds: limit } = outcome;
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `mutate: timeout-check target=${run} checked=${killed + hangs + survived} killed=${killed} hangs=${hangs} survived=${survived} baseline_s=${baselineSeconds.toFixed(1)} limit_s=${limit} seconds=${seconds}`,
  );
}

function reportPath(run: string): string {
  return `var/mutation/${runFileName(run)}.json`;
}

function incrementalPath(run: string): string {
  return `tools/mutate/incremental/${runFileName(run)}.json`;
}

/** The run's latest report and its incremental file, which the retest and the timeout check both update. */
function readReports(run: string): { report: Report; incremental: Report } {
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Report;
  return { report: read(reportPath(run)), incremental: read(incrementalPath(run)) };
}

/** Laid out as Stryker writes them (2-space indent), so a commit diffs only what changed. */
function writeReports(run: string, report: Report, incremental: Report): void {
  writeFileSync(reportPath(run), JSON.stringify(report, null, 2));
  writeFileSync(incrementalPath(run), JSON.stringify(incremental, null, 2));
}

function tallyReports(runs: string[], printSurvivors: boolean): Tally {
  const tally: Tally = { count: new Map(), equivalentSurvivors: 0 };
  for (const run of runs) {
    const report = JSON.parse(readFileSync(reportPath(run), 'utf8')) as Report;
    for (const [file, { mutants }] of Object.entries(report.files)) {
      for (const mutant of mutants) {
        tally.count.set(mutant.status, (tally.count.get(mutant.status) ?? 0) + 1);
        if (mutant.status === 'Timeout' && mutant.statusReason !== HAND_HANG) tally.count.set(UNCHECKED, (tally.count.get(UNCHECKED) ?? 0) + 1);
        if (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage') continue;
        const key = mutantKey(file, mutant);
        if (equivalent.has(key)) tally.equivalentSurvivors++;
        else if (printSurvivors) console.log(`survivor: ${key}`);
      }
    }
  }
  return tally;
}

function summary(name: string, { count, equivalentSurvivors }: Tally, goal: number, extra: string): { line: string; ok: boolean } {
  const n = (status: string): number => count.get(status) ?? 0;
  const detected = n('Killed') + n('Timeout');
  const valid = detected + n('Survived') + n('NoCoverage');
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  const withoutEquivalents = valid - equivalentSurvivors === 0 ? 100 : (100 * detected) / (valid - equivalentSurvivors);
  const ok = withoutEquivalents >= goal;
  const line =
    `mutate: target=${name} killed=${n('Killed')} timeout=${n('Timeout')} timeouts_unchecked=${n(UNCHECKED)} survived=${n('Survived')} no_coverage=${n('NoCoverage')} ` +
    `compile_errors=${n('CompileError')} equivalent=${equivalentSurvivors} score=${score.toFixed(2)} ` +
    `score_without_equivalents=${withoutEquivalents.toFixed(2)} goal=${goal} ${ok ? 'ok' : 'below'}` +
    (extra ? ` ${extra}` : '');
  return { line, ok };
}
