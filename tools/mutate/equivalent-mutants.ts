/**
 * Reads tools/mutate/equivalent-mutants.md: one surviving mutant per list line, as
 *   - `<file>:<line>:<column> <Mutator> "<replacement>"` — why no test can tell it from the original
 * A survivor counts as equivalent only if its key appears there verbatim and a reason follows.
 */
import { readFileSync } from 'node:fs';

const LINE = /^- `([^`]+)` — (.+)$/;

export function equivalentMutantIds(path = 'tools/mutate/equivalent-mutants.md'): Set<string> {
  const ids = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = LINE.exec(line);
    if (match !== null && match[2]!.trim().length > 0) ids.add(match[1]!);
  }
  return ids;
}
