import type { TerminalConfig } from './acquirer.js';

/**
 * The fixed TEST terminal master key (TMK) every simulated terminal shares with the simulator.
 * Double-length 3DES, hex. A terminal under test loads the same key from its key file. Never a real key.
 */
export const TEST_TERMINAL_MASTER_KEY_HEX = '0123456789ABCDEFFEDCBA9876543210';

/** The terminal of the public sign-in capture, and a second one on the same merchant. */
export const DEFAULT_TERMINALS: readonly TerminalConfig[] = [
  { terminalId: '10000159', merchantId: '880210010210160' },
  { terminalId: '10000160', merchantId: '880210010210160' },
];

/** `count` terminals "20000001".. on merchant "880210010210999", for fleets and benchmarks. */
export function fleetTerminals(count: number): TerminalConfig[] {
  if (!Number.isInteger(count) || count < 1 || count > 99_999) throw new RangeError(`fleet size must be 1-99999, got ${count}`);
  return Array.from({ length: count }, (_, i) => ({ terminalId: String(20_000_001 + i), merchantId: '880210010210999' }));
}
