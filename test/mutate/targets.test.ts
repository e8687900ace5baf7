import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MUTATION_TARGETS, mutationTarget, runFileName, runsOf } from '../../tools/mutate/targets.mjs';

/** A folder split into shards must still mutate every file it holds, each exactly once. */
describe('npm run mutate shards', () => {
  for (const [folder, target] of Object.entries(MUTATION_TARGETS)) {
    if (!target.shards) continue;
    it(`${folder}: the shards cover the folder's files, each file once`, () => {
      const dir = target.mutate[0]!.replace(/\/\*\*.*$/, '');
      const excluded = target.mutate.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1));
      const files = readdirSync(dir)
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `${dir}/${name}`)
        .filter((file) => !excluded.includes(file))
        .sort();
      const sharded = runsOf(folder).flatMap((run) => mutationTarget(run).mutate);
      expect([...sharded].sort()).toEqual(files);
    });
  }

  it('names runs by folder or folder:shard, and refuses any other name', () => {
    expect(runsOf('security')).toEqual(['security']);
    expect(runsOf('journal')).toContain('journal:ring');
    expect(runFileName('journal:ring')).toBe('journal-ring');
    expect(mutationTarget('journal:ring').tests).toEqual(MUTATION_TARGETS.journal!.tests);
    expect(() => mutationTarget('journal:nope')).toThrow(/unknown mutation target "journal:nope"/);
    expect(() => runsOf('nope')).toThrow(/unknown mutation target "nope"/);
  });
});
