import { describe, expect, it } from 'vitest';
import type { Report, ReportMutant } from '../../tools/mutate/retest-merge.js';
import { HAND_HANG, HAND_SURVIVOR, applyMutant, mutantsToCheck, recordVerdict } from '../../tools/mutate/timeout-check.js';

/** npm run mutate -- <run> --check-timeouts: each Timeout applied by hand, its verdict written back. */
const span = (line: number, column: number, endLine: number, endColumn: number): ReportMutant['location'] => ({
  start: { line, column },
  end: { line: endLine, column: endColumn },
});
const mutant = (status: string, location: ReportMutant['location'], replacement: string, statusReason?: string): ReportMutant => ({
  id: '1', mutatorName: 'StringLiteral', replacement, status, location, ...(statusReason === undefined ? {} : { statusReason }),
});

describe('applyMutant', () => {
  // The shape of firmware/app/flows/primitives.ts:29:11 StringLiteral "``", which Stryker scored Timeout.
  const source = "export class E extends Error {\n  constructor(a: string) {\n    super(`expected ${a}`);\n  }\n}\n";

  it('replaces the span a one-line mutant names, counting lines and columns from 1', () => {
    expect(applyMutant(source, { location: span(3, 11, 3, 26), replacement: '``' })).toBe(
      'export class E extends Error {\n  constructor(a: string) {\n    super(``);\n  }\n}\n',
    );
  });

  it('replaces a span across lines (a block emptied)', () => {
    expect(applyMutant(source, { location: span(2, 26, 4, 4), replacement: '{}' })).toBe(
      'export class E extends Error {\n  constructor(a: string) {}\n}\n',
    );
  });

  it('refuses a line past the end of the file, a mutant without a replacement and a reversed span', () => {
    expect(() => applyMutant(source, { location: span(9, 1, 9, 2), replacement: '{}' })).toThrow(/line 9 is outside the file \(6 lines\)/);
    expect(() => applyMutant(source, { location: span(3, 11, 3, 26) })).toThrow(RangeError);
    expect(() => applyMutant(source, { location: span(3, 26, 3, 11), replacement: '' })).toThrow(RangeError);
  });
});

describe('mutantsToCheck', () => {
  it('takes every Timeout not yet found to hang by hand and every survivor an earlier check found, and nothing else', () => {
    const report: Report = {
      files: {
        'firmware/a.ts': {
          source: '',
          mutants: [
            mutant('Timeout', span(1, 1, 1, 2), 'a', 'Hit limit reached (3905/3900)'),
            mutant('Timeout', span(2, 1, 2, 2), 'b'),
            mutant('Survived', span(3, 1, 3, 2), 'c', HAND_SURVIVOR),
            mutant('Survived', span(4, 1, 4, 2), 'd'),
            mutant('Killed', span(5, 1, 5, 2), 'e'),
            mutant('Timeout', span(6, 1, 6, 2), 'f', HAND_HANG),
          ],
        },
      },
    };
    expect(mutantsToCheck(report).map(({ mutant: m }) => m.replacement)).toEqual(['a', 'b', 'c']);
  });
});

describe('recordVerdict', () => {
  it('makes a by-hand survivor Survived with the reason the next check looks for, a kill Killed, and a hang stays Timeout', () => {
    const survivor = { ...mutant('Timeout', span(1, 1, 1, 2), 'a'), killedBy: ['3'] };
    recordVerdict(survivor, 'survived');
    expect(survivor).toMatchObject({ status: 'Survived', statusReason: HAND_SURVIVOR, killedBy: [] });
    const killed = mutant('Survived', span(1, 1, 1, 2), 'a', HAND_SURVIVOR);
    recordVerdict(killed, 'killed');
    expect(killed.status).toBe('Killed');
    expect(killed.statusReason).not.toBe(HAND_SURVIVOR);
    const hang = mutant('Timeout', span(1, 1, 1, 2), 'a');
    recordVerdict(hang, 'hang');
    expect(hang.status).toBe('Timeout');
    expect(hang.statusReason).toBe(HAND_HANG);
  });
});
