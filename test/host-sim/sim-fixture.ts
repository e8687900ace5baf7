import { TcpHostLink } from '../../firmware/host/tcp-host-link.js';
import { MemoryLogger } from '../../firmware/hal/log.js';
import { startHostSimulator, type HostSimulator, type HostSimulatorOptions } from '../../tools/host-sim/server.js';
import { TerminalClient } from '../../tools/host-sim/terminal-client.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../../tools/host-sim/terminals.js';

export const MASTER_KEY = Uint8Array.from(Buffer.from(TEST_TERMINAL_MASTER_KEY_HEX, 'hex'));
export const CARD = { pan: '6217000000000000012', expiry: '3012', pin: '123456' };
export const FOREIGN_CARD = { pan: '4111110000000013', expiry: '2910', pin: '123456' };
/** Fixed host time so that card expiry checks do not depend on the day the tests run. */
export const HOST_NOW = new Date('2026-11-22T10:00:00+08:00');

export interface SimFixture {
  sim: HostSimulator;
  link: TcpHostLink;
  terminal: TerminalClient;
  linkLog: MemoryLogger;
  close(): Promise<void>;
}

export async function startFixture(
  options: HostSimulatorOptions = {},
  link: { persistent?: boolean; responseTimeoutMs?: number } = {},
  terminalId = '10000159',
): Promise<SimFixture> {
  const sim = await startHostSimulator({ seed: 7, now: () => HOST_NOW, ...options });
  const linkLog = new MemoryLogger();
  const hostLink = new TcpHostLink({
    host: '127.0.0.1',
    port: sim.port,
    responseTimeoutMs: link.responseTimeoutMs ?? 5000,
    persistent: link.persistent,
    logger: linkLog,
  });
  const terminal = new TerminalClient({ link: hostLink, terminalId, merchantId: '880210010210160', masterKey: MASTER_KEY });
  return {
    sim,
    link: hostLink,
    terminal,
    linkLog,
    async close() {
      await hostLink.close();
      await sim.close();
    },
  };
}
