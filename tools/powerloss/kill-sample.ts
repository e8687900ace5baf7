/**
 * npm run powerloss:kill -- [--kills 200] [--seed S]: whole trading days whose power cuts are real
 * process kills. Each life of the terminal is a child process (tools/powerloss/kill-child.ts) on a
 * file image, talking to this process's host simulator over TCP; the parent SIGKILLs it at a chosen
 * point — before a flash program or erase, as a print job starts, or once the host has applied a
 * request — and starts the next life from the image. Nothing but the image survives (a STAN kept in
 * module memory is caught). Between lives the oracle reads the image itself, before the next boot
 * recovers it, and at the end checks the host's ledger (the same oracle as the in-process runs).
 * Last line: kill-sample: kills=… days=… transactions=… one_sided=0 lost_approvals=0 wrong_reversals=0 stan_reuse=0 manual=0 …
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import type { PrintJob } from '../../firmware/drivers/printer/print-job.js';
import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { createPanCipher } from '../../firmware/security/pan-at-rest.js';
import { isTransaction } from '../../test/sim/harness/cashier.js';
import { JournalImageReader } from '../../test/sim/harness/journal-image.js';
import { LedgerOracle, verdictFailed, type OracleVerdict } from '../../test/sim/harness/ledger-oracle.js';
import type { SentRequest } from '../../test/sim/harness/sim-host.js';
import { DEVICE_KEY } from '../../test/sim/harness/sim-terminal.js';
import { tradingDay } from '../../test/sim/harness/trading-day.js';
import { startHostSimulator } from '../host-sim/server.js';
import { KILL_IMAGE_GEOMETRY, readKillImage } from './kill-image.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' } } });
const wantedKills = Number(values.kills);
const seed = Number(values.seed);
if (!Number.isInteger(wantedKills) || wantedKills < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run powerloss:kill -- [--kills <n >= 1>] [--seed <integer>]');
  process.exit(2);
}

/**
 * The child, bundled once into one file so that each life starts in a fraction of a second (one
 * bundle per run: a mutant run in a copy of the tree shares node_modules with the tree).
 */
const CHILD = resolve(import.meta.dirname, `../../node_modules/.cache/pos-kill-child-${process.pid}.mjs`);
await build({
  entryPoints: [resolve(import.meta.dirname, 'kill-child.ts')],
  outfile: CHILD,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'error',
});
// The bundle finds the host simulator's card file beside itself, as the sources do.
await copyFile(resolve(import.meta.dirname, '../host-sim/cards.json'), resolve(dirname(CHILD), 'cards.json'));
/** A life that neither ends nor asks to be killed within this long is a hang: an error. */
const LIFE_TIMEOUT_MS = 90_000;
/** Kills per day: the day is cut about this often, then finished. */
const KILLS_PER_DAY = 10;

type Stop = { op: number } | { print: number } | { request: number };
interface LifeResult {
  killed: boolean;
  lastDone: number | undefined;
  error?: string;
}

const rng = new SeededRandom(seed);
const tty = process.stderr.isTTY;
const started = Date.now();
const dir = await mkdtemp(join(tmpdir(), 'pos-kill-'));
const totals = { kills: 0, days: 0, transactions: 0, oneSided: 0, lostApprovals: 0, wrongReversals: 0, stanReuse: 0, manual: 0, unknownRefunds: 0, noReceipt: 0, settlementMismatch: 0, reversalSkipped: 0, receiptsWithoutDebit: 0, manualUnlisted: 0, errors: 0 };
let firstFailure: string | undefined;

