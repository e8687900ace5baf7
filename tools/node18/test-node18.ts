/**
 * npm run test:node18 (and test:arm64): the deployed bundle on Debian's own nodejs 18, as a board
 * runs it - never the system's node, never node_modules:
 *   1. `pos deploy` into a local folder standing in for the board (bundle directory + unit);
 *   2. Debian's nodejs 18 fetched into a cache folder (tools/node18/fetch-node18.sh; arm64 runs
 *      under qemu-user);
 *   3. the scripted sim day with its expects and the issuer-ledger check;
 *   4. journal inspect and verify on the day's journal image;
 *   5. host-sim on TCP, and `pos keys load-tmk -` storing the test master key (0600);
 *   6. the unit's own ExecStart line and Environment (heap flags, malloc settings) running `pos run` against the
 *      Firmata emulator on a pty: sign in and a sale from the keypad, approved by that host-sim,
 *      the receipt on the printer; RSS read from /proc at the end; SIGTERM stops it cleanly.
 * Prints one line per step (with its time) and a closing `N passed, N failed` line; exit 1 on any failure.
 *   tsx tools/node18/test-node18.ts [--arch amd64|arm64]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardConfig } from '../../firmware/hal/board-config.js';
import { openHilTarget } from '../../test/hil/hil-target.js';
import { KeypadCashier } from '../../test/hil/keypad-cashier.js';
import { deploy, UNIT_NAME } from '../deploy/deploy.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../host-sim/terminals.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arch = process.argv.includes('--arch') ? process.argv[process.argv.indexOf('--arch') + 1]! : 'amd64';
/** qemu-user runs arm64 code 5-20x slower: every wait stretches by this much. */
const SLOW = arch === 'amd64' ? 1 : 8;
/** The host simulator's first test card (tools/host-sim/cards.json). */
/** Test card 1 (tools/host-sim/cards.json): magstripe only, service code 120, so no chip-card refusal. */
const CARD = { pan: '6217000000000000012', expiry: '3012', serviceCode: '120', pin: '123456' };

const results: { name: string; ok: boolean; ms: number; detail: string }[] = [];
async function step(name: string, run: () => Promise<string | void>): Promise<void> {
  const start = Date.now();
  try {
    const detail = (await run()) ?? '';
    results.push({ name, ok: true, ms: Date.now() - start, detail });
    console.log(`ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    results.push({ name, ok: false, ms: Date.now() - start, detail: String(error) });
    console.log(`FAIL ${name} (${((Date.now() - start) / 1000).toFixed(1)} s): ${(error as Error).message}`);
  }
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), `pos-node18-${arch}-`));
const board = path.join(work, 'board/opt/pos-terminal');
const stateDir = path.join(work, 'board/var/lib/pos-terminal');
fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
let node = '';
const children: ChildProcess[] = [];

/** Runs the bundle on node 18 to completion. */
function bundle(args: string[], options: { input?: string; cwd?: string; timeoutMs?: number } = {}) {
  const r = spawnSync(node, [path.join(board, 'pos-terminal.mjs'), ...args], {
    cwd: options.cwd ?? work,
    encoding: 'utf8',
    input: options.input,
    timeout: (options.timeoutMs ?? 60_000) * SLOW,
  });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}

/** Starts the bundle on node 18 and resolves when a stdout line matches `ready`. */
function start(argv: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs: number): Promise<{ child: ChildProcess; lines: string[]; stderr: () => string }> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let err = '';
  let partial = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${ready} within ${timeoutMs} ms; stderr: ${err.slice(-400)}; stdout: ${lines.slice(-3).join(' | ')}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      partial += c.toString();
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        lines.push(line);
        if (ready.test(line)) {
          clearTimeout(timer);
          resolve({ child, lines, stderr: () => err });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ${ready}; stderr: ${err.slice(-600)}`));
    });
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/**
 * Where the resident memory is, from /proc/<pid>/smaps, in MB: libnode's pages (its code and data,
 * mapped from the file), the other files (libcrypto, ICU, libc, ...), the malloc heap ([heap]) and
 * the other anonymous memory (V8's heap, thread stacks). A bare node 18 with the unit's flags holds
 * about 26 MB of libnode, 11 of other files, 3.5 of malloc heap and 9 of anonymous memory (2026-12-01).
 */
