/**
 * npm run powerloss: the scripted trading day, cut at every flash operation (every cut mode) and
 * every message boundary, each run rebooted, recovered and finished, then checked against the
 * issuer's ledger. Options: --seed <S> (default 1), --zones <N> cuts per run (default 2; 1 = one cut per run, about 4 minutes).
 * Last line: powerloss: cuts=… transactions=… one_sided=0 lost_approvals=0 wrong_reversals=0 stan_reuse=0 manual=…
 */
import { parseArgs } from 'node:util';
import { sweepDay } from '../../test/sim/harness/powerloss-sweep.js';
import { tradingDay } from '../../test/sim/harness/trading-day.js';

/** Sales beyond the scripted 34: enough flash operations for well over 1,500 cuts. */
const EXTRA_SALES = 48;

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, zones: { type: 'string', default: '2' } } });
const seed = Number(values.seed);
const zones = Number(values.zones);
if (!Number.isSafeInteger(seed) || !Number.isInteger(zones) || zones < 1) {
  console.error('usage: npm run powerloss -- [--seed <integer>] [--zones <cuts per run, >= 1>]');
  process.exit(2);
}

const day = tradingDay(EXTRA_SALES);
const started = Date.now();
const result = await sweepDay(day, {
  seed,
  zones,
  onProgress: (done, runs) => {
    if (done % 50 === 0 || done === runs) console.error(`powerloss: run ${done}/${runs} (${Math.round((Date.now() - started) / 1000)} s)`);
  },
});
console.log(`powerloss: seed=${seed} day of ${day.length} events; clean run: ${result.flashOps} flash ops, ${result.messages} messages; ${result.planned} cut points in ${result.days} runs (${zones} per run)`);
if (result.failure) console.log(result.failure);
if (result.manualUnlisted > 0) console.log(`powerloss: ${result.manualUnlisted} failed reversals were never printed, reported or kept`);
if (result.receiptsWithoutDebit > 0) console.log(`powerloss: ${result.receiptsWithoutDebit} receipts were printed for transactions not standing approved at the issuer`);
if (result.errors > 0) console.log(`powerloss: ${result.errors} runs could not be driven to the end (see the trace above)`);
console.log(
  `powerloss: cuts=${result.cuts} transactions=${result.transactions} one_sided=${result.oneSided} lost_approvals=${result.lostApprovals} ` +
    `wrong_reversals=${result.wrongReversals} stan_reuse=${result.stanReuse} manual=${result.manual}`,
);
process.exitCode = result.failure || result.cuts < 1500 ? 1 : 0;
