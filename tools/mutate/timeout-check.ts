/**
 * `npm run mutate -- <run> --check-timeouts`: applies each of a run's timed-out mutants to the source
 * by hand, one at a time, in a copy of the repository, and runs the run's tests against it with a
 * wall-clock limit.
 *
 * Why: Stryker counts a Timeout as detected, but a Timeout is not always a hang. In review, 6 of
 * flows:cashier's Timeouts (EngineProtocolError texts in primitives.ts) passed every test when
 * applied by hand: Stryker had judged them against the whole test set under instrumentation, past
 * its limit, and no test looked at those strings. A Timeout whose reason is "Hit limit reached" was
 * stopped by Stryker's loop counter; any other Timeout was stopped by the clock. This check judges
 * both the same way, outside Stryker: the tests fail (killed), pass (a survivor Stryker hid), or
 * are still running at the limit (a hang, which a real test run would report as a failure).
 *
 * The verdict is written into the run's report and incremental file: a survivor becomes Survived
 * (so `--survivors` lists it until a test kills it or equivalent-mutants.md gives a reason), a kill
 * becomes Killed, a hang stays Timeout with a reason saying so. Mutants this check found surviving
 * are checked again on the next run, so a new test is credited by running it again.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { matchKey, mutantKey, type Report, type ReportMutant } from './retest-merge.js';
import { runFileName } from './targets.mjs';

/** The statusReason this check gives a survivor, so the next check finds it again. */
export const HAND_SURVIVOR = 'timed out under Stryker; the tests pass with it applied by hand (--check-timeouts)';
const HAND_KILLED = 'applied by hand (--check-timeouts): the tests fail';
export const HAND_HANG = 'applied by hand (--check-timeouts): the tests still ran at the limit';

export type Verdict = 'killed' | 'survived' | 'hang';

export interface CheckOutcome {
  killed: number;
  survived: number;
  hangs: number;
  limitSeconds: number;
  baselineSeconds: number;
  survivors: string[];
}

/**
 * Mutants the check runs: every Timeout not yet found to hang by hand, and every survivor an
 * earlier check found. A hang found by hand is not run again until a Stryker run judges the mutant
 * afresh (a change to its file or its tests), which drops this reason.
 */
export function mutantsToCheck(report: Report): { file: string; mutant: ReportMutant }[] {
  const wanted = (m: ReportMutant): boolean =>
    (m.status === 'Timeout' && m.statusReason !== HAND_HANG) || (m.status === 'Survived' && m.statusReason === HAND_SURVIVOR);
  return Object.entries(report.files).flatMap(([file, { mutants }]) => mutants.filter(wanted).map((mutant) => ({ file, mutant })));
}

/** `source` with `mutant`'s replacement in place of the code it spans (Stryker's lines and columns count from 1). */
export function applyMutant(source: string, mutant: Pick<ReportMutant, 'location' | 'replacement'>): string {
  const lines = source.split('\n');
  const offset = ({ line, column }: { line: number; column: number }): number => {
    if (line < 1 || line > lines.length) throw new RangeError(`line ${line} is outside the file (${lines.length} lines)`);
    let at = 0;
    for (let i = 0; i < line - 1; i++) at += lines[i]!.length + 1;
    return at + column - 1;
  };
  const start = offset(mutant.location.start);
  const end = offset(mutant.location.end);
  if (mutant.replacement === undefined || end < start) throw new RangeError('mutant has no replacement or an empty span');
  return source.slice(0, start) + mutant.replacement + source.slice(end);
}

/** Sets the mutant's status from a by-hand verdict. */
export function recordVerdict(mutant: ReportMutant, verdict: Verdict): void {
  if (verdict === 'killed') {
    mutant.status = 'Killed';
    mutant.statusReason = HAND_KILLED;
  } else if (verdict === 'survived') {
    mutant.status = 'Survived';
    mutant.statusReason = HAND_SURVIVOR;
    mutant.killedBy = [];
  } else {
    mutant.status = 'Timeout';
    mutant.statusReason = HAND_HANG;
  }
}

