/**
 * The child of `npm run powerloss:kill`: one life of a terminal between two power cuts, in its own
 * process, so nothing but the file image survives a cut (module state, timers, sockets all die with
 * the process). It boots from the journal image, recovers, signs in, and keys in the day's events
 * from `--from`; it talks to the parent's host simulator over TCP. Told where to stop (`--stop
 * op:N` before its N-th flash program/erase, `print:N` as its N-th print job starts), it says so on
 * stdout and blocks until the parent SIGKILLs it.
 * stdout: one JSON object a line: {"printed": job} | {"done": eventIndex} | {"stop": where} | {"end": true}.
 * After each {"done"} it waits for a line on stdin: the parent reads the image in between, as it
 * stands after the event, so an approval settled later in the same life is still seen.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { FlashDevice } from '../../firmware/drivers/flash/flash-device.js';
import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';
import type { PrintJob, PrintOutcome } from '../../firmware/drivers/printer/print-job.js';
import { TcpHostLink } from '../../firmware/host/tcp-host-link.js';
import { Cashier } from '../../test/sim/harness/cashier.js';
import type { DayEvent } from '../../test/sim/harness/day-run.js';
import { PaperRollPrinter } from '../../test/sim/harness/paper-roll-printer.js';
import { SimTerminal, type SimPrinter } from '../../test/sim/harness/sim-terminal.js';
import { KILL_IMAGE_GEOMETRY } from './kill-image.js';

const { values } = parseArgs({
  options: {
    image: { type: 'string' },
    port: { type: 'string' },
    events: { type: 'string' },
    from: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    stop: { type: 'string' },
    closing: { type: 'boolean', default: false },
  },
});
if (!values.image || !values.port || !values.events) {
  console.error('usage: kill-child --image <path> --port <host-sim port> --events <day.json> [--from <event>] [--seed <n>] [--stop op:<n>|print:<n>] [--closing]');
  process.exit(2);
}
const events = JSON.parse(readFileSync(values.events, 'utf8')) as DayEvent[];
const [stopKind, stopAtText] = (values.stop ?? 'none:0').split(':');
const stopAt = Number(stopAtText);
const say = (message: object): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};
const parentLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Reports where it stopped and blocks the whole process (no event loop) until the parent kills it. */
function stopHere(where: string): void {
  say({ stop: where });
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  process.exit(3);
}

/** The file image, stopping before its `stopAt`-th program or erase when told to. */
function stoppingDevice(inner: FlashDevice): FlashDevice {
  let ops = 0;
  const before = (): void => {
    if (stopKind === 'op' && ++ops === stopAt) stopHere(`op:${stopAt}`);
  };
  return {
    geometry: inner.geometry,
    read: (offset, length) => inner.read(offset, length),
    program: async (offset, data) => {
      before();
      await inner.program(offset, data);
    },
    erase: async (sector) => {
      before();
      await inner.erase(sector);
    },
    sync: () => inner.sync(),
    counters: () => inner.counters(),
  };
}

/** The paper-roll printer that tells the parent what printed, and stops as its `stopAt`-th job starts. */
class ReportingPrinter implements SimPrinter {
  private readonly inner = new PaperRollPrinter();
  private jobs = 0;
  async print(job: PrintJob): Promise<PrintOutcome> {
    if (stopKind === 'print' && ++this.jobs === stopAt) stopHere(`print:${stopAt}`);
    const outcome = await this.inner.print(job);
    if (outcome.ok) say({ printed: job });
    return outcome;
  }
  paperPresent(): Promise<boolean> {
    return this.inner.paperPresent();
  }
  reload(paperOutAfterLines?: number): void {
    this.inner.reload(paperOutAfterLines);
  }
}

const image = await FileImageFlash.open({ path: values.image, ...KILL_IMAGE_GEOMETRY });
const port = Number(values.port);
let term!: SimTerminal;
term = new SimTerminal({
  seed: Number(values.seed),
  printer: new ReportingPrinter(),
  journalDevice: stoppingDevice(image),
  link: () => new TcpHostLink({ host: '127.0.0.1', port, clock: term.clock }),
});
const cashier = new Cashier(term, () => receipts());
/** The cashier's receipts: approved transactions of the journal (this life only sees what is on flash). */
const receipts = () => [...term.journal.view().transactions].reverse().filter((tx) => tx.status === 'approved');

await term.boot();
await cashier.toIdle();
const signIn = async (): Promise<void> => {
  for (let i = 0; !cashier.signedIn && i < 4; i++) {
    await cashier.perform({ do: 'sign-in' });
    await cashier.toIdle();
  }
  if (cashier.signedIn && cashier.settleRequested) {
    cashier.settleRequested = false;
    await cashier.perform({ do: 'settle' });
    await cashier.toIdle();
  }
};
if (!values.closing) {
  await signIn();
  for (let i = Number(values.from); i < events.length; i++) {
    const { action } = events[i]!;
    if (action.do !== 'sign-in' || !cashier.signedIn) {
      await cashier.perform(action);
      await cashier.toIdle();
      await signIn();
    }
    say({ done: i });
    await parentLines.next();
  }
}
term.shell.stop();
await term.settle().catch(() => undefined);
say({ end: true });
await image.close();
process.exit(0);
