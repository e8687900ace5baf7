/**
 * Folds a survivors-only Stryker run back into a run's report and incremental file.
 *
 * Why: up to Stryker 9.5.1 the vitest runner recorded no per-test coverage on vitest 4 (every mutant
 * ran the target's whole test set, stryker-js#5928), and incremental mode re-tests a survivor only
 * when a new test is seen to cover it. So a survivor in a report made then stays Survived in every
 * incremental run after the test that kills it is written; only `--force` would notice. The same
 * holds for a Timeout measured under load. 9.6.1 records coverage, but old reports keep both.
 * `npm run mutate -- <run> --retest-survivors` runs Stryker on the survivors' lines alone and this
 * module copies each verdict that changed into the full report.
 *
 * Both reports follow mutation-testing-report-schema. A mutant is matched by its stable key (file,
 * line:column, mutator, replacement), and only if the file's source is the one the report holds:
 * a changed file must go through the incremental run first, which re-tests its changed mutants.
 */

export interface ReportTest {
  id: string;
  name: string;
}
export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  testsCompleted?: number;
  killedBy?: string[];
  coveredBy?: string[];
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
export interface Report {
  files: Record<string, { source: string; mutants: ReportMutant[] }>;
  testFiles?: Record<string, { source?: string; tests: ReportTest[] }>;
}

/** Statuses a retest looks at again: the ones a new test can change. */
export const UNDETECTED = new Set(['Survived', 'NoCoverage']);
/**
 * A Timeout is the other verdict worth a second look: Stryker counts it as detected, but on a
 * loaded 2-core machine a mutant's test run can pass the time limit without looping (journal:ring's
 * survivors' lines held 24 Timeouts at load 10; run again, 15 were killed and 9 survived).
 */
export const TIMED_OUT = 'Timeout';
const DETECTED = new Set(['Killed', TIMED_OUT]);

/** A mutant's stable name across runs (Stryker's ids are only unique within one report). */
export function mutantKey(file: string, mutant: Pick<ReportMutant, 'mutatorName' | 'replacement' | 'location'>): string {
  const { line, column } = mutant.location.start;
  return `${file}:${line}:${column} ${mutant.mutatorName} ${JSON.stringify(mutant.replacement ?? '')}`;
}

/**
 * The key plus the mutant's end: two mutants can share a start, mutator and replacement (an `if`
 * made false, and the same `if`'s condition made false), and only their ends tell them apart.
 */
export function matchKey(file: string, mutant: Pick<ReportMutant, 'mutatorName' | 'replacement' | 'location'>): string {
  const { line, column } = mutant.location.end;
  return `${mutantKey(file, mutant)} to ${line}:${column}`;
}

/** Stryker mutate ranges (`file:first-last` lines) holding every undetected mutant of `report`, and every timed-out one if asked. */
export function survivorRanges(report: Report, { timeouts = false } = {}): string[] {
  const ranges = new Set<string>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const mutant of mutants) {
      if (UNDETECTED.has(mutant.status) || (timeouts && mutant.status === TIMED_OUT)) {
        ranges.add(`${file}:${mutant.location.start.line}-${mutant.location.end.line}`);
      }
    }
  }
  return [...ranges];
}

export interface MergeOutcome {
  /** Undetected mutants in `base` before the merge. */
  undetected: number;
  /** Of those, how many the retest detected (now Killed or Timeout in `base`). */
  detected: number;
  /** Timed-out mutants in `base` the retest ran again. */
  timeoutsRetested: number;
  /** Of those, how many the retest did not detect (now Survived in `base`). */
  timeoutsSurvived: number;
  /** Undetected mutants the retest did not run (it must run them all). */
  missing: string[];
}

/**
 * Copies the retest's verdict into `base` for every undetected mutant the retest detected, and for
 * every timed-out mutant it ran again, whatever that verdict (a Timeout can turn out a survivor).
 * Throws if a file's source differs between the two: keys would then name different code.
 */
export function mergeRetest(base: Report, retest: Report): MergeOutcome {
  const retested = new Map<string, { mutant: ReportMutant; file: string }>();
  for (const [file, { source, mutants }] of Object.entries(retest.files)) {
    const baseFile = base.files[file];
    if (baseFile === undefined) throw new Error(`retest: ${file} is not in the report`);
    if (baseFile.source !== source) {
      throw new Error(`retest: ${file} changed since the report; run the incremental run (npm run mutate -- <run>) first`);
    }
    for (const mutant of mutants) retested.set(matchKey(file, mutant), { mutant, file });
  }
  const outcome: MergeOutcome = { undetected: 0, detected: 0, timeoutsRetested: 0, timeoutsSurvived: 0, missing: [] };
  for (const [file, { mutants }] of Object.entries(base.files)) {
    for (const mutant of mutants) {
      const again = retested.get(matchKey(file, mutant));
      if (mutant.status === TIMED_OUT) {
        if (again === undefined || !['Killed', 'Timeout', 'Survived'].includes(again.mutant.status)) continue;
        outcome.timeoutsRetested++;
        if (again.mutant.status === 'Survived') outcome.timeoutsSurvived++;
        copyVerdict(base, retest, mutant, again.mutant);
        continue;
      }
      if (!UNDETECTED.has(mutant.status)) continue;
      outcome.undetected++;
      if (again === undefined) {
        outcome.missing.push(mutantKey(file, mutant));
        continue;
      }
      if (!DETECTED.has(again.mutant.status)) continue;
      copyVerdict(base, retest, mutant, again.mutant);
      outcome.detected++;
    }
  }
  return outcome;
}

function copyVerdict(base: Report, retest: Report, mutant: ReportMutant, again: ReportMutant): void {
  mutant.status = again.status;
  mutant.statusReason = again.statusReason;
  mutant.testsCompleted = again.testsCompleted;
  mutant.killedBy = (again.killedBy ?? []).map((id) => adoptTest(base, retest, id));
}

/**
 * The id in `base` of the retest's test `id`, added to base's test files if base lacks it. A test
 * the dry run never saw (the failed "loads" test unloadable-file-reporter.ts adds) is not in the
 * retest's test files: Stryker then names it by its raw id, `<file>#<name>`.
 */
function adoptTest(base: Report, retest: Report, id: string): string {
  const named = Object.entries(retest.testFiles ?? {}).flatMap(([file, { source, tests }]) =>
    tests.filter((t) => t.id === id).map((t) => ({ file, source, name: t.name })),
  );
  const raw = id.indexOf('#');
  const test = named[0] ?? (raw > 0 ? { file: id.slice(0, raw), source: undefined, name: id.slice(raw + 1) } : undefined);
  if (test === undefined) throw new Error(`retest: test ${id} is not in the retest's test files`);
  base.testFiles ??= {};
  const baseFile = (base.testFiles[test.file] ??= test.source === undefined ? { tests: [] } : { source: test.source, tests: [] });
  const same = baseFile.tests.find((t) => t.name === test.name);
  if (same !== undefined) return same.id;
  const taken = new Set(Object.values(base.testFiles).flatMap((f) => f.tests.map((t) => t.id)));
  let n = 0;
  while (taken.has(`retest-${n}`)) n++;
  baseFile.tests.push({ id: `retest-${n}`, name: test.name });
  return `retest-${n}`;
}