/**
 * Runs the check for `run` (its tests picked by tools/mutate/vitest.mutate.config.ts, as Stryker's
 * are) and updates `report` and `incremental` in place. Throws on a stale report or a copy whose
 * unmutated tests fail.
 */
export async function checkTimeouts(run: string, report: Report, incremental: Report, limitOverride?: number): Promise<CheckOutcome> {
  const targets = mutantsToCheck(report);
  const sandbox = resolve(`var/timeout-check-${runFileName(run)}`);
  const outcome: CheckOutcome = { killed: 0, survived: 0, hangs: 0, limitSeconds: 0, baselineSeconds: 0, survivors: [] };
  if (targets.length === 0) return outcome;
  for (const { file } of targets) {
    if (readFileSync(file, 'utf8') !== report.files[file]!.source) {
      throw new Error(`${file} changed since the report; run npm run mutate -- ${run} first`);
    }
  }
  makeSandbox(sandbox);
  // vitest runs in a process group of its own, which the terminal's Ctrl-C does not reach. The copy
  // is left for the next run to remove: under npm and tsx a second signal ends this process soon after.
  const onSignal = (): void => {
    if (running !== undefined) killGroup(running);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  try {
    // The unmutated tests must pass in the copy, and their time sets the limit: five times it, at
    // least 20 s, so a loaded machine does not turn a slow pass into a "hang".
    const baseline = await runTests(sandbox, run, 600);
    if (baseline.verdict !== 'survived') throw new Error(`the unmutated tests do not pass in the copy (${baseline.verdict})`);
    outcome.baselineSeconds = baseline.seconds;
    outcome.limitSeconds = limitOverride ?? Math.max(20, Math.ceil(5 * baseline.seconds));
    for (const [i, { file, mutant }] of targets.entries()) {
      const key = mutantKey(file, mutant);
      const path = join(sandbox, file);
      const source = readFileSync(path, 'utf8');
      writeFileSync(path, applyMutant(source, mutant));
      const { verdict, seconds } = await runTests(sandbox, run, outcome.limitSeconds);
      writeFileSync(path, source);
      if (verdict === 'killed') outcome.killed++;
      else if (verdict === 'hang') outcome.hangs++;
      else {
        outcome.survived++;
        outcome.survivors.push(key);
      }
      const wanted = matchKey(file, mutant);
      for (const r of [report, incremental]) {
        const same = r.files[file]?.mutants.find((m) => matchKey(file, m) === wanted);
        if (same !== undefined) recordVerdict(same, verdict);
      }
      if (process.stdout.isTTY) console.log(`timeout-check [${i + 1}/${targets.length}] ${key}: ${verdict} (${seconds.toFixed(1)} s)`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    rmSync(sandbox, { recursive: true, force: true });
  }
  return outcome;
}

/** A copy of the working tree's files git knows or would add, with node_modules linked, not copied (an interrupted run's copy goes first). */
function makeSandbox(sandbox: string): void {
  rmSync(sandbox, { recursive: true, force: true });
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
    .split('\0')
    .filter((f) => f.length > 0 && existsSync(f));
  for (const file of files) {
    mkdirSync(dirname(join(sandbox, file)), { recursive: true });
    cpSync(file, join(sandbox, file));
  }
  symlinkSync(resolve('node_modules'), join(sandbox, 'node_modules'));
}

/**
 * One vitest run of the target's tests in the sandbox. vitest runs in its own process group, so a
 * hang is stopped with every worker it forked (killing only the parent left spinning workers).
 */
/** The process group of the vitest run going on now, for SIGINT. */
let running: number | undefined;

function runTests(sandbox: string, run: string, limitSeconds: number): Promise<{ verdict: Verdict; seconds: number }> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '-c', 'tools/mutate/vitest.mutate.config.ts', '--bail', '1'], {
      cwd: sandbox,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, MUTATE_TARGET: run },
    });
    running = child.pid;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid!);
    }, limitSeconds * 1000);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearTimeout(timer);
      killGroup(child.pid!); // a worker left behind would load the next run
      running = undefined;
      const seconds = (Date.now() - started) / 1000;
      done({ verdict: timedOut ? 'hang' : code === 0 ? 'survived' : 'killed', seconds });
    });
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
