/**
 * Shrinks a failing event list: drops chunks of events (halves, then quarters, ... then single
 * events) while the run still fails, within a bounded number of re-runs. What is left is the
 * shortest trace this search found that still reproduces the failure.
 */
export async function shrinkEvents<T>(events: readonly T[], stillFails: (events: T[]) => Promise<boolean>, maxRuns = 200): Promise<T[]> {
  let current = [...events];
  let runs = 0;
  for (let chunk = Math.ceil(current.length / 2); chunk >= 1 && runs < maxRuns; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let i = 0; i < current.length && runs < maxRuns; ) {
      const candidate = [...current.slice(0, i), ...current.slice(i + chunk)];
      runs += 1;
      if (candidate.length > 0 && (await stillFails(candidate))) current = candidate;
      else i += chunk;
    }
  }
  return current;
}
