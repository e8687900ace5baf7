/**
 * The composition root on the sim board config: startTerminal builds every device from the config,
 * and stop() lets the step under way finish (the SIGTERM path of `pos run`) before closing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { MemoryLogger } from '../../firmware/hal/log.js';
import { startTerminal } from '../../firmware/main.js';
import { startHostSimulator, type HostSimulator } from '../../tools/host-sim/server.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../../tools/host-sim/terminals.js';

let host: HostSimulator | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function terminalWithHeldHost() {
  host = await startHostSimulator({ port: 0 });
  let release: (() => void) | undefined;
  const received = new Promise<void>((resolveReceived) => {
    host!.on('request-received', () => {
      resolveReceived();
      return new Promise<void>((resolve) => (release = resolve));
    });
  });
  const logger = new MemoryLogger();
  const stateDir = mkdtempSync(join(tmpdir(), 'pos-start-'));
  const terminal = await startTerminal(readBoardConfig('board-configs/sim.json'), {
    stateDir,
    logger,
    masterKey: Uint8Array.from(Buffer.from(TEST_TERMINAL_MASTER_KEY_HEX, 'hex')),
    hostAddress: { address: '127.0.0.1', port: host.port },
  });
  // Sign-in: operator 01, password 0000; its 0800 is held by the host until released.
  for (const key of ['ENTER', '0', '1', 'ENTER', '0', '0', '0', '0', 'ENTER'] as const) terminal.shell.key({ key, repeat: false });
  await received;
  return { terminal, logger, release: () => release!(), stateDir };
}

describe('startTerminal (sim board config) and a clean stop', () => {
  it('stop() waits for the exchange under way, records its outcome, then closes', async () => {
    const { terminal, logger, release } = await terminalWithHeldHost();
    expect(terminal.config.board.kind).toBe('virtual');
    expect(terminal.board.emulated?.lcd).toBeDefined();
    const stopped = terminal.stop({ waitIdleMs: 30_000 });
    setTimeout(release, 20);
    expect(await stopped).toEqual({ finishedStep: true });
    expect(logger.lines.map((l) => l.event)).toContain('sign-in.ok');
    expect(logger.lines.at(-1)).toMatchObject({ event: 'terminal.stopped', fields: { finishedStep: true } });
  });

  it('a step that does not finish in time is left to recovery at the next boot', async () => {
    const { terminal, logger, release } = await terminalWithHeldHost();
    expect(await terminal.stop({ waitIdleMs: 50 })).toEqual({ finishedStep: false });
    release();
    expect(logger.lines.at(-1)).toMatchObject({ event: 'terminal.stopped', fields: { finishedStep: false } });
  });

  it('writes settings with the acquirer address and a device key file (0600) into the state dir', async () => {
    const { terminal, release, stateDir } = await terminalWithHeldHost();
    release();
    await terminal.stop({ waitIdleMs: 30_000 });
    const { statSync, readFileSync } = await import('node:fs');
    expect(statSync(join(stateDir, 'device.key')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(stateDir, 'settings.json'), 'utf8')).host).toEqual({ address: '127.0.0.1', port: host!.port });
  });
});