try {
  while (totals.kills < wantedKills) {
    const day = totals.days;
    totals.days += 1;
    const verdict = await runDay(day, Math.min(KILLS_PER_DAY, wantedKills - totals.kills)).catch((error: Error) => error);
    if (verdict instanceof Error) {
      // A day that cannot be driven to its end is a failure; the next would likely fail the same way.
      totals.errors += 1;
      firstFailure ??= `day ${day}: ${verdict.message}`;
      break;
    }
    totals.oneSided += verdict.oneSided.length;
    totals.lostApprovals += verdict.lostApprovals.length;
    totals.wrongReversals += verdict.wrongReversals.length;
    totals.stanReuse += verdict.stanReuse.length;
    totals.manual += verdict.manual;
    totals.unknownRefunds += verdict.unknownRefunds;
    totals.noReceipt += verdict.approvalsWithoutReceipt.length;
    totals.settlementMismatch += verdict.settlementMismatches.length;
    totals.reversalSkipped += verdict.reversalsSkipped.length;
    totals.receiptsWithoutDebit += verdict.receiptsWithoutDebit.length;
    totals.manualUnlisted += verdict.manualUnlisted.length;
    if ((verdictFailed(verdict) || verdict.manual > 0) && !firstFailure) firstFailure = `day ${day} (seed ${seed}): ${JSON.stringify(verdict)}`;
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  await rm(CHILD, { force: true });
}
if (firstFailure) console.log(`kill-sample: FAILED ${firstFailure}`);
console.log(`kill-sample: ${totals.days} days, ${totals.kills} SIGKILLs of a child terminal process on a file image (${Math.round((Date.now() - started) / 1000)} s)`);
console.log(
  `kill-sample: kills=${totals.kills} days=${totals.days} transactions=${totals.transactions} one_sided=${totals.oneSided} lost_approvals=${totals.lostApprovals} ` +
    `wrong_reversals=${totals.wrongReversals} stan_reuse=${totals.stanReuse} manual=${totals.manual} unknown_refunds=${totals.unknownRefunds} no_receipt=${totals.noReceipt} ` +
    `settlement_mismatch=${totals.settlementMismatch} reversal_skipped=${totals.reversalSkipped} errors=${totals.errors}`,
);
process.exitCode = firstFailure || totals.kills < wantedKills ? 1 : 0;

/** One trading day cut `kills` times by SIGKILL, then switched off and booted once more; the oracle's verdict. */
async function runDay(day: number, kills: number): Promise<OracleVerdict> {
  const events = tradingDay(0);
  const eventsFile = join(dir, `day-${day}.json`);
  const imagePath = join(dir, `day-${day}.img`);
  await writeFile(eventsFile, JSON.stringify(events));
  totals.transactions += events.filter((e) => isTransaction(e.action)).length;
  const host = await startHostSimulator({ seed: seed + day });
  const sent: (Pick<SentRequest, 'mti' | 'stan' | 'batch' | 'deliveredCode' | 'settlement'>)[] = [];
  let killAtRequest: number | undefined;
  let current: ChildProcess | undefined;
  host.on('request-received', (r) => {
    sent.push({ mti: r.mti, stan: r.stan, batch: r.batch });
  });
  host.on('applied', async (r) => {
    if (r.mti === '0500') sent[r.index]!.settlement = host.acquirer.settlements.at(-1);
    if (killAtRequest === r.index && current) {
      killAtRequest = undefined;
      await kill(current);
    }
  });
  host.on('response-written', (r) => {
    if (r.written) sent[r.index]!.deliveredCode = r.responseCode;
  });
  // Working keys live in the process: each life signs in before it can MAC a reversal.
  const oracle = new LedgerOracle({ keysSurviveBoot: false });
  const images = new JournalImageReader({ ...KILL_IMAGE_GEOMETRY, erasedValue: 0xff, needsErase: true }, createPanCipher(DEVICE_KEY));
  const printed: PrintJob[] = [];
  const readImage = async () => images.read(await readKillImage(imagePath).catch(() => new Uint8Array(KILL_IMAGE_GEOMETRY.size).fill(0xff)));
  let next = 0;
  let life = 0;
  let dayKills = 0;
  try {
    const live = async (extra: string[], stop?: Stop): Promise<LifeResult> => {
      oracle.observeBoot(await readImage(), sent.length);
      life += 1;
      if (stop && 'request' in stop) killAtRequest = sent.length + stop.request;
      const args = [CHILD, '--image', imagePath, '--port', String(host.port), '--events', eventsFile, '--seed', String(seed * 1000 + day * 50 + life), ...extra];
      if (stop && 'op' in stop) args.push('--stop', `op:${stop.op}`);
      if (stop && 'print' in stop) args.push('--stop', `print:${stop.print}`);
      const result = await runLife(args, printed, (child) => (current = child), async () => oracle.observe(await readImage()));
      killAtRequest = undefined;
      oracle.observe(await readImage());
      return result;
    };
    while (next < events.length) {
      const stop: Stop | undefined = dayKills < kills ? randomStop() : undefined;
      const r = await live(['--from', String(next)], stop);
      if (r.error) throw new Error(r.error);
      if (r.killed) {
        dayKills += 1;
        totals.kills += 1;
        if (tty) process.stderr.write(`\rkill-sample: ${totals.kills}/${wantedKills} kills, day ${day + 1} (${Math.round((Date.now() - started) / 1000)} s)`);
      }
      // The event a kill interrupted is abandoned, as a cashier would after the power came back.
      next = !r.killed ? events.length : r.lastDone !== undefined ? r.lastDone + 2 : next;
    }
    // Closing time: switched off for the night, boot recovery next morning (prints what it offers).
    const closing = await live(['--closing']);
    if (closing.error) throw new Error(closing.error);
    return oracle.check({ ledger: host.ledger, sent }, printed, await readImage(), { cuts: dayKills });
  } finally {
    if (tty) process.stderr.write('\r\x1b[K');
    await host.close();
  }
}

function randomStop(): Stop {
  const roll = rng.next();
  if (roll < 0.6) return { op: rng.int(1, 80) };
  if (roll < 0.85) return { request: rng.int(0, 8) };
  return { print: rng.int(1, 6) };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

/** One life: spawns the child, collects what it printed and how far it got, kills it when it stops. */
function runLife(args: string[], printed: PrintJob[], onSpawn: (child: ChildProcess) => void, afterEvent: () => Promise<void>): Promise<LifeResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.on('error', () => undefined);
    onSpawn(child);
    let lastDone: number | undefined;
    let stderr = '';
    let ended = false;
    let timedOut = false;
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, LIFE_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: { printed?: PrintJob; done?: number; stop?: string; end?: boolean };
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.printed) printed.push(message.printed);
      if (message.done !== undefined) {
        lastDone = message.done;
        void afterEvent().then(() => child.stdin!.write('\n'));
      }
      if (message.end) ended = true;
      if (message.stop) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) done({ killed: false, lastDone, error: `a terminal life hung (no end within ${LIFE_TIMEOUT_MS / 1000} s): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      else if (signal === 'SIGKILL' && !ended) done({ killed: true, lastDone });
      else if (code === 0 && ended) done({ killed: false, lastDone });
      else done({ killed: false, lastDone, error: `a terminal life exited with ${signal ?? code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
    });
  });
}
