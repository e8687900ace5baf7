import { describe, expect, it } from 'vitest';
import { mergeRetest, mutantKey, survivorRanges, type Report, type ReportMutant } from '../../tools/mutate/retest-merge.js';

/** npm run mutate -- <run> --retest-survivors: a survivors-only run folded into the full report. */
const at = (line: number, column: number, endLine = line): ReportMutant['location'] => ({ start: { line, column }, end: { line: endLine, column: column + 5 } });
const mutant = (id: string, status: string, line: number, column: number, replacement = 'true', endLine = line): ReportMutant => ({
  id, mutatorName: 'ConditionalExpression', replacement, status, location: at(line, column, endLine),
});

function fullReport(): Report {
  return {
    files: {
      'firmware/a.ts': {
        source: 'a source',
        mutants: [mutant('1', 'Killed', 3, 5), mutant('2', 'Survived', 7, 9), mutant('3', 'Survived', 7, 20, 'false'), mutant('4', 'NoCoverage', 11, 2, 'true', 13)],
      },
      'firmware/b.ts': { source: 'b source', mutants: [mutant('5', 'Survived', 2, 1), mutant('6', 'Timeout', 4, 1)] },
    },
    testFiles: { 'test/a.test.ts': { source: 'old tests', tests: [{ id: '0', name: 'a refuses field 1' }] } },
  };
}

function retestReport(): Report {
  return {
    files: {
      'firmware/a.ts': { source: 'a source', mutants: [mutant('0', 'Killed', 7, 9), mutant('1', 'Survived', 7, 20, 'false'), mutant('2', 'Timeout', 11, 2, 'true', 13), mutant('3', 'Killed', 7, 30)] },
      'firmware/b.ts': { source: 'b source', mutants: [mutant('4', 'Killed', 2, 1)] },
    },
    testFiles: {
      'test/a.test.ts': { source: 'new tests', tests: [{ id: '7', name: 'a refuses field 1' }, { id: '8', name: 'a new test' }] },
      'test/b.test.ts': { source: 'b tests', tests: [{ id: '9', name: 'b loads' }] },
    },
  };
}

describe('survivorRanges', () => {
  it('names the lines of every survived or uncovered mutant, each range once', () => {
    expect(survivorRanges(fullReport())).toEqual(['firmware/a.ts:7-7', 'firmware/a.ts:11-13', 'firmware/b.ts:2-2']);
  });
});

describe('mergeRetest', () => {
  it('copies every detection into the report; a retest survivor stays survived, and other mutants are left alone', () => {
    const base = fullReport();
    const retest = retestReport();
    retest.files['firmware/a.ts']!.mutants[0]!.killedBy = ['8'];
    retest.files['firmware/a.ts']!.mutants[0]!.statusReason = 'expected 1 to be 2';
    retest.files['firmware/b.ts']!.mutants[0]!.killedBy = ['7'];
    expect(mergeRetest(base, retest)).toEqual({ undetected: 4, detected: 3, timeoutsRetested: 0, timeoutsSurvived: 0, missing: [] });
    const a = base.files['firmware/a.ts']!.mutants;
    expect(a.map((m) => m.status)).toEqual(['Killed', 'Killed', 'Survived', 'Timeout']);
    expect(a[1]).toMatchObject({ id: '2', statusReason: 'expected 1 to be 2', killedBy: ['retest-0'] });
    expect(a.length).toBe(4); // the retest's extra mutant on line 7 (30) was killed before: not added
    expect(base.files['firmware/b.ts']!.mutants.map((m) => [m.status, m.killedBy])).toEqual([['Killed', ['0']], ['Timeout', undefined]]);
    expect(base.testFiles!['test/a.test.ts']!.tests).toEqual([{ id: '0', name: 'a refuses field 1' }, { id: 'retest-0', name: 'a new test' }]);
  });

  it('tells apart two mutants that share a start, mutator and replacement by their ends', () => {
    const base = fullReport();
    const wide = { ...mutant('7', 'Survived', 7, 9), location: { start: { line: 7, column: 9 }, end: { line: 9, column: 1 } } };
    base.files['firmware/a.ts']!.mutants.push(wide);
    const retest = retestReport();
    retest.files['firmware/a.ts']!.mutants.push({ ...wide, id: '5', status: 'Survived' });
    expect(mergeRetest(base, retest)).toMatchObject({ undetected: 5, detected: 3, missing: [] });
    expect(base.files['firmware/a.ts']!.mutants.map((m) => [m.id, m.status])).toEqual([['1', 'Killed'], ['2', 'Killed'], ['3', 'Survived'], ['4', 'Timeout'], ['7', 'Survived']]);
  });

  it('takes a retested Timeout\'s new verdict either way; a Timeout the retest did not run stays', () => {
    const base = fullReport();
    base.files['firmware/a.ts']!.mutants.push(mutant('8', 'Timeout', 20, 1), mutant('9', 'Timeout', 21, 1));
    base.files['firmware/b.ts']!.mutants[1]!.status = 'Timeout';
    const retest = retestReport();
    retest.files['firmware/a.ts']!.mutants.push(mutant('6', 'Survived', 20, 1), { ...mutant('7', 'Killed', 21, 1), killedBy: ['9'] });
    expect(mergeRetest(base, retest)).toMatchObject({ timeoutsRetested: 2, timeoutsSurvived: 1 });
    expect(base.files['firmware/a.ts']!.mutants.slice(3).map((m) => [m.id, m.status])).toEqual([['4', 'Timeout'], ['8', 'Survived'], ['9', 'Killed']]);
    expect(base.files['firmware/b.ts']!.mutants[1]!.status).toBe('Timeout');
    expect(survivorRanges(base, { timeouts: true })).toEqual(['firmware/a.ts:7-7', 'firmware/a.ts:11-13', 'firmware/a.ts:20-20', 'firmware/b.ts:4-4']);
  });

  it('reports an undetected mutant the retest did not run', () => {
    const retest = retestReport();
    retest.files['firmware/b.ts']!.mutants = [];
    const outcome = mergeRetest(fullReport(), retest);
    expect(outcome.missing).toEqual([mutantKey('firmware/b.ts', mutant('5', 'Survived', 2, 1))]);
  });

  it('refuses a file whose source changed since the report: its keys would name other code', () => {
    const retest = retestReport();
    retest.files['firmware/b.ts']!.source = 'b source, edited';
    expect(() => mergeRetest(fullReport(), retest)).toThrow('retest: firmware/b.ts changed since the report; run the incremental run (npm run mutate -- <run>) first');
  });

  it('adopts a killer the dry run never saw by its raw id (the failed "loads" test of a file that could not load)', () => {
    const base = fullReport();
    const retest = retestReport();
    retest.files['firmware/b.ts']!.mutants[0]!.killedBy = ['test/c.test.ts#test/c.test.ts the test file loads'];
    mergeRetest(base, retest);
    expect(base.files['firmware/b.ts']!.mutants[0]!.killedBy).toEqual(['retest-0']);
    expect(base.testFiles!['test/c.test.ts']).toEqual({ tests: [{ id: 'retest-0', name: 'test/c.test.ts the test file loads' }] });
  });

  it('refuses a killer test the retest does not list', () => {
    const retest = retestReport();
    retest.files['firmware/b.ts']!.mutants[0]!.killedBy = ['99'];
    expect(() => mergeRetest(fullReport(), retest)).toThrow('retest: test 99 is not in the retest\'s test files');
  });
});
