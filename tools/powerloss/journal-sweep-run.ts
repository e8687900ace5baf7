import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { CUT_MODES, SimulatedNorFlash, type CutMode, type NorSnapshot } from '../../firmware/drivers/flash/simulated-nor.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { invokeJournal } from '../../firmware/journal/journal-call.js';
import { adoptMount, applyCall, canonical, emptyModel, sameRecords, type JournalCall, type ModelState } from './journal-model.js';
import { resolveStep, tradingDay, type WorkloadStep } from './journal-workload.js';

/** Whether the journal refuses new transactions now: a settle-if-full step settles then. */
const isFull = (journal: FlashJournal): boolean => journal.capacity().transactionsLeft === 0;

/**
 * littlefs's power-loss method on the journal: run a trading day once, counting flash operations;
 * then for every operation k and every cut mode, restore the image from before the step that makes
 * operation k, cut power at k, reboot, mount, and check the oracle:
 * - the mounted view equals the oracle before the interrupted call or after it, nothing else: every
 *   record whose commit returned is present and intact, the interrupted one is absent or whole,
 *   nothing deleted comes back, no owed reversal is lost, counters never go back (so a value
 *   already handed out is never handed out again), and the mount reports no damage (a cut is not
 *   damage: a finding would stop the terminal for a supervisor);
 * - the journal then takes the rest of the day (the interrupted step again if it did not land) and
 *   ends equal to the oracle, on the live instance and after one more mount.
 */
export interface SweepOptions {
  geometry: { size: number; sectorSize: number; programUnit: number };
  transactions: number;
  seed: number;
  modes?: readonly CutMode[];
  /** Cut at every `stride`-th operation (1 = all). */
  stride?: number;
  /** Steps run after each cut (default: the rest of the day). */
  continueSteps?: number;
  /** Stop collecting after this many violations. */
  maxViolations?: number;
  /** The day to run (default: tradingDay(transactions, seed), today's fixed-shape workload). */
  steps?: WorkloadStep[];
  /** Keep the image before every n-th step only (memory on large geometries; default 1). */
  imageEvery?: number;
}

export interface SweepResult {
  transitions: number;
  ops: number;
  cuts: number;
  violations: string[];
  /** Erase operations of the reference run (shows GC ran). */
  erases: number;
  /** Records GC copied forward in the reference run (shows GC's copy path ran). */
  gcCopies: number;
  /** Of those, 'printed' records (an approved sale's, carried before its batch was settled). */
  gcPrintedCopies: number;
}

interface Checkpoint {
  /** Kept every `imageEvery` steps (memory); other steps are rebuilt by replaying from the last one. */
  image: NorSnapshot | undefined;
  model: ModelState;
  opsBefore: number;
  /** The call this step made in the reference run (undefined: the step did not apply). */
  call: JournalCall | undefined;
}

const DEVICE_KEY = new Uint8Array(32).fill(0x5a);

