/**
 * npm run mutate [-- <target>... [--force] [--survivors]] — Stryker, one folder at a time (targets.mjs), one test runner,
 * incremental: a rerun tests only the mutants whose source or covering tests changed.
 * On a TTY Stryker's progress bar shows; in a pipe only one summary line per folder is printed:
 *   mutate: target=<name> files=<glob> killed=<N> survived=<N> timeout=<N> no_coverage=<N> score=<pct> goal=<pct> ok|below
 * Survivors that are equivalent mutants are listed with a reason in tools/mutate/equivalent-mutants.md;
 * they are subtracted from the denominator of `score_without_equivalents`.
 * Exit status is 1 if any folder is below its goal after its equivalent mutants are set aside.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { MUTATION_TARGETS, mutationTarget } from './targets.mjs';
import { equivalentMutantIds } from './equivalent-mutants.js';

interface MutantResult {
  id: string;
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}
interface MutationReport {
  files: Record<string, { mutants: MutantResult[] }>;
}

const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const targets = names.length > 0 ? names : Object.keys(MUTATION_TARGETS);
const listSurvivors = process.argv.includes('--survivors');
// --force: ignore the incremental file and test every mutant again (after a config change).
const strykerFlags = process.argv.includes('--force') ? ['--force'] : [];
let belowGoal = 0;

for (const name of targets) {
  const target = mutationTarget(name);
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run', 'tools/mutate/stryker.config.mjs', ...strykerFlags], {
    stdio: process.stdout.isTTY ? 'inherit' : ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, MUTATE_TARGET: name },
  });
  if (run.status !== 0) {
    console.error(`mutate: target=${name} stryker exited with ${run.status ?? run.signal}`);
    process.exit(2);
  }
  const report = JSON.parse(readFileSync(`var/mutation/${name}.json`, 'utf8')) as MutationReport;
  const count = new Map<string, number>();
  const equivalent = equivalentMutantIds();
  let equivalentSurvivors = 0;
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const mutant of mutants) {
      count.set(mutant.status, (count.get(mutant.status) ?? 0) + 1);
      if (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage') continue;
      const key = mutantKey(file, mutant);
      if (equivalent.has(key)) equivalentSurvivors++;
      else if (listSurvivors) console.log(`survivor: ${key}`);
    }
  }
  const n = (status: string): number => count.get(status) ?? 0;
  const detected = n('Killed') + n('Timeout');
  const valid = detected + n('Survived') + n('NoCoverage');
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  const scoreWithoutEquivalents = valid - equivalentSurvivors === 0 ? 100 : (100 * detected) / (valid - equivalentSurvivors);
  const ok = scoreWithoutEquivalents >= target.goal;
  if (!ok) belowGoal++;
  console.log(
    `mutate: target=${name} files=${target.mutate.join(',')} killed=${n('Killed')} timeout=${n('Timeout')} ` +
      `survived=${n('Survived')} no_coverage=${n('NoCoverage')} compile_errors=${n('CompileError')} ` +
      `equivalent=${equivalentSurvivors} score=${score.toFixed(2)} score_without_equivalents=${scoreWithoutEquivalents.toFixed(2)} ` +
      `goal=${target.goal} ${ok ? 'ok' : 'below'} seconds=${Math.round((Date.now() - started) / 1000)}`,
  );
}
process.exit(belowGoal > 0 ? 1 : 0);

/** A survivor's stable name: file, line:column, mutator and replacement (ids change between runs). */
function mutantKey(file: string, mutant: MutantResult): string {
  const { line, column } = mutant.location.start;
  return `${file}:${line}:${column} ${mutant.mutatorName} ${JSON.stringify(mutant.replacement ?? '')}`;
}
