import { runRotSweep, type RotResult } from './journal-rot-run.js';

/**
 * `npm run rot:journal [-- --scale <percent>]`: the bit-rot sweep on a 64 KiB and a 256 KiB image
 * (every bit of every sector's header and retire slots, 50,000 random single bits elsewhere,
 * random bytes, program units and 256-byte pages: about 106,000 mutants at 100%).
 * Last line: `journal-rot: mutants=<N> silent_losses=0 stan_rollbacks=0 crashes=0 hangs=0 reported=<N>`.
 */
const scaleIndex = process.argv.indexOf('--scale');
const scale = scaleIndex < 0 ? 100 : Number(process.argv[scaleIndex + 1]);
if (!Number.isFinite(scale) || scale <= 0) throw new Error('--scale needs a positive percentage');
const part = (n: number): number => Math.max(1, Math.round((n * scale) / 100));
const total: RotResult = { mutants: 0, silentLosses: 0, stanRollbacks: 0, crashes: 0, hangs: 0, reported: 0, unreportedTouched: 0, examples: [], gcCopies: 0 };
const started = Date.now();
for (const [label, geometry, transactions, randomBits] of [
  ['64KiB', { size: 64 * 1024, sectorSize: 4096, programUnit: 16 }, 450, 40_000],
  ['256KiB', { size: 256 * 1024, sectorSize: 4096, programUnit: 16 }, 1600, 10_000],
] as const) {
  const result = await runRotSweep(
    {
      geometry,
      seed: 20261130,
      transactions,
      randomBits: part(randomBits),
      randomBytes: part(3000),
      units: part(2000),
      pages: part(500),
      headerStride: Math.max(1, Math.round(100 / scale)),
    },
    (done) => {
      if (process.stderr.isTTY) process.stderr.write(`\rjournal-rot: ${label} ${done} mutants (${Math.round((Date.now() - started) / 1000)} s)`);
    },
  );
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const example of result.examples) console.log(`journal-rot: ${label}: ${example}`);
  console.log(
    `journal-rot: ${label} mutants=${result.mutants} silent_losses=${result.silentLosses} stan_rollbacks=${result.stanRollbacks} ` +
      `reported=${result.reported} unreported_touched=${result.unreportedTouched} gc_copies=${result.gcCopies} seconds=${Math.round((Date.now() - started) / 1000)}`,
  );
  for (const key of ['mutants', 'silentLosses', 'stanRollbacks', 'crashes', 'hangs', 'reported', 'unreportedTouched'] as const) total[key] += result[key];
}
console.log(
  `journal-rot: mutants=${total.mutants} silent_losses=${total.silentLosses} stan_rollbacks=${total.stanRollbacks} crashes=${total.crashes} hangs=${total.hangs} reported=${total.reported}`,
);
process.exitCode = total.silentLosses + total.stanRollbacks + total.crashes + total.hangs === 0 ? 0 : 1;
