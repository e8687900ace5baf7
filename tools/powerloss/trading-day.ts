/**
 * npm run powerloss: the scripted trading day, cut at every flash operation (every cut mode), every
 * message boundary (the request lost before the issuer, applied by the host, its response arrived),
 * every print job, and again during the recovery from each message cut; each run rebooted,
 * recovered and finished, then checked against the issuer's ledger by an oracle that reads the
 * flash images itself (before every boot recovery). Options: --seed <S> (default 1), --zones <N>
 * cuts per run (default 2), --stride <K> every K-th cut point only (bounded runs, default 1),
 * --no-shrink (report a failing run as it is).
 * Last line: powerloss: cuts=… transactions=… one_sided=0 lost_approvals=0 wrong_reversals=0 stan_reuse=0 manual=0 …
 */
import { parseArgs } from 'node:util';
import { sweepDay } from '../../test/sim/harness/powerloss-sweep.js';
import { tradingDay } from '../../test/sim/harness/trading-day.js';

/** Sales beyond the scripted 34: enough flash operations for well over 1,500 cuts. */
const EXTRA_SALES = 48;

const { values } = parseArgs({
  options: { seed: { type: 'string', default: '1' }, zones: { type: 'string', default: '2' }, stride: { type: 'string', default: '1' }, 'no-shrink': { type: 'boolean', default: false } },
});
const seed = Number(values.seed);
const zones = Number(values.zones);
const stride = Number(values.stride);
if (!Number.isSafeInteger(seed) || !Number.isInteger(zones) || zones < 1 || !Number.isInteger(stride) || stride < 1) {
  console.error('usage: npm run powerloss -- [--seed <integer>] [--zones <cuts per run, >= 1>] [--stride <every k-th cut point, >= 1>] [--no-shrink]');
  process.exit(2);
}

const day = tradingDay(EXTRA_SALES);
const started = Date.now();
const tty = process.stderr.isTTY;
const result = await sweepDay(day, {
  seed,
  zones,
  stride,
  ...(values['no-shrink'] ? { shrink: false } : {}),
  onProgress: (done, runs) => {
    if (tty && (done % 50 === 0 || done === runs)) console.error(`powerloss: run ${done}/${runs} (${Math.round((Date.now() - started) / 1000)} s)`);
  },
});
console.log(`powerloss: seed=${seed} day of ${day.length} events; clean run: ${result.flashOps} flash ops, ${result.messages} messages; ${result.planned} cut points in ${result.days} runs (${zones} per run)`);
if (result.failure) console.log(result.failure);
if (result.manualUnlisted > 0) console.log(`powerloss: ${result.manualUnlisted} failed reversals were never printed, reported or kept`);
if (result.receiptsWithoutDebit > 0) console.log(`powerloss: ${result.receiptsWithoutDebit} receipts were printed for transactions not standing approved at the issuer`);
if (result.approvalsWithoutReceipt > 0) console.log(`powerloss: ${result.approvalsWithoutReceipt} approvals never got a receipt`);
if (result.settlementMismatches > 0) console.log(`powerloss: ${result.settlementMismatches} settlements differed from the host's totals with nothing to explain it`);
if (result.manual > 0) console.log(`powerloss: ${result.manual} reversals were given up (manual handling) on a host that never fails: each is unnecessary`);
if (result.unknownRefunds > 0) console.log(`powerloss: ${result.unknownRefunds} refunds were cut off after they left (refunds are not reversed): each ended on a 交易结果未知 slip`);
if (result.reversalsSkipped > 0) console.log(`powerloss: ${result.reversalsSkipped} requests went out while the flash still owed a reversal (after a boot, or a skipped round)`);
if (result.errors > 0) console.log(`powerloss: ${result.errors} runs could not be driven to the end (see the trace above)`);
const minimumCuts = Math.floor(1500 / stride);
if (result.cuts < minimumCuts) console.log(`powerloss: FAILED only ${result.cuts} cuts struck (at least ${minimumCuts} must)`);
console.log(
  `powerloss: cuts=${result.cuts} transactions=${result.transactions} one_sided=${result.oneSided} lost_approvals=${result.lostApprovals} ` +
    `wrong_reversals=${result.wrongReversals} stan_reuse=${result.stanReuse} manual=${result.manual} unknown_refunds=${result.unknownRefunds} no_receipt=${result.approvalsWithoutReceipt} ` +
    `settlement_mismatch=${result.settlementMismatches} reversal_skipped=${result.reversalsSkipped} errors=${result.errors}`,
);
// No host faults in this run: any manual handling is unnecessary, hence a failure.
process.exitCode = result.failure || result.manual > 0 || result.cuts < minimumCuts ? 1 : 0;
