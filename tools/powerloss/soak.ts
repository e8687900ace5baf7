/**
 * npm run soak -- --seed <S> --transactions <N>: random trading days with host faults of every kind
 * on about a third of the requests and random power cuts, each day checked against the issuer's
 * ledger. A failing day prints its seed and the shortest event trace that reproduces it.
 * Last line: soak: seed=… transactions=… faults=… cuts=… one_sided=0 lost_approvals=0 wrong_reversals=0 stan_reuse=0 manual=…
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS } from '../host-sim/fault-plan.js';
import { soak } from '../../test/sim/harness/soak.js';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, transactions: { type: 'string', default: '500' } } });
const seed = Number(values.seed);
const transactions = Number(values.transactions);
if (!Number.isSafeInteger(seed) || seed < 0 || !Number.isSafeInteger(transactions) || transactions < 1) {
  console.error('usage: npm run soak -- --seed <non-negative integer> --transactions <positive integer>');
  process.exit(2);
}

const started = Date.now();
let reported = 0;
const result = await soak(seed, transactions, {}, (r) => {
  if (r.transactions - reported >= 250) {
    reported = r.transactions;
    console.error(`soak: ${r.transactions}/${transactions} transactions, ${r.days} days (${Math.round((Date.now() - started) / 1000)} s)`);
  }
});
const share = result.requests > 0 ? result.faults / result.requests : 0;
const kinds = FAULT_KINDS.map((k) => `${k}=${result.faultsByKind[k] ?? 0}`).join(' ');
console.log(`soak: ${result.days} days, ${result.requests} requests, ${(share * 100).toFixed(1)}% faulted (${kinds})`);
console.log(`soak: approved ${Object.entries(result.approved).map(([type, n]) => `${type}=${n}`).join(' ')}; journal full ${result.settlementsAsked} times`);
if (result.failure) console.log(result.failure);
if (result.manualUnlisted > 0) console.log(`soak: ${result.manualUnlisted} failed reversals were never printed, reported or kept`);
if (result.receiptsWithoutDebit > 0) console.log(`soak: ${result.receiptsWithoutDebit} receipts were printed for transactions not standing approved at the issuer`);
if (result.errors > 0) console.log(`soak: ${result.errors} days could not be driven to the end (see the trace above)`);
const missingKinds = FAULT_KINDS.filter((k) => !result.faultsByKind[k]);
if (transactions >= 200 && (share < 0.2 || missingKinds.length > 0)) console.log(`soak: too few faults (${(share * 100).toFixed(1)}%, missing: ${missingKinds.join(',') || 'none'})`);
console.log(
  `soak: seed=${seed} transactions=${result.transactions} faults=${result.faults} cuts=${result.cuts} one_sided=${result.oneSided} ` +
    `lost_approvals=${result.lostApprovals} wrong_reversals=${result.wrongReversals} stan_reuse=${result.stanReuse} manual=${result.manual}`,
);
process.exitCode = result.failure || (transactions >= 200 && (share < 0.2 || missingKinds.length > 0)) ? 1 : 0;
