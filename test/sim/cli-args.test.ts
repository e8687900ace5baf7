import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(script: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
}

describe('powerloss and soak refuse bad arguments with a usage line', () => {
  it('soak: --transactions must be a positive integer', () => {
    const r = run('tools/powerloss/soak.ts', ['--seed', '1', '--transactions', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: npm run soak -- --seed <non-negative integer> --transactions <positive integer>');
  });

  it('powerloss: --zones must be at least 1', () => {
    const r = run('tools/powerloss/trading-day.ts', ['--zones', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: npm run powerloss');
  });
});
