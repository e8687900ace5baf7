/**
 * The terminal runtime as a separate process, as it runs in the field: `pos run --board <config>
 * --port <board device>` with its own state directory (settings, device key, master key). The test
 * reads its JSON log lines and can kill it like a power cut (SIGKILL: no shutdown code runs).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoardConfig } from '../../firmware/hal/board-config.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../../tools/host-sim/terminals.js';
import { ROOT } from './hil-target.js';

export interface RuntimeProcess {
  readonly child: ChildProcess;
  /** JSON log lines so far (stdout), parsed. */
  readonly events: Record<string, unknown>[];
  /** stderr text so far, for failure messages. */
  stderr(): string;
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Whether this checkout's CLI has `pos run` (the composition root's command the process tests drive). */
export function posRunAvailable(): boolean {
  const help = spawnSync(process.execPath, ['--import', 'tsx', 'tools/cli/main.ts', '--help'], { cwd: ROOT, encoding: 'utf8' });
  return /^\s+run\s/m.test(`${help.stdout}${help.stderr}`);
}

/** Writes the state directory's master key and the board config, then starts `pos run`; resolves once it logged terminal.started. */
export async function startRuntime(config: BoardConfig, stateDir: string, boardPort: string, startTimeoutMs = 45_000): Promise<RuntimeProcess> {
  // 0600 as `pos keys load-tmk` stores it: `pos run` refuses a key group or others can read.
  writeFileSync(join(stateDir, 'master.key'), `# test key of the host simulator\n${TEST_TERMINAL_MASTER_KEY_HEX}\n`, { mode: 0o600 });
  chmodSync(join(stateDir, 'master.key'), 0o600);
  const boardFile = join(stateDir, 'board.json');
  writeFileSync(boardFile, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cli/main.ts', 'run', '--board', boardFile, '--port', boardPort, '--state-dir', stateDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  let errText = '';
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        events.push({ text: line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (errText += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const runtime: RuntimeProcess = {
    child,
    events,
    stderr: () => errText,
    exited,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  const started = await Promise.race([
    waitFor(() => events.some((e) => e.event === 'terminal.started' || e.msg === 'terminal.started'), startTimeoutMs).then(() => true),
    exited.then(() => false),
  ]);
  if (!started) throw new Error(`pos run exited before the terminal started:\n${errText}\n${JSON.stringify(events.slice(-5))}`);
  return runtime;
}

/** Polls `done` every 20 ms until it holds; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(done: () => boolean, timeoutMs: number, what: () => string = () => 'condition'): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
