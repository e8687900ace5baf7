import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAFETY_MUTANTS } from '../../tools/mutants/safety-mutants.js';

const root = new URL('../..', import.meta.url).pathname;

function run(script: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('process-kill sample (bounded): real SIGKILLs of a child terminal process on a file image', () => {
  it('two kills: the day is finished from the image and the books agree', async () => {
    const r = await run('tools/powerloss/kill-sample.ts', ['--kills', '2', '--seed', '9']);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(
      /^kill-sample: kills=2 days=1 transactions=\d+ one_sided=0 lost_approvals=0 wrong_reversals=0 stan_reuse=0 manual=0 unknown_refunds=\d+ no_receipt=0 settlement_mismatch=0 reversal_skipped=0 errors=0$/,
    );
    expect(r.status).toBe(0);
  }, 120_000);

  it('refuses bad arguments with a usage line', async () => {
    const r = await run('tools/powerloss/kill-sample.ts', ['--kills', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: npm run powerloss:kill');
  }, 60_000);
});

describe('safety mutants follow the code (npm run mutants:safety applies them)', () => {
  it.each(SAFETY_MUTANTS.map((m) => [m.id, m] as const))('%s: every search text is found exactly once', (_id, mutant) => {
    for (const edit of mutant.edits) {
      const text = readFileSync(`${root}/${edit.file}`, 'utf8');
      const first = text.indexOf(edit.search);
      expect(first, `${edit.file}: search text not found`).toBeGreaterThanOrEqual(0);
      expect(text.indexOf(edit.search, first + 1), `${edit.file}: search text found twice`).toBe(-1);
      expect(edit.replace).not.toBe(edit.search);
    }
  });
});
