/**
 * Runs one simulated trading day: a list of events (a cashier action, the host faults for the
 * requests it makes, and at most one power cut inside it), deterministically from a seed. After a
 * cut the terminal reboots on the same flash, recovers, the cashier signs in again and the day goes
 * on with the next event. The day ends with a power cycle (the terminal is switched off at night and
 * boots next morning, which runs its boot recovery) and the oracle's check against the issuer.
 */
import type { CutMode } from '../../../firmware/drivers/flash/simulated-nor.js';
import { Cashier, isTransaction, type CashierAction } from './cashier.js';
import { LedgerOracle, type OracleVerdict } from './ledger-oracle.js';
import type { MessageBoundary, SimFault } from './sim-host.js';
import { JobLog } from './job-log.js';
import { JournalImageReader } from './journal-image.js';
import { PaperRollPrinter } from './paper-roll-printer.js';
import { DEVICE_KEY, SimTerminal, type SimPrinter } from './sim-terminal.js';
import { createPanCipher } from '../../../firmware/security/pan-at-rest.js';

/**
 * Where the power goes, counted from the start of the event's action (flash ops from 1, requests
 * and print jobs from 0; a print job is cut as it starts to print).
 */
export type PowerCutPlan = { flashOp: number; mode: CutMode } | { request: number; at: MessageBoundary } | { printJob: number };

export interface DayEvent {
  action: CashierAction;
  /** Faults for the action's requests in order (null: a clean exchange); later requests are clean. */
  faults?: (SimFault | null)[];
  cut?: PowerCutPlan;
  /** When `cut` struck: a second cut while the terminal recovers from it (counted from power-on). */
  cutInRecovery?: PowerCutPlan;
}

/** What each event used, so a sweep can aim a cut at any flash operation or message of the day. */
export interface EventSpan {
  flashOps: number;
  requests: number;
  printJobs: number;
}

export interface DayResult {
  verdict: OracleVerdict;
  cuts: number;
  transactions: number;
  faults: number;
  faultsByKind: Record<string, number>;
  requests: number;
  spans: EventSpan[];
  /** Times the terminal refused a transaction with 请先结算 (journal full) and the cashier settled. */
  settlementsAsked: number;
  /** Approved transactions of the day by type (what the day really did). */
  approved: Record<string, number>;
  /** Journal records the oracle saw move to another sector (GC copies), read off the flash images. */
  gcCopies: number;
}

export interface DayOptions {
  seed: number;
  /** A fresh printer per day; default the paper-roll printer (fast), the virtual head where dots matter. */
  printer?: () => SimPrinter;
  flashSectors?: number;
  sectorSize?: number;
  /** false: a failing day is reported as it is, without the search for its shortest trace (mutant runs). */
  shrink?: boolean;
  /** Called with the fresh terminal before the day starts (tests plant faults in the world here). */
  inspect?: (term: SimTerminal) => void;
}

const SIGN_IN_TRIES = 4;

