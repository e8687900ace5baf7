import { fileURLToPath } from 'node:url';
import type { File, Task } from '@vitest/runner';
import { describe, expect, it } from 'vitest';
import { startVitest } from 'vitest/node';
import { UnloadableFileAsFailedTest } from '../../tools/mutate/unloadable-file-reporter.js';

/**
 * stryker-js#6150: Stryker's vitest runner reads only the tests vitest collected, so a file whose
 * import throws gave a mutant "Survived". These run a real vitest over two fixture files and read
 * its state the way the runner does (collectTestsFromSuite: every test task with a result).
 */
const root = fileURLToPath(new URL('./fixtures/unloadable', import.meta.url));

async function runFixtures(withReporter: boolean): Promise<Map<string, { name: string; state: string | undefined; error?: string }[]>> {
  const vitest = await startVitest('test', [], {
    root,
    include: ['*.fixture.ts'],
    watch: false,
    reporters: withReporter ? [new UnloadableFileAsFailedTest()] : [{}],
  });
  try {
    const byFile = new Map<string, { name: string; state: string | undefined; error?: string }[]>();
    for (const file of vitest.state.getFiles()) {
      byFile.set(file.name, collected(file).map((t) => ({ name: t.name, state: t.result?.state, error: t.result?.errors?.[0]?.message })));
    }
    return byFile;
  } finally {
    process.exitCode = 0; // the fixtures fail on purpose; this test's own verdict is the asserts
    await vitest.close();
  }
}

function collected(task: File | Task): Task[] {
  if (task.type === 'test') return task.result === undefined ? [] : [task];
  return task.tasks.flatMap(collected);
}

describe('UnloadableFileAsFailedTest (mutation runs only)', () => {
  it('without it, a file that fails to load shows no test at all: the runner would score its mutant Survived', async () => {
    const files = await runFixtures(false);
    expect(files.get('breaks-on-import.fixture.ts')).toEqual([]);
  });

  it('with it, that file holds one failed test carrying the load error; a file that loaded keeps exactly its own tests', async () => {
    const files = await runFixtures(true);
    expect(files.get('breaks-on-import.fixture.ts')).toEqual([
      { name: 'the test file loads', state: 'fail', error: 'test file failed to load: field table: field number 2 is not in 2..128' },
    ]);
    expect(files.get('loads.fixture.ts')).toEqual([
      { name: 'passes', state: 'pass', error: undefined },
      { name: 'fails', state: 'fail', error: 'expected 1 to be 2 // Object.is equality' },
    ]);
  });
});
