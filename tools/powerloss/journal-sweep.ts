import { runJournalSweep, runRandomCuts, type SweepResult } from './journal-sweep-run.js';
import { runWearTest } from './journal-wear.js';
import { generatedDay } from './journal-workload.js';

/**
 * `npm run powerloss:journal [-- --seed N --transactions N --sales N]`: the full power-loss sweep on
 * today's fixed-shape day (every operation x every cut mode, the rest of the day after each cut);
 * the same sweep on generated days (reversals owed across many settlements, settlement when the
 * journal is full, 16 KiB and 64 KiB geometries: every other operation, 60 steps after each cut);
 * many cuts per run on generated days on 16 KiB, 64 KiB and 256 KiB; days with echo tests between
 * sales (swept on 16 KiB, many cuts on 16 KiB and 64 KiB), whose garbage wraps the ring over the
 * batch's own approved sales, so GC carries their 'printed' records: each of those runs must report
 * some (`gc_printed_copies`), or it counts as a violation; then the 100,000-sale wear run. The flash
 * has a volatile stage: an unsynced program or erase may be dropped, land or tear at a cut.
 * Last line: `journal-powerloss: ops=<N> cuts=<N> gc_copies=<N> gc_printed_copies=<N> violations=<N>`;
 * exits non-zero on any violation.
 */
function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
}

const seed = option('seed', 20261122);
const transactions = option('transactions', 260);
const sales = option('sales', 100_000);
const started = Date.now();
const KiB = 1024;
const totals = { ops: 0, cuts: 0, gcCopies: 0, gcPrintedCopies: 0, violations: 0 };
const progress = process.stdout.isTTY;

/** `mustCarryPrinted`: the day is meant to make GC carry 'printed' records; none means it tested nothing. */
function report(name: string, result: SweepResult, mustCarryPrinted = false): void {
  const violations = [...result.violations];
  if (mustCarryPrinted && result.gcPrintedCopies === 0) violations.push('GC carried no printed record: the day no longer wraps the ring over live sales');
  for (const violation of violations) console.log(`violation (${name}): ${violation}`);
  totals.ops += result.ops;
  totals.cuts += result.cuts;
  totals.gcCopies += result.gcCopies;
  totals.gcPrintedCopies += result.gcPrintedCopies;
  totals.violations += violations.length;
  console.log(
    `journal-powerloss: ${name} transitions=${result.transitions} ops=${result.ops} cuts=${result.cuts} erases=${result.erases} ` +
      `gc_copies=${result.gcCopies} gc_printed_copies=${result.gcPrintedCopies} violations=${violations.length} seconds=${((Date.now() - started) / 1000).toFixed(0)}`,
  );
}

const small = { size: 8 * 2 * KiB, sectorSize: 2 * KiB, programUnit: 16 };
report(`today seed=${seed}`, await runJournalSweep({ geometry: small, transactions, seed, maxViolations: 50 }));
for (const [geometry, days, maxOwed, label] of [
  [small, 260, 200, '16KiB'],
  [{ size: 64 * KiB, sectorSize: 2 * KiB, programUnit: 16 }, 420, 400, '64KiB'],
] as const) {
  for (const daySeed of [seed + 1, seed + 2]) {
    const steps = generatedDay({ seed: daySeed, transactions: days, maxOwedTransactions: maxOwed });
    if (progress) console.error(`sweeping generated day ${daySeed} on ${label}...`);
    report(
      `generated ${label} seed=${daySeed}`,
      await runJournalSweep({ geometry, transactions: 0, seed: daySeed, steps, stride: 2, continueSteps: 60, maxViolations: 20, imageEvery: 4 }),
    );
  }
}
// The 16 KiB days cut about every third call, so many cuts land mid-GC (a cut after GC opened a
// sector for its copies and before it erased the tail once cost a free sector for good).
for (const [geometry, days, maxOwed, cuts, label] of [
  [small, 400, 200, 300, '16KiB'],
  [{ size: 64 * KiB, sectorSize: 4 * KiB, programUnit: 16 }, 1500, 800, 600, '64KiB'],
  [{ size: 256 * KiB, sectorSize: 4 * KiB, programUnit: 16 }, 3000, 2500, 600, '256KiB'],
] as const) {
  for (const daySeed of [seed + 3, seed + 4, seed + 5, seed + 6]) {
    const steps = generatedDay({ seed: daySeed, transactions: days, maxOwedTransactions: maxOwed });
    if (progress) console.error(`random cuts on generated day ${daySeed} on ${label}...`);
    report(`generated ${label} random-cuts seed=${daySeed}`, await runRandomCuts({ geometry, transactions: 0, seed: daySeed, steps, cuts }));
  }
}
// Echo tests (a STAN each, garbage capacity() does not count) between sales: the ring wraps over the
// batch's live approved sales before the journal is full (FORMAT.md, "Capacity"). The sweep's
// reference run mounts before every step, so a carried record that went missing shows at once.
const echoDay = (daySeed: number, days: number, maxEchoTests: number) => generatedDay({ seed: daySeed, transactions: days, maxOwedTransactions: 200, maxEchoTests });
report(
  `echo-tests 16KiB seed=${seed + 7}`,
  await runJournalSweep({ geometry: small, transactions: 0, seed: seed + 7, steps: echoDay(seed + 7, 40, 100), stride: 3, continueSteps: 60, maxViolations: 20, imageEvery: 4 }),
  true,
);
for (const [geometry, days, maxEchoTests, label] of [
  [small, 40, 100, '16KiB'],
  [{ size: 64 * KiB, sectorSize: 4 * KiB, programUnit: 16 }, 300, 40, '64KiB'],
] as const) {
  for (const daySeed of [seed + 8, seed + 9]) {
    if (progress) console.error(`random cuts on echo-test day ${daySeed} on ${label}...`);
    report(`echo-tests ${label} random-cuts seed=${daySeed}`, await runRandomCuts({ geometry, transactions: 0, seed: daySeed, steps: echoDay(daySeed, days, maxEchoTests), cuts: 100 }), true);
  }
}
let wearViolations = 0;
try {
  const wear = await runWearTest({ sales, seed });
  totals.gcCopies += wear.gcCopies;
  console.log(
    `journal-wear: sales=${wear.sales} erases=${wear.erases} max_sector_erases=${wear.maxErases} min_sector_erases=${wear.minErases} ratio=${wear.ratio.toFixed(3)} gc_copies=${wear.gcCopies}`,
  );
  if (wear.ratio > 1.5) wearViolations = 1;
} catch (error) {
  // The wear run's sales are ones the journal must accept: a refusal is the journal's bug.
  console.log(`violation (wear): ${String(error)}`);
  wearViolations = 1;
}
const violations = totals.violations + wearViolations;
console.log(
  `journal-powerloss: ops=${totals.ops} cuts=${totals.cuts} gc_copies=${totals.gcCopies} gc_printed_copies=${totals.gcPrintedCopies} violations=${violations}`,
);
process.exitCode = violations === 0 ? 0 : 1;