function rssBreakdown(pid: number): string {
  const mb = { libnode: 0, files: 0, malloc: 0, anonymous: 0 };
  let name = '';
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) name = mapping[1]!;
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const kind = name.includes('libnode') ? 'libnode' : name === '[heap]' ? 'malloc' : name.startsWith('/') ? 'files' : 'anonymous';
    mb[kind] += Number(rss[1]) / 1024;
  }
  return Object.entries(mb).map(([kind, value]) => `${kind} ${value.toFixed(1)}`).join(', ');
}

try {
  await step(`fetch Debian nodejs 18 (${arch})`, async () => {
    const r = spawnSync('bash', [path.join(ROOT, 'tools/node18/fetch-node18.sh'), arch], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    check(r.status === 0, `fetch-node18.sh failed: ${r.stderr.slice(-600)}`);
    node = path.join(r.stdout.trim(), 'run-node');
    const version = spawnSync(node, ['-p', 'process.version + " " + process.arch'], { encoding: 'utf8' });
    check(/^v18\./.test(version.stdout), `not node 18: ${version.stdout}${version.stderr}`);
    return version.stdout.trim();
  });
  check(node, 'no node 18: nothing else can run');

  // The runtime's board config: the Uno's, its board on the emulator's pty, the acquirer on host-sim,
  // the journal as a file in the state directory (where the unit may write).
  const target = await openHilTarget(path.join(ROOT, 'board-configs/uno-firmata.json'));
  let hostSim: Awaited<ReturnType<typeof start>> | undefined;
  try {
    const configFile = path.join(work, 'board.json');
    const writeConfig = (port: number): void => {
      const config: BoardConfig = {
        ...target.runtimeConfig,
        flash: { kind: 'file', path: path.join(stateDir, 'journal.img'), size: 65536, sectorSize: 4096 },
        host: { ...target.runtimeConfig.host, address: '127.0.0.1', port },
      };
      fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    };
    writeConfig(5800);

    await step('pos deploy into a local folder standing in for the board', async () => {
      const lines: string[] = [];
      const code = await deploy({
        projectRoot: ROOT,
        distDir: path.join(work, 'dist'),
        boardConfigPath: configFile,
        target: board,
        dryRun: false,
        installDir: '/opt/pos-terminal',
        stateDir,
        serviceUser: 'pos',
        say: (l) => lines.push(l),
      });
      check(code === 0, `deploy exited ${code}: ${lines.join(' | ')}`);
      check(!fs.existsSync(path.join(board, 'node_modules')), 'the board folder has a node_modules');
      return lines.find((l) => l.includes('JavaScript'))?.trim() ?? '';
    });

    await step('scripted sim day with its expects (demo-day.txt) and the ledger check', async () => {
      const script = fs.readFileSync(path.join(ROOT, 'tools/sim-terminal/scripts/demo-day.txt'), 'utf8');
      const r = bundle(['sim', '--fresh', '--var', path.join(work, 'var')], { input: script, timeoutMs: 120_000 });
      check(r.status === 0, `pos sim exited ${r.status}:\n${r.out.slice(-1500)}`);
      return r.out.trim().split('\n').at(-1);
    });

    await step('journal inspect and verify on the day\'s image', async () => {
      const image = path.join(work, 'var/sim/journal.img');
      check(fs.existsSync(image), `no journal image at ${image}`);
      const inspect = bundle(['journal', 'inspect', image]);
      check(inspect.status === 0, `journal inspect exited ${inspect.status}: ${inspect.out.slice(-800)}`);
      const verify = bundle(['journal', 'verify', image]);
      check(verify.status === 0, `journal verify exited ${verify.status}: ${verify.out.slice(-800)}`);
      return verify.out.trim().split('\n').at(-1);
    });

    await step('host-sim on node 18 listening', async () => {
      hostSim = await start([node, path.join(board, 'pos-terminal.mjs'), 'host-sim', '--port', '0', '--seed', '11'], process.env, /^host-sim: listening on/, 30_000 * SLOW);
      return hostSim.lines[0];
    });
    check(hostSim, 'no host simulator');
    const hostPort = Number(/listening on [^:]+:(\d+)/.exec(hostSim.lines[0]!)?.[1]);
    writeConfig(hostPort);
    fs.copyFileSync(configFile, path.join(board, 'board.json'));

    await step('pos keys load-tmk - refuses a weak key, stores the test key 0600 and prints its KCV', async () => {
      const weak = bundle(['keys', 'load-tmk', '-', '--state-dir', stateDir], { input: '0123456789ABCDEF0123456789ABCDEF\n' });
      check(weak.status !== 0 && /two halves are the same/.test(weak.out), `a repeated-halves key was not refused: ${weak.out}`);
      check(!fs.existsSync(path.join(stateDir, 'master.key')), 'a refused key left a file');
      const r = bundle(['keys', 'load-tmk', '-', '--state-dir', stateDir], { input: `${TEST_TERMINAL_MASTER_KEY_HEX}\n` });
      check(r.status === 0, `load-tmk exited ${r.status}: ${r.out}`);
      const mode = fs.statSync(path.join(stateDir, 'master.key')).mode & 0o777;
      check(mode === 0o600, `master.key is mode ${mode.toString(8)}`);
      return r.stdout.trim().split('\n').at(-1);
    });

    await step("the unit's ExecStart: pos run against the Firmata emulator on a pty, a sale approved by host-sim", async () => {
      const unit = fs.readFileSync(path.join(board, UNIT_NAME), 'utf8');
      const execStart = /^ExecStart=(.*)$/m.exec(unit)![1]!.split(' ');
      check(execStart[0] === '/usr/bin/node', `unexpected ExecStart ${execStart.join(' ')}`);
      const configArg = execStart.indexOf('--board') + 1;
      execStart[configArg] = path.join(board, 'board.json');
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const [, name, value] of unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)) env[name!] = value!;
      env.POS_STATE_DIR = stateDir;
      // --quiet writes the log only to terminal.log; drop it here to follow the log on stdout.
      const argv = [node, ...execStart.slice(1).filter((a) => a !== '--quiet')];
      const runtime = await start(argv, env, /terminal\.started/, 90_000 * SLOW);
      const cashier = new KeypadCashier(target.jig);
      await cashier.signIn();
      await cashier.tap('1');
      await cashier.expectScreen(/AMOUNT:/, 15_000 * SLOW);
      await cashier.type('1', '2', '3');
      await cashier.expectScreen(/1\.23/, 15_000 * SLOW);
      const printedBefore = target.jig.printer!.printed().length;
      await cashier.tap('ENTER');
      await cashier.expectScreen(/SWIPE CARD/, 15_000 * SLOW);
      target.jig.reader!.swipe({ track2: `${CARD.pan}=${CARD.expiry}${CARD.serviceCode}0000000000` });
      await cashier.expectScreen(/ENTER TO CONFIRM/, 15_000 * SLOW);
      await cashier.tap('ENTER');
      await cashier.expectScreen(/ENTER PIN/, 15_000 * SLOW);
      await cashier.type(...CARD.pin.split(''), 'ENTER');
      await cashier.finishPrinting(90_000 * SLOW);
      const receipt = target.jig.printer!.printed().slice(printedBefore).join('\n');
      check(receipt.includes('1.23') && /621700\*+0012/.test(receipt), `the receipt lacks the amount or the masked PAN:\n${receipt}`);
      check(!receipt.includes(CARD.pan), 'the receipt shows the clear PAN');
      const rss = rssMb(runtime.child.pid!);
      const breakdown = rssBreakdown(runtime.child.pid!);
      const logMode = fs.statSync(path.join(stateDir, 'terminal.log')).mode & 0o777;
      check((logMode & 0o077) === 0, `terminal.log is mode ${logMode.toString(8)}`);
      runtime.child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => runtime.child.once('exit', resolve));
      check(code === 0, `pos run exited ${code} after SIGTERM: ${runtime.stderr().slice(-400)}`);
      const hostLines = hostSim!.lines.filter((l) => l.includes('"mti"') || l.includes('request'));
      check(hostLines.length > 0, 'host-sim logged no request');
      return `approved and printed; rss_mb=${rss.toFixed(1)} (unit flags; ${breakdown}); terminal.log mode ${logMode.toString(8)}; host-sim saw ${hostLines.length} requests`;
    });
  } finally {
    await target.close();
  }
} catch (error) {
  results.push({ name: 'harness', ok: false, ms: 0, detail: String(error) });
  console.log(`FAIL harness: ${(error as Error).message}`);
} finally {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (!process.env.POS_NODE18_KEEP) fs.rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`test:node18 ${arch}: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
// The emulator's pty helpers and timers would keep the process alive.
setTimeout(() => process.exit(process.exitCode), 200).unref();