export async function runJournalSweep(options: SweepOptions): Promise<SweepResult> {
  const steps = options.steps ?? tradingDay(options.transactions, options.seed);
  const modes = options.modes ?? CUT_MODES;
  const violations: string[] = [];
  const maxViolations = options.maxViolations ?? 20;
  const newDevice = (seed: number): SimulatedNorFlash => new SimulatedNorFlash({ ...options.geometry, seed });
  const mount = (device: SimulatedNorFlash): Promise<FlashJournal> =>
    openJournal(device, { deviceKey: DEVICE_KEY, randomBytes: seededIvs(options.seed) });

  // Reference run: mount before every step, so a cut run that mounts the same image does the same operations.
  const reference = newDevice(options.seed);
  const checkpoints: Checkpoint[] = [];
  let model = emptyModel();
  let transitions = 0;
  let gcCopies = 0;
  let gcPrintedCopies = 0;
  for (const [index, step] of steps.entries()) {
    const image = index % (options.imageEvery ?? 1) === 0 ? reference.snapshot() : undefined;
    const opsBefore = reference.operationCount;
    const journal = await mount(reference);
    // Every mount moves STAN and voucher ahead (FORMAT.md, "Counters at mount"): the oracle follows.
    const mounted = adoptMount(canonical(journal.view()), model);
    if (mounted) model = mounted;
    else violations.push(`reference: mount before step ${index} differs from the oracle`);
    const call = resolveStep(step, model, isFull(journal));
    checkpoints.push({ image, model, opsBefore, call });
    if (!call) continue;
    try {
      await invokeJournal(journal, call);
    } catch (error) {
      // The oracle's day is one the journal must accept: a refusal here is the journal's bug.
      violations.push(`reference: step ${index} (${call.method}) failed with ${String(error)} (seed ${options.seed})`);
      return { transitions, ops: reference.operationCount, cuts: 0, erases: reference.counters().erases, gcCopies, gcPrintedCopies, violations };
    }
    gcCopies += journal.gcCopies();
    gcPrintedCopies += journal.gcCopies('printed');
    model = applyCall(model, call, workloadTx(step));
    transitions++;
  }
  const totalOps = reference.operationCount;
  checkpoints.push({ image: undefined, model, opsBefore: totalOps, call: undefined });

  let cuts = 0;
  let stepIndex = 0;
  for (let k = 1; k <= totalOps; k += options.stride ?? 1) {
    while (checkpoints[stepIndex + 1]!.opsBefore < k) stepIndex++;
    for (const [modeIndex, mode] of modes.entries()) {
      if (violations.length >= maxViolations) break;
      cuts++;
      const problem = await cutAndRecover(stepIndex, k, mode, modeIndex);
      if (problem) violations.push(`cut at op ${k} (${mode}, step ${stepIndex} ${steps[stepIndex]!.do}, seed ${options.seed}): ${problem}`);
    }
  }
  return { transitions, ops: totalOps, cuts, violations, erases: reference.counters().erases, gcCopies, gcPrintedCopies };

  /** Puts the device in the reference's state before `stepIndex`: the nearest image, then the calls since. */
  async function rebuild(device: SimulatedNorFlash, stepIndex: number): Promise<void> {
    let base = stepIndex;
    while (!checkpoints[base]!.image) base--;
    device.restore(checkpoints[base]!.image!);
    for (let i = base; i < stepIndex; i++) {
      const call = checkpoints[i]!.call;
      if (call) await invokeJournal(await mount(device), call);
    }
  }

  async function cutAndRecover(stepIndex: number, k: number, mode: CutMode, modeIndex: number): Promise<string | undefined> {
    const checkpoint = checkpoints[stepIndex]!;
    const device = newDevice(options.seed * 31 + k * 4 + modeIndex);
    await rebuild(device, stepIndex);
    const step = steps[stepIndex]!;
    const call = checkpoint.call!;
    const before = checkpoint.model;
    const after = applyCall(before, call, workloadTx(step));
    device.armCut(device.operationCount + k - checkpoint.opsBefore, mode);
    try {
      await invokeJournal(await mount(device), call);
      return 'the cut never happened';
    } catch (error) {
      if (!(error instanceof PowerCut)) return `the interrupted call failed with ${String(error)}`;
    }
    device.reboot();
    let journal: FlashJournal;
    try {
      journal = await mount(device);
    } catch (error) {
      return `mount after the cut failed: ${String(error)}`;
    }
    const findings = journal.health().findings;
    if (findings.length > 0) return `a cut reads as damage: ${findings.join('; ')}`;
    const seen = canonical(journal.view());
    let next: number;
    // An interrupted takeCounter never returned its value: when the mount's move hides whether its
    // record landed, the state is the one before (and the take is made again).
    const notLanded = adoptMount(seen, before);
    const recovered = notLanded ?? adoptMount(seen, after);
    if (!recovered) return `mounted view is neither the state before nor after ${call.method}: ${describeDifference(seen, before, after)}`;
    next = notLanded ? stepIndex : stepIndex + 1;
    const counters = journal.view().counters;
    // Either way the journal now holds the reference state before step `next`, so the rest of the
    // day is the reference run's calls, and the oracle at the end is the reference's.
    const last = Math.min(steps.length, next + (options.continueSteps ?? steps.length));
    const takes = { stan: 0, voucher: 0, batch: 0 };
    for (let i = next; i < last; i++) {
      const continued = checkpoints[i]!.call;
      if (!continued) continue;
      if (continued.method === 'takeCounter') takes[continued.name]++;
      try {
        await invokeJournal(journal, continued);
      } catch (error) {
        return `continuing at step ${i} (${continued.method}) failed: ${String(error)}`;
      }
    }
    // The reference mounted before every step, this run only after the cut: STAN and voucher differ
    // by those mounts' moves; the records and the batch must not, and counters never went back.
    const expected = checkpoints[last]!.model;
    const live = journal.view();
    if (!sameRecords(canonical(live), expected)) return `after ${last - next} more steps the live view differs from the oracle`;
    for (const name of ['stan', 'voucher'] as const) {
      const handedOut = ((counters[name] + takes[name] - 1) % 999999) + 1;
      if (live.counters[name] !== handedOut) return `${name} is ${live.counters[name]} after ${takes[name]} takes from ${counters[name]}`;
    }
    try {
      const fresh = canonical((await mount(device)).view());
      // What this run handed out: its own takes after the cut, else what was taken before it.
      const issued = { stan: takes.stan > 0 ? live.counters.stan : recovered.issued.stan, voucher: takes.voucher > 0 ? live.counters.voucher : recovered.issued.voucher };
      if (!adoptMount(fresh, { ...expected, issued })) {
        return `after ${last - next} more steps a fresh mount differs from the oracle: ${describeDifference(fresh, { ...expected, issued }, expected)}`;
      }
    } catch (error) {
      return `final mount failed: ${String(error)}`;
    }
    return undefined;
  }
}

