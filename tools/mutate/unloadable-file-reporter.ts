/**
 * A vitest reporter for mutation runs only: a test file that fails to load becomes one failed test.
 *
 * Why: Stryker's vitest runner (9.5.1, and 9.6.1: stryker-js#6150 is still open) builds a mutant's verdict from the tests vitest collected.
 * A test file whose import throws collects none, so a mutant that stops a module from loading is
 * scored Survived although the suite plainly fails (stryker-js#6150, open). Here that bites through
 * `isolate: false`: a mutant is switched on in the first file's beforeAll, so a later file that is
 * first to import a module with import-time work (CUP_POS_FIELDS is built by fieldTable at import)
 * runs that work mutated, throws, and collects nothing. All 36 field-spec.ts "survivors" were this.
 *
 * At the end of a run every file whose result is `fail` and that holds no test with a result gets
 * one failed test carrying the file's own error. Files that loaded are left alone: their own tests
 * (or Stryker's suite-error rule for a failed beforeAll) carry the verdict.
 */
import type { File, Task, Test } from '@vitest/runner';
import type { Reporter, Vitest } from 'vitest/node';

export class UnloadableFileAsFailedTest implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  /** Runs before vitest's start() resolves, so Stryker reads the files as changed here. */
  onTestRunEnd(): void {
    for (const file of this.vitest?.state.getFiles() ?? []) markUnloadable(file);
  }
}

/** Adds the failed "loads" test to `file` if it failed without any test that ran; returns whether it did. */
export function markUnloadable(file: File): boolean {
  if (file.result?.state !== 'fail' || file.tasks.some(ranATest)) return false;
  const error = file.result.errors?.[0];
  // Only the fields Stryker's runner reads (type, name, mode, result, file, suite): vitest builds a
  // full Test only while collecting, and nothing runs this one.
  const loads = {
    type: 'test',
    id: `${file.id}_loads`,
    name: 'the test file loads',
    mode: 'run',
    file,
    suite: file,
    meta: {},
    result: { state: 'fail', errors: [{ message: `test file failed to load: ${error?.message ?? 'unknown error'}` }] },
  } as unknown as Test;
  file.tasks.push(loads);
  return true;
}

function ranATest(task: Task): boolean {
  if (task.type === 'test') return task.result !== undefined;
  return task.tasks.some(ranATest);
}
