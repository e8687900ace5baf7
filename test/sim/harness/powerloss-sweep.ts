/**
 * The power-loss sweep over a scripted day. One clean run counts, per event, the flash operations
 * and the messages it causes; then power is cut at every flash operation (in every cut mode of the
 * simulated NOR) and at every message boundary (request left, host applied, response arrived).
 *
 * Cuts also strike as a print job starts (the head mid-receipt), and, for every message cut, again
 * while the terminal recovers from it (boot reversal, sign-in): at each of the recovery's first
 * flash operations and at each boundary of its first message.
 *
 * Each cut is aimed at an event and an operation within it. To keep the sweep within minutes, one
 * run carries several cuts, one per zone of the day (zones are long stretches of events: the
 * terminal has recovered and traded on normally long before the next cut comes). Every cut is
 * followed by a reboot, recovery, sign-in and the rest of the day; every run ends with the oracle's
 * check. Cuts that the run never reached (the event went differently after an earlier cut) are
 * not counted.
 */
import { CUT_MODES } from '../../../firmware/drivers/flash/simulated-nor.js';
import { runDay, type DayEvent, type DayOptions, type EventSpan, type PowerCutPlan } from './day-run.js';
import { emptyTotals, runAndTally, type RunTotals } from './run-totals.js';
import { MESSAGE_BOUNDARIES } from './sim-host.js';

export interface CutPoint {
  event: number;
  cut: PowerCutPlan;
  cutInRecovery?: PowerCutPlan;
}

/** Cuts while recovering from a message cut: the recovery's first flash ops and its first message. */
const RECOVERY_CUTS: PowerCutPlan[] = [
  ...[1, 2, 3].map((flashOp) => ({ flashOp, mode: CUT_MODES[flashOp % CUT_MODES.length]! })),
  ...MESSAGE_BOUNDARIES.map((at) => ({ request: 0, at })),
];

/**
 * Every flash operation x cut mode, every message x boundary and every print job of the clean day;
 * and every message cut again with each cut in its recovery.
 */
export function cutPoints(spans: readonly EventSpan[]): CutPoint[] {
  const points: CutPoint[] = [];
  spans.forEach((span, event) => {
    for (let op = 1; op <= span.flashOps; op++) for (const mode of CUT_MODES) points.push({ event, cut: { flashOp: op, mode } });
    for (let request = 0; request < span.requests; request++) {
      for (const at of MESSAGE_BOUNDARIES) {
        points.push({ event, cut: { request, at } });
        for (const inRecovery of RECOVERY_CUTS) points.push({ event, cut: { request, at }, cutInRecovery: inRecovery });
      }
    }
    for (let printJob = 0; printJob < span.printJobs; printJob++) points.push({ event, cut: { printJob } });
  });
  return points;
}

/** Deals the cut points into runs: run r takes the r-th point of every zone. */
export function runsOf(points: readonly CutPoint[], events: number, zones: number): CutPoint[][] {
  const byZone: CutPoint[][] = Array.from({ length: zones }, () => []);
  for (const p of points) byZone[Math.min(zones - 1, Math.floor((p.event * zones) / events))]!.push(p);
  const runs = Math.max(...byZone.map((z) => z.length));
  return Array.from({ length: runs }, (_, r) => byZone.flatMap((z) => (r < z.length ? [z[r]!] : [])));
}

export function withCuts(day: readonly DayEvent[], cuts: readonly CutPoint[]): DayEvent[] {
  const events = day.map((e) => ({ ...e }));
  for (const c of cuts) {
    events[c.event]!.cut = c.cut;
    if (c.cutInRecovery) events[c.event]!.cutInRecovery = c.cutInRecovery;
  }
  return events;
}

export interface SweepOptions extends DayOptions {
  /** Cuts per run (zones of the day). */
  zones: number;
  /** Take every n-th cut point only (bounded test runs); default 1 = all. */
  stride?: number;
  onProgress?: (runsDone: number, runs: number) => void;
}

export interface SweepResult extends RunTotals {
  /** The clean run: flash operations and messages of the day. */
  flashOps: number;
  messages: number;
  planned: number;
}

export async function sweepDay(day: readonly DayEvent[], options: SweepOptions): Promise<SweepResult> {
  const clean = await runDay(day, options);
  const stride = options.stride ?? 1;
  const points = cutPoints(clean.spans).filter((_, i) => i % stride === 0);
  const runs = runsOf(points, day.length, options.zones);
  const flashOps = clean.spans.reduce((n, s) => n + s.flashOps, 0);
  const result: SweepResult = { ...emptyTotals(), flashOps, messages: clean.requests, planned: points.length };
  for (const [i, cuts] of runs.entries()) {
    await runAndTally(result, withCuts(day, cuts), options);
    options.onProgress?.(i + 1, runs.length);
  }
  return result;
}
