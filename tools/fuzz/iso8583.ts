import { parseFuzzArgs, type FuzzArgs } from './fuzz-args.js';
import { fuzzIso8583 } from './iso8583-fuzz.js';

/**
 * npm run fuzz:iso8583 -- --iterations <N> [--seed <S>] [--hang-ms <ms>]
 * Last line: fuzz-iso8583: iterations=<N> crashes=<c> hangs=<h>; exit status 1 if either is non-zero.
 */
let options: FuzzArgs;
try {
  options = parseFuzzArgs(process.argv.slice(2), Date.now() >>> 0);
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
