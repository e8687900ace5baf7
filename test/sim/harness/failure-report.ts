/** What a failing simulated day prints: its seed, the oracle's findings, and the shrunk trace. */
import { runDay, type DayEvent, type DayOptions } from './day-run.js';
import { verdictFailed, type OracleVerdict } from './ledger-oracle.js';
import { shrinkEvents } from './shrink.js';

/** A day fails when the oracle finds anything, or when the harness cannot drive it (thrown). */
export async function dayFails(events: readonly DayEvent[], options: DayOptions): Promise<OracleVerdict | Error | undefined> {
  try {
    const result = await runDay(events, options);
    return verdictFailed(result.verdict) ? result.verdict : undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Shrinks the failing day and renders seed, finding and trace (one event per line, replayable). */
export async function describeFailure(events: readonly DayEvent[], options: DayOptions, maxRuns = 150): Promise<string> {
  const finding = await dayFails(events, options);
  const shortest = await shrinkEvents(events, async (candidate) => (await dayFails(candidate, options)) !== undefined, maxRuns);
  const shrunkFinding = await dayFails(shortest, options);
  return [
    `FAILED seed=${options.seed} events=${events.length} shortest=${shortest.length}`,
    `finding: ${render(finding)}`,
    `shortest trace finding: ${render(shrunkFinding)}`,
    'shortest trace (runDay(events, { seed }) replays it):',
    ...shortest.map((e) => JSON.stringify(e)),
  ].join('\n');
}

function render(finding: OracleVerdict | Error | undefined): string {
  if (finding === undefined) return 'none (not reproducible?)';
  if (finding instanceof Error) return `harness error: ${finding.message}`;
  return JSON.stringify(finding);
}
