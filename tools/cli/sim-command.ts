import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { SystemClock, VirtualClock } from '../../firmware/hal/clock.js';
import { JsonLineLogger } from '../../firmware/hal/log.js';
import { RotatingLogFile } from '../../firmware/hal/rotating-log-file.js';
import { runInteractive } from '../sim-terminal/interactive.js';
import { parseScript, parseScriptLine, ScriptError, type ScriptLine } from '../sim-terminal/script.js';
import { ScriptRunner } from '../sim-terminal/script-runner.js';
import { SimulatedTerminal } from '../sim-terminal/simulated-terminal.js';
import type { JournalTransaction } from '../../firmware/journal/journal.js';
import { UsageError, type Command } from './command.js';
import { SettlementProgressLogger } from './settlement-progress.js';

export const simCommand: Command = {
  summary: 'the simulated terminal in the console (same as npm start)',
  usage: `pos sim [--script <file>] [--lang zh|en] [--var <dir>] [--fresh] [--board <config.json>]

Runs the real terminal runtime on the virtual board with the host simulator in-process on loopback.
On a terminal: the LCD, the key map, the test cards and the last receipt; keyboard keys press the
virtual keypad (p cuts the power, x quits). With --script, or when stdin is not a terminal, it reads
script commands (tools/sim-terminal/README.md: key, keys, enter, swipe 2, wait 500, power-cut,
power-cut-after-send, paper-out, paper-in, expect <text>, ...) on a virtual clock, prints each
screen as it changes and ends with the issuer ledger check; exit 1 if an expect failed or the
issuer holds a 单边帐.
  --lang zh|en   screen language (zh draws on a console stand-in for the ST7920; default: the board config)
  --var <dir>    state: <dir>/sim (settings, keys, log), <dir>/receipts (PNG per receipt); default var
  --fresh        start from an empty journal and default settings
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
      },
    });
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
    // Receipts and F12/F13 use the terminal's local time; a CUP terminal keeps China time.
    process.env.TZ ??= 'Asia/Shanghai';
    const config = readBoardConfig(values.board ?? defaultSimConfig());
    if (config.board.kind !== 'virtual') throw new UsageError(`${values.board} is a ${config.board.kind} board; pos sim needs board.kind "virtual" (use pos run for hardware)`);
    const varDir = values.var!;
    if (values.fresh) rmSync(`${varDir}/sim`, { recursive: true, force: true });
    mkdirSync(`${varDir}/sim`, { recursive: true });

    const tty = script === undefined && process.stdin.isTTY === true;
    const logFile = new RotatingLogFile(`${varDir}/sim/terminal.log`, 1024 * 1024);
    // Settlement progress goes to the console (script output, or the status line on a TTY).
    let sayProgress: (line: string) => void = () => undefined;
    const logger = new SettlementProgressLogger(
      new JsonLineLogger((line) => logFile.write(line), 'debug'),
      (): readonly JournalTransaction[] => sim.terminal.journal.view().transactions,
      (line) => sayProgress(line),
    );
    const sim: SimulatedTerminal = new SimulatedTerminal({
      config,
      varDir,
      clock: tty ? new SystemClock() : new VirtualClock(),
      logger,
      ...(values.lang ? { language: values.lang as 'zh' | 'en' } : {}),
    });
    await sim.start();
    if (tty) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      try {
        await runInteractive(sim, process.stdin, process.stdout);
      } finally {
        process.stdin.setRawMode(false);
        process.stdin.pause();
        await sim.quit();
      }
      return 0;
    }
    sayProgress = (line) => console.log(`  ${line}`);
    const runner = new ScriptRunner(sim, (line) => console.log(line));
    runner.begin();
    try {
      if (script) {
        for (const line of script) await runner.runLine(line);
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
          if (line) await runner.runLine(line);
        }
      }
    } finally {
      await sim.quit();
    }
    const summary = runner.printSummary();
    return summary.expectsFailed > 0 || summary.oneSided > 0 ? 1 : 0;
  },
};

/** board-configs/sim.json in a checkout; in the deployed bundle directory, its copy beside the bundle. */
function defaultSimConfig(): string {
  const inCheckout = 'board-configs/sim.json';
  if (existsSync(inCheckout)) return inCheckout;
  const besideBundle = fileURLToPath(new URL('./sim.json', import.meta.url));
  return existsSync(besideBundle) ? besideBundle : inCheckout;
}