export async function runDay(events: readonly DayEvent[], options: DayOptions): Promise<DayResult> {
  const printer = new JobLog(options.printer?.() ?? new PaperRollPrinter());
  const term = new SimTerminal({
    seed: options.seed,
    printer,
    ...(options.flashSectors !== undefined ? { flashSectors: options.flashSectors } : {}),
    ...(options.sectorSize !== undefined ? { sectorSize: options.sectorSize } : {}),
  });
  options.inspect?.(term);
  const oracle = new LedgerOracle();
  const images = new JournalImageReader(term.flash.geometry, createPanCipher(DEVICE_KEY));
  /** The oracle reads the flash itself, never the terminal's view of it. */
  const observe = (): void => oracle.observe(images.read(term.flash.snapshot().image));
  const observeBoot = (): void => oracle.observeBoot(images.read(term.flash.snapshot().image), term.host.requestCount);
  term.host.onRequest = (mti, stan) => oracle.observeRequest(mti, stan, images.read(term.flash.snapshot().image));
  const cashier = new Cashier(term, () => oracle.receipts());
  let cuts = 0;
  let transactions = 0;
  let settlementsAsked = 0;
  const spans: EventSpan[] = [];

  /** A second cut for the recovery from the cut that just struck (soak). */
  let recoveryCut: PowerCutPlan | undefined;
  /** After a cut: power back on, recovery, idle screen, the operator signed in again (and settlement when asked). */
  const recover = async (signIn: boolean): Promise<void> => {
    for (;;) {
      if (term.halted !== undefined) {
        cuts += 1;
        const again = recoveryCut;
        recoveryCut = undefined;
        // What the cut left on flash, read before the terminal mounts it and recovers.
        await term.reboot(() => {
          observeBoot();
          if (again) arm(term, printer, again);
        });
      }
      if (!(await cashier.toIdle())) continue;
      observe();
      for (let i = 0; signIn && !cashier.signedIn && i < SIGN_IN_TRIES && term.halted === undefined; i++) {
        await cashier.perform({ do: 'sign-in' });
        await cashier.toIdle();
      }
      if (signIn && cashier.signedIn && cashier.settleRequested) {
        cashier.settleRequested = false;
        settlementsAsked += 1;
        await cashier.perform({ do: 'settle' });
        await cashier.toIdle();
      }
      if (term.halted === undefined) {
        // A recovery cut that found nothing to cut must not strike the next action.
        disarm(term, printer);
        return;
      }
    }
  };

  await term.boot();
  for (const event of events) {
    await recover(event.action.do !== 'sign-in');
    if (event.action.do === 'sign-in' && cashier.signedIn) {
      spans.push({ flashOps: 0, requests: 0, printJobs: 0 });
      continue;
    }
    const ops0 = term.flash.operationCount;
    const requests0 = term.host.requestCount;
    const jobs0 = printer.started;
    event.faults?.forEach((kind, i) => {
      if (kind) term.host.addFault(kind, requests0 + i);
    });
    if (event.cut) arm(term, printer, event.cut);
    if (isTransaction(event.action)) transactions += 1;
    await cashier.perform(event.action);
    await cashier.toIdle();
    spans.push({ flashOps: term.flash.operationCount - ops0, requests: term.host.requestCount - requests0, printJobs: printer.started - jobs0 });
    disarm(term, printer);
    term.host.clearFaults();
    if (term.halted !== undefined && event.cutInRecovery) recoveryCut = event.cutInRecovery;
    if (term.halted === undefined) observe();
  }
  // Closing time: switched off for the night, boot recovery next morning.
  await recover(false);
  await term.reboot(observeBoot);
  await cashier.toIdle();
  observe();
  term.shell.stop();
  const approved = countBy(oracle.receipts().map((tx) => tx.type));
  const faultsByKind = term.host.faultsByKind();
  return {
    settlementsAsked,
    approved,
    verdict: oracle.check(term.host, printer.printed, images.read(term.flash.snapshot().image), { cuts }),
    cuts,
    transactions,
    faults: Object.values(faultsByKind).reduce((a, b) => a + b, 0),
    faultsByKind,
    requests: term.host.requestCount,
    spans,
    gcCopies: images.gcCopies,
  };
}

/** Arms a cut relative to now: the n-th flash operation, request or print job from here. */
function arm(term: SimTerminal, printer: JobLog, cut: PowerCutPlan): void {
  if ('flashOp' in cut) term.flash.armCut(term.flash.operationCount + cut.flashOp, cut.mode);
  else if ('request' in cut) term.host.armCut(term.host.requestCount + cut.request, cut.at);
  else printer.armCut(printer.started + cut.printJob, () => term.cutPower());
}

function disarm(term: SimTerminal, printer: JobLog): void {
  term.flash.disarmCut();
  term.host.disarmCut();
  printer.disarmCut();
}

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}
