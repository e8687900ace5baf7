/**
 * The measurement behind npm run bench:engine (tools/bench/engine.ts runs it bundled on plain Node,
 * as the terminal runs, with the host simulator in its own process: `engine-run.mjs <port>`; with
 * no port the host runs in-process and its CPU is measured and subtracted). Prints one JSON line:
 * - sale_cpu_ms: process CPU per approved sale (keys, swipe, PIN block, MAC, journal on simulated
 *   NOR, receipt layout of both copies, the TCP connection and framing). The scripted cashier's few
 *   calls stay in: the figure errs high, not low; the bench's checks of the journal stay out.
 * - boot_to_ready_ms: wall time from power-on to the idle screen with a nearly full 256 KiB journal
 *   (mount = read + scan + replay of the whole NOR image, shell start, boot recovery), median of 5.
 * - rss_mb: resident memory at the end.
 */
import { Cashier } from '../../test/sim/harness/cashier.js';
import { PaperRollPrinter } from '../../test/sim/harness/paper-roll-printer.js';
import { SimTerminal } from '../../test/sim/harness/sim-terminal.js';
import { TcpHostLink } from '../../firmware/host/tcp-host-link.js';
import type { JournalTransaction } from '../../firmware/journal/journal.js';

const WARMUP_SALES = 20;
const MEASURED_SALES = 150;

/** The largest journal of the board configs: raspi.json's 256 KiB image of 4 KiB sectors. */
const JOURNAL_SECTORS = 64;

/** With a port, the host simulator runs in another process and the terminal talks TCP to it. */
const hostPort = process.argv[2] === undefined ? undefined : Number(process.argv[2]);

const term: SimTerminal = new SimTerminal({
  seed: 42,
  printer: new PaperRollPrinter(),
  flashSectors: JOURNAL_SECTORS,
  ...(hostPort !== undefined ? { link: () => new TcpHostLink({ host: '127.0.0.1', port: hostPort, clock: term.clock }) } : {}),
});
const receipts: JournalTransaction[] = [];
const cashier = new Cashier(term, () => receipts);
await term.boot();
await cashier.toIdle();
await cashier.perform({ do: 'sign-in' });
await cashier.toIdle();
if (!cashier.signedIn) throw new Error('bench: sign-in failed');

let amount = 100;

/** Settlement (when the journal fills) is not a sale: it runs before a sale, outside the measurement. */
async function settleWhenFull(): Promise<void> {
  if (term.journal.capacity().transactionsLeft < 2) {
    await cashier.perform({ do: 'settle' });
    await cashier.toIdle();
  }
}

/**
 * One sale, checked approved. `measured` wraps only the cashier's sale: the bench's own checks read
 * journal.view(), a copy of every transaction in the journal (hundreds on the 256 KiB image), and
 * measured inside they were a third of sale_cpu_ms and grew with the journal (2026-12-01 profile).
 */
async function sale(measured: (work: () => Promise<void>) => Promise<void> = (work) => work()): Promise<void> {
  await settleWhenFull();
  const before = term.journal.view().transactions.length;
  await measured(async () => {
    await cashier.perform({ do: 'sale', amountFen: amount++, card: 0 });
    await cashier.toIdle();
  });
  const transactions = term.journal.view().transactions;
  if (transactions.length !== before + 1 || transactions.at(-1)?.status !== 'approved') throw new Error('bench: a sale was not approved');
}

for (let i = 0; i < WARMUP_SALES; i++) await sale();
let cpuMicros = 0;
let hostMicros = 0;
for (let i = 0; i < MEASURED_SALES; i++) {
  await sale(async (work) => {
    const host0 = term.host.hostCpuMicros;
    const cpu0 = process.cpuUsage();
    await work();
    const cpu = process.cpuUsage(cpu0);
    cpuMicros += cpu.user + cpu.system;
    hostMicros += term.host.hostCpuMicros - host0;
  });
}
const saleCpuMs = (cpuMicros - hostMicros) / 1000 / MEASURED_SALES;

// Nearly full: sales until one more transaction would not fit.
while (term.journal.capacity().transactionsLeft > 1) await sale();
const boots: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  await term.reboot();
  await cashier.toIdle();
  boots.push(performance.now() - t0);
}
boots.sort((a, b) => a - b);

console.log(
  JSON.stringify({
    bench: 'engine',
    sale_cpu_ms: Number(saleCpuMs.toFixed(3)),
    boot_to_ready_ms: Number(boots[2]!.toFixed(1)),
    rss_mb: Number((process.memoryUsage().rss / 1048576).toFixed(1)),
  }),
);