export interface RandomCutOptions {
  geometry: { size: number; sectorSize: number; programUnit: number };
  transactions: number;
  seed: number;
  /** Cuts spread over the day at random operations and modes (seeded). */
  cuts: number;
  /** The day to run (default: tradingDay(transactions, seed)). */
  steps?: WorkloadStep[];
}

/**
 * Many cuts in one run: the day goes on after each recovery, so cuts land on images earlier cuts
 * left behind (torn heads, half-finished GC, a cut right after a mount). The oracle is the same.
 */
export async function runRandomCuts(options: RandomCutOptions): Promise<SweepResult> {
  const steps = options.steps ?? tradingDay(options.transactions, options.seed);
  const random = new SeededRandom(options.seed);
  const device = new SimulatedNorFlash({ ...options.geometry, seed: options.seed });
  const mount = (): Promise<FlashJournal> => openJournal(device, { deviceKey: DEVICE_KEY, randomBytes: seededIvs(options.seed) });
  const violations: string[] = [];
  let model = emptyModel();
  let journal = await mount();
  let cuts = 0;
  let transitions = 0;
  let gcCopies = 0;
  let gcPrintedCopies = 0;
  // Idle steps often write nothing: they do not count toward the spacing, or fewer cuts would land.
  const meanGap = Math.max(1, Math.floor((steps.filter((step) => step.do !== 'idle').length * 1.1) / options.cuts));
  let nextCut = random.int(1, 2 * meanGap);
  for (let i = 0; i < steps.length && violations.length === 0; i++) {
    const step = steps[i]!;
    const call = resolveStep(step, model, isFull(journal));
    if (!call) continue;
    const after = applyCall(model, call, workloadTx(step));
    if (cuts < options.cuts && device.operationCount + 4 >= nextCut) {
      const mode = random.pick(CUT_MODES);
      device.armCut(device.operationCount + random.int(1, 4), mode);
    }
    try {
      const copiesBefore = journal.gcCopies();
      const printedBefore = journal.gcCopies('printed');
      await invokeJournal(journal, call);
      gcCopies += journal.gcCopies() - copiesBefore;
      gcPrintedCopies += journal.gcCopies('printed') - printedBefore;
      device.disarmCut();
      model = after;
      transitions++;
      continue;
    } catch (error) {
      if (!(error instanceof PowerCut)) {
        violations.push(`step ${i} (${call.method}) failed with ${String(error)} (seed ${options.seed})`);
        break;
      }
    }
    cuts++;
    nextCut = device.operationCount + random.int(1, 2 * meanGap);
    device.reboot();
    journal = await mount();
    const findings = journal.health().findings;
    if (findings.length > 0) violations.push(`cut ${cuts} at op ${device.operationCount} during step ${i} (${call.method}) reads as damage: ${findings.join('; ')} (seed ${options.seed})`);
    const seen = canonical(journal.view());
    // As in the sweep: when the mount's move hides whether an interrupted take landed, it did not.
    const notLanded = adoptMount(seen, model);
    const landed = adoptMount(seen, after);
    if (notLanded) {
      model = notLanded;
      i--; // did not land: the day repeats the step
    } else if (landed) model = landed;
    else violations.push(`cut ${cuts} at op ${device.operationCount} during step ${i} (${call.method}): ${describeDifference(seen, model, after)} (seed ${options.seed})`);
  }
  if (violations.length === 0 && !adoptMount(canonical((await mount()).view()), model)) {
    violations.push(`final mount differs from the oracle (seed ${options.seed})`);
  }
  return { transitions, ops: device.operationCount, cuts, violations, erases: device.counters().erases, gcCopies, gcPrintedCopies };
}

function workloadTx(step: WorkloadStep): number | undefined {
  return step.do === 'begin' ? step.tx : undefined;
}

function seededIvs(seed: number): (n: number) => Uint8Array {
  const random = new SeededRandom(seed);
  return (n) => random.bytes(n);
}

function describeDifference(seen: string, before: ModelState, after: ModelState): string {
  const parsed = JSON.parse(seen) as { counters: unknown; transactions: { stan: number }[] };
  // Same STANs but a field changed (a lost 'printed' record shows only here).
  const changed = parsed.transactions.filter((t) => {
    const old = before.transactions.find((b) => b.stan === t.stan);
    return old !== undefined && canonical(old) !== canonical(t) && canonical(after.transactions.find((a) => a.stan === t.stan)) !== canonical(t);
  });
  return `counters ${JSON.stringify(parsed.counters)} (before ${JSON.stringify(before.counters)}, after ${JSON.stringify(after.counters)}, taken ${JSON.stringify(after.issued)}); ` +
    `stans ${parsed.transactions.map((t) => t.stan).join(',')} (before ${before.transactions.map((t) => t.stan).join(',')})` +
    (changed.length > 0 ? `; fields differ at stans ${changed.map((t) => t.stan).join(',')}` : '');
}
