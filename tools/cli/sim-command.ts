import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lockImage } from '../../firmware/drivers/flash/image-lock.js';
import { readBoardConfig, type BoardConfig } from '../../firmware/hal/board-config.js';
import { SystemClock, VirtualClock } from '../../firmware/hal/clock.js';
import { JsonLineLogger } from '../../firmware/hal/log.js';
import { FailSafeLogSink } from '../../firmware/hal/fail-safe-log-sink.js';
import { RotatingLogFile } from '../../firmware/hal/rotating-log-file.js';
import { runInteractive } from '../sim-terminal/interactive.js';
import { parseScript, parseScriptLine, ScriptError, type ScriptLine } from '../sim-terminal/script.js';
import { ScriptRunner } from '../sim-terminal/script-runner.js';
import { DEFAULT_HOST_LATENCY_MS, DEFAULT_PRINTER_BAUD, SimulatedTerminal } from '../sim-terminal/simulated-terminal.js';
import type { JournalTransaction } from '../../firmware/journal/journal.js';
import { UsageError, type Command } from './command.js';
import { SettlementProgressLogger } from './settlement-progress.js';
import { useTerminalTimeZone } from './terminal-time-zone.js';

export const simCommand: Command = {
  usage: `pos sim [--script <file>] [--lang zh|en] [--var <dir>] [--fresh] [--board <config.json>] [--host-latency <ms>]

Runs the real terminal runtime on the virtual board with the host simulator in-process on loopback.
On a terminal (80x24 or larger), full screen and in real time: the LCD, the key legend, the receipt,
an event log and the issuer's ledger; keyboard keys press the virtual keypad, and p (power cut), o / i
(paper out / in) and x (switch off) act at once. With --script, or when stdin is not a terminal, it reads
script commands (tools/sim-terminal/README.md: key, keys, enter, swipe 2, wait 500, power-cut,
power-cut-after-send, paper-out, paper-in, expect <text>, ...) on a virtual clock, prints each
screen as it changes and ends with the issuer ledger check; exit 1 if an expect failed or the
issuer holds a 单边帐; exit 2 for a bad script line (a parse error, or a test card that does not exist).
The issuer's ledger and the acquirer's state persist in <var>/sim/host-books.json (pos host-sim ledger --db).
  --host-latency  on a terminal, ms from the request to the host's answer (default ${DEFAULT_HOST_LATENCY_MS}, a GPRS link);
                 the printer prints at ${DEFAULT_PRINTER_BAUD} baud. Scripts run on a virtual clock with neither.
  --lang zh|en   screen language (zh draws on a console stand-in for the ST7920; default: the board config)
  --var <dir>    state: <dir>/sim (settings, keys, log), <dir>/receipts (PNG per receipt); default var
  --fresh        start from an empty journal and default settings
                 (pos sim holds <var>/sim/journal.img.lock while it runs: a second pos sim on the
                 same --var stops with one line naming the PID that holds it)
  --board        a board config with board.kind "virtual" (default board-configs/sim.json)`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        script: { type: 'string' },
        lang: { type: 'string' },
        var: { type: 'string', default: 'var' },
        fresh: { type: 'boolean', default: false },
        board: { type: 'string' },
        'host-latency': { type: 'string', default: String(DEFAULT_HOST_LATENCY_MS) },
      },
    });
    const hostLatencyMs = Number(values['host-latency']);
    if (!Number.isInteger(hostLatencyMs) || hostLatencyMs < 0 || hostLatencyMs > 55_000) {
      throw new UsageError(`--host-latency must be milliseconds 0..55000 (under the link's response timeout), got "${values['host-latency']}"`);
    }
    if (values.lang !== undefined && values.lang !== 'zh' && values.lang !== 'en') throw new UsageError(`--lang must be zh or en, got "${values.lang}"`);
    let script: ScriptLine[] | undefined;
    if (values.script !== undefined) {
      let text: string;
      try {
        text = readFileSync(values.script, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read script ${values.script} (${(error as NodeJS.ErrnoException).code ?? String(error)}); give a script file path`);
      }
      try {
        script = parseScript(text);
      } catch (error) {
        if (error instanceof ScriptError) throw new UsageError(`${values.script} ${error.message}`);
        throw error;
      }
    }
    useTerminalTimeZone();
    const config = readBoardConfig(values.board ?? defaultSimConfig());
    if (config.board.kind !== 'virtual') throw new UsageError(`${values.board} is a ${config.board.kind} board; pos sim needs board.kind "virtual" (use pos run for hardware)`);
    const varDir = values.var!;
    mkdirSync(`${varDir}/sim`, { recursive: true });
    // Held for the whole run, and taken before --fresh wipes anything: a second pos sim on this
    // --var stops here, naming the process that holds the journal.
    const imageLock = lockImage(join(varDir, 'sim', 'journal.img'));
    const keepSignals = process.stdin.isTTY === true && script === undefined ? () => undefined : exitOnSignals();
    try {
      if (values.fresh) wipeExcept(`${varDir}/sim`, imageLock.lockPath);
      return await simulate({
        varDir,
        config,
        hostLatencyMs,
        ...(values.lang ? { language: values.lang as 'zh' | 'en' } : {}),
        ...(values.script !== undefined ? { scriptName: values.script } : {}),
        ...(script ? { script } : {}),
        ...(imageLock.tookOverFrom !== undefined ? { tookOverLockFrom: imageLock.tookOverFrom } : {}),
      });
    } finally {
      keepSignals();
      imageLock.release();
    }
  },
};

/**
 * Ctrl-C or a kill in a script run: leave with the signal's exit code through process.exit, so the
 * lock's 'exit' hook removes the lock (a signal's default death runs no hook). Returns the undo.
 */
function exitOnSignals(): () => void {
  const handlers = { SIGINT: () => process.exit(130), SIGTERM: () => process.exit(143), SIGHUP: () => process.exit(129) };
  for (const [signal, handler] of Object.entries(handlers)) process.once(signal, handler);
  return () => {
    for (const [signal, handler] of Object.entries(handlers)) process.removeListener(signal, handler);
  };
}

/** --fresh: the state directory emptied, but for our own lock file. */
function wipeExcept(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path !== keep) rmSync(path, { recursive: true, force: true });
  }
}

/** One pos sim run, its arguments checked. */
interface SimRun {
  varDir: string;
  config: BoardConfig;
  hostLatencyMs: number;
  language?: 'zh' | 'en';
  scriptName?: string;
  script?: ScriptLine[];
  tookOverLockFrom?: number;
}

async function simulate({ varDir, config, hostLatencyMs, language, scriptName, script, tookOverLockFrom }: SimRun): Promise<number> {
  const tty = script === undefined && process.stdin.isTTY === true;
  const logFile = new RotatingLogFile(`${varDir}/sim/terminal.log`, 1024 * 1024);
  // Settlement progress goes to the console (script output, or the status line on a TTY).
  let sayProgress: (line: string) => void = () => undefined;
  const logger = new SettlementProgressLogger(
    new JsonLineLogger(new FailSafeLogSink((line) => logFile.write(line), (message) => process.stderr.write(`pos sim: ${message}\n`), logFile.path).line, 'debug'),
    (): readonly JournalTransaction[] => sim.terminal.journal.view().transactions,
    (line) => sayProgress(line),
  );
  if (tookOverLockFrom !== undefined) logger.log('warn', 'journal.lock-taken-over', { image: `${varDir}/sim/journal.img`, stalePid: tookOverLockFrom });
  const sim: SimulatedTerminal = new SimulatedTerminal({
    config,
    varDir,
    clock: tty ? new SystemClock() : new VirtualClock(),
    ...(tty ? { realTime: { hostLatencyMs, printerBaud: DEFAULT_PRINTER_BAUD } } : {}),
    logger,
    ...(language ? { language } : {}),
  });
  if (tty) process.stdout.write('pos sim: starting the host simulator and booting the terminal...\n');
  await sim.start();
  if (tty) {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    try {
      await runInteractive(sim, process.stdin, process.stdout);
    } finally {
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
    return 0;
  }
  sayProgress = (line) => console.log(`  ${line}`);
  const runner = new ScriptRunner(sim, (line) => console.log(line));
  runner.begin();
  let badLines = 0;
  try {
    if (script) {
      for (const line of script) {
        try {
          await runner.runLine(line);
        } catch (error) {
          // A line that parsed but cannot run (swipe 13 with 12 cards): the run stops there, with its summary.
          if (!(error instanceof ScriptError)) throw error;
          console.log(`  ${scriptName} ${error.message}; the script stops here`);
          badLines++;
          break;
        }
      }
    } else {
      let number = 0;
      for await (const source of createInterface({ input: process.stdin })) {
        number++;
        let line: ScriptLine | undefined;
        try {
          line = parseScriptLine(source, number);
        } catch (error) {
          console.log(`  ${(error as Error).message}`);
          continue;
        }
        try {
          if (line) await runner.runLine(line);
        } catch (error) {
          if (!(error instanceof ScriptError)) throw error;
          console.log(`  ${error.message}`);
        }
      }
    }
  } finally {
    await sim.quit();
  }
  const summary = runner.printSummary();
  if (badLines > 0) return 2;
  return summary.expectsFailed > 0 || summary.oneSided > 0 ? 1 : 0;
}

/** board-configs/sim.json in a checkout; in the deployed bundle directory, its copy beside the bundle. */
function defaultSimConfig(): string {
  const inCheckout = 'board-configs/sim.json';
  if (existsSync(inCheckout)) return inCheckout;
  const besideBundle = fileURLToPath(new URL('./sim.json', import.meta.url));
  return existsSync(besideBundle) ? besideBundle : inCheckout;
}
