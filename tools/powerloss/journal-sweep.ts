import { runJournalSweep } from './journal-sweep-run.js';
import { runWearTest } from './journal-wear.js';

/**
 * `npm run powerloss:journal [-- --seed N --transactions N --sales N]`: the full power-loss sweep (every
 * operation x every cut mode, the rest of the day after each cut), then the 100,000-sale wear run.
 * Last line: `journal-powerloss: ops=<N> cuts=<N> violations=<N>`; exits non-zero on any violation.
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
const sweep = await runJournalSweep({
  geometry: { size: 8 * 2048, sectorSize: 2048, programUnit: 16 },
  transactions,
  seed,
  maxViolations: 50,
});
for (const violation of sweep.violations) console.log(`violation: ${violation}`);
console.log(
  `journal-powerloss: seed=${seed} transitions=${sweep.transitions} reference_erases=${sweep.erases} seconds=${((Date.now() - started) / 1000).toFixed(1)}`,
);
const wear = await runWearTest({ sales, seed });
console.log(
  `journal-wear: sales=${wear.sales} erases=${wear.erases} max_sector_erases=${wear.maxErases} min_sector_erases=${wear.minErases} ratio=${wear.ratio.toFixed(3)}`,
);
const violations = sweep.violations.length + (wear.ratio <= 1.5 ? 0 : 1);
console.log(`journal-powerloss: ops=${sweep.ops} cuts=${sweep.cuts} violations=${violations}`);
process.exitCode = violations === 0 ? 0 : 1;
