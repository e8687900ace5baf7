import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readBoardConfig, type BoardConfig } from '../../firmware/hal/board-config.js';
import { JsonLineLogger, type Logger } from '../../firmware/hal/log.js';
import { FailSafeLogSink } from '../../firmware/hal/fail-safe-log-sink.js';
import { RotatingLogFile } from '../../firmware/hal/rotating-log-file.js';
import { startTerminal, type RunningTerminal } from '../../firmware/main.js';
import { UsageError, type Command } from './command.js';
import { SettlementProgressLogger } from './settlement-progress.js';

/** How long SIGTERM waits for the step under way (a request in flight gets its answer or times out). */
const STOP_WAIT_MS = 75_000;

export const runCommand: Command = {
  usage: `pos run --board <config.json> [--port <path>] [--state-dir <dir>] [--master-key <file>]
        [--log-max-bytes <n>] [--quiet]

Runs the terminal: keypad, LCD, printer, magstripe reader and flash as the board config wires them,
the acquirer at its host section (or the address set in the 管理 menu). --port overrides board.port
of a Firmata board (e.g. /dev/ttyACM0). State (settings.json, device.key, terminal.log) lives in
--state-dir (default $POS_STATE_DIR or /var/lib/pos-terminal); the terminal master key is read from
--master-key (default <state-dir>/master.key). Logs: one JSON line per event on stdout (unless
--quiet) and in <state-dir>/terminal.log, capped at --log-max-bytes (default 1048576) with one
older file kept (a full or read-only disk drops log lines, counted and warned once on stderr; the
terminal goes on). A journal in an image file is locked (<image>.lock) while it runs: a second pos run
or pos sim on it stops, naming this PID. A damaged settings.json or a master key file others can read
stops the boot with one line. SIGTERM or Ctrl-C finishes the current step, then closes the journal and the board.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        board: { type: 'string' },
        port: { type: 'string' },
        'state-dir': { type: 'string' },
        'master-key': { type: 'string' },
        'log-max-bytes': { type: 'string', default: '1048576' },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (!values.board) throw new UsageError('--board <config.json> is required, e.g. --board board-configs/uno-firmata.json');
    const maxBytes = Number(values['log-max-bytes']);
    if (!Number.isInteger(maxBytes) || maxBytes < 4096) throw new UsageError(`--log-max-bytes must be an integer >= 4096, got "${values['log-max-bytes']}"`);
    const config = withPort(readBoardConfig(values.board), values.port);
    if (config.board.kind === 'virtual') throw new UsageError(`${values.board} is the virtual board; use pos sim for the simulated terminal`);
    const stateDir = values['state-dir'] ?? process.env.POS_STATE_DIR ?? '/var/lib/pos-terminal';
    const file = new RotatingLogFile(join(stateDir, 'terminal.log'), maxBytes);
    // A full or read-only card drops log lines (counted, said once on stderr), never the terminal.
    const fileSink = new FailSafeLogSink((line) => file.write(line), (message) => process.stderr.write(`pos run: ${message}\n`), file.path);
    const base: Logger = new JsonLineLogger((line) => {
      fileSink.line(line);
      if (!values.quiet) process.stdout.write(`${line}\n`);
    });
    const masterKeyFile = values['master-key'] ?? join(stateDir, 'master.key');
    if (!existsSync(masterKeyFile)) {
      throw new Error(`no terminal master key at ${masterKeyFile}: load the TMK from the key ceremony with pos keys load-tmk - --state-dir ${stateDir}, or give --master-key <file>`);
    }
    let terminal: RunningTerminal | undefined;
    const logger = new SettlementProgressLogger(base, () => terminal?.journal.view().transactions ?? [], (line) => process.stderr.write(`${line}\n`));
    terminal = await startTerminal(config, {
      stateDir,
      logger,
      masterKeyFile,
      onHalt: (error) => logger.log('error', 'terminal.halted', { error: String(error) }),
    }).catch((error: Error) => {
      if (config.board.kind === 'firmata' && /cannot open Firmata board/.test(error.message)) {
        throw new Error(`${error.message}; plug the board in or give --port <path> (pos ports lists them)`);
      }
      throw error;
    });
    const running = terminal;
    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.log('info', 'terminal.stopping', { signal, waitMs: STOP_WAIT_MS });
        void running.stop({ waitIdleMs: STOP_WAIT_MS }).then(
          () => resolve(0),
          (error: unknown) => {
            logger.log('error', 'terminal.stop-failed', { error: String(error) });
            resolve(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  },
};

function withPort(config: BoardConfig, port: string | undefined): BoardConfig {
  if (port === undefined) return config;
  if (config.board.kind !== 'firmata') throw new UsageError(`--port applies to Firmata boards; this config's board is ${config.board.kind}`);
  return { ...config, board: { ...config.board, port } };
}
