import { fuzzIso8583 } from './iso8583-fuzz.js';

/**
 * npm run fuzz:iso8583 -- --iterations <N> [--seed <S>] [--hang-ms <ms>]
 * Last line: fuzz-iso8583: iterations=<N> crashes=<c> hangs=<h>; exit status 1 if either is non-zero.
 */
function parseArgs(argv: string[]): { iterations: number; seed: number; hangMs: number } {
  const options = { iterations: 100_000, seed: Date.now() >>> 0, hangMs: 50 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    const key = name === '--iterations' ? 'iterations' : name === '--seed' ? 'seed' : name === '--hang-ms' ? 'hangMs' : undefined;
    if (key === undefined) throw new Error(`unknown option ${name}; use --iterations <N> [--seed <S>] [--hang-ms <ms>]`);
    const number = Number(value);
    if (value === undefined || !Number.isInteger(number) || number < 0) throw new Error(`${name} needs a non-negative integer, got ${value}`);
    options[key] = number;
    i++;
  }
  return options;
}

let options: ReturnType<typeof parseArgs>;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`fuzz-iso8583: ${(error as Error).message}`);
  process.exit(2);
}
console.log(`fuzz-iso8583: seed=${options.seed} hang-ms=${options.hangMs} (replay with --seed ${options.seed})`);
const report = fuzzIso8583(options);
for (const failure of report.failures) console.log(`fuzz-iso8583: ${failure}`);
console.log(`fuzz-iso8583: accepted=${report.accepted} rejected-with-Iso8583Error=${report.iterations - report.accepted - report.crashes}`);
console.log(`fuzz-iso8583: iterations=${report.iterations} crashes=${report.crashes} hangs=${report.hangs}`);
process.exitCode = report.crashes > 0 || report.hangs > 0 ? 1 : 0;
