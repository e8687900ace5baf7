/**
 * npm run soak -- --seed <S> --transactions <N>: random trading days (with the idle terminal's echo
 * tests and shift changes between customers, on a small journal GC must copy in) with host faults of every kind
 * (the simulator's, a request lost before the issuer, every answer a 0400 can get) on about a third
 * of the requests and random power cuts (flash operations, message boundaries, print jobs, and again
 * during recovery), each day checked against the issuer's ledger. A failing day prints its seed and
 * the shortest event trace that reproduces it. The soak also fails when it did not reach its floors
 * (approvals, journal-full events, GC copies, each fault kind): it says which.
 * Last line: soak: seed=… transactions=… faults=… cuts=… one_sided=0 lost_approvals=0 wrong_reversals=0 stan_reuse=0 manual=… …
 */
import { parseArgs } from 'node:util';
import { missedFloors, soak } from '../../test/sim/harness/soak.js';
import { SIM_FAULT_KINDS } from '../../test/sim/harness/sim-host.js';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, transactions: { type: 'string', default: '500' }, 'no-shrink': { type: 'boolean', default: false } } });
const seed = Number(values.seed);
const transactions = Number(values.transactions);
if (!Number.isSafeInteger(seed) || seed < 0 || !Number.isSafeInteger(transactions) || transactions < 1) {
  console.error('usage: npm run soak -- --seed <non-negative integer> --transactions <positive integer> [--no-shrink]');
  process.exit(2);
}

const started = Date.now();
let reported = 0;
const tty = process.stderr.isTTY;
const result = await soak(seed, transactions, values['no-shrink'] ? { shrink: false } : {}, (r) => {
  if (tty && r.transactions - reported >= 250) {
    reported = r.transactions;
    console.error(`soak: ${r.transactions}/${transactions} transactions, ${r.days} days (${Math.round((Date.now() - started) / 1000)} s)`);
  }
});
const share = result.requests > 0 ? result.faults / result.requests : 0;
const kinds = SIM_FAULT_KINDS.map((k) => `${k}=${result.faultsByKind[k] ?? 0}`).join(' ');
const approvals = Object.values(result.approved).reduce((a, b) => a + b, 0);
console.log(`soak: ${result.days} days, ${result.requests} requests, ${(share * 100).toFixed(1)}% faulted (${kinds})`);
console.log(`soak: approved ${Object.entries(result.approved).map(([type, n]) => `${type}=${n}`).join(' ')}; journal full ${result.settlementsAsked} times; GC copied ${result.gcCopies} records`);
if (result.failure) console.log(result.failure);
if (result.manualUnlisted > 0) console.log(`soak: ${result.manualUnlisted} failed reversals were never printed, reported or kept`);
if (result.receiptsWithoutDebit > 0) console.log(`soak: ${result.receiptsWithoutDebit} receipts were printed for transactions not standing approved at the issuer`);
if (result.approvalsWithoutReceipt > 0) console.log(`soak: ${result.approvalsWithoutReceipt} approvals never got a receipt`);
if (result.settlementMismatches > 0) console.log(`soak: ${result.settlementMismatches} settlements differed from the host's totals with nothing to explain it`);
if (result.unnecessaryManual > 0) console.log(`soak: ${result.unnecessaryManual} reversals were given up (manual handling) although the host had answered 00, 12 or 25`);
if (result.reversalsSkipped > 0) console.log(`soak: ${result.reversalsSkipped} requests went out while the flash still owed a reversal (after a boot, or a skipped round)`);
if (result.errors > 0) console.log(`soak: ${result.errors} days could not be driven to the end (see the trace above)`);
const missed = missedFloors(result, transactions);
const tooFewFaults = share < 0.2;
if (tooFewFaults) console.log(`soak: FAILED too few faults (${(share * 100).toFixed(1)}% < 20%)`);
if (missed.length > 0) console.log(`soak: FAILED floors not met: ${missed.join(', ')}`);
console.log(
  `soak: seed=${seed} transactions=${result.transactions} faults=${result.faults} cuts=${result.cuts} one_sided=${result.oneSided} ` +
    `lost_approvals=${result.lostApprovals} wrong_reversals=${result.wrongReversals} stan_reuse=${result.stanReuse} manual=${result.manual} unknown_refunds=${result.unknownRefunds} ` +
    `approvals=${approvals} journal_full=${result.settlementsAsked} gc_copies=${result.gcCopies} no_receipt=${result.approvalsWithoutReceipt} ` +
    `settlement_mismatch=${result.settlementMismatches} reversal_skipped=${result.reversalsSkipped} needless_manual=${result.unnecessaryManual} errors=${result.errors} floors=${missed.length === 0 ? 'met' : 'MISSED'}`,
);
process.exitCode = result.failure || tooFewFaults || missed.length > 0 ? 1 : 0;
