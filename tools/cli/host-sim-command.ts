import { parseArgs } from 'node:util';
import { JsonLineLogger } from '../../firmware/hal/log.js';
import { startHostSimulator } from '../host-sim/server.js';
import { HOST_PROFILES, type HostProfile } from '../host-sim/strict-cup.js';
import { DEFAULT_TERMINALS, TEST_TERMINAL_MASTER_KEY_HEX } from '../host-sim/terminals.js';
import { UsageError, type Command } from './command.js';

export const hostSimCommand: Command = {
  summary: 'run the acquirer + issuer simulator on TCP (for pos run against a test host)',
  usage: `pos host-sim [--port 5000] [--host 127.0.0.1] [--cards <cards.json>] [--seed 1] [--profile standard|strict-cup]

--profile strict-cup answers as a demanding CUP acquirer: F-padded F2, F43/F44/F46/F56/F59 and a
binary F63 in responses; refuses F60 without 60.4/60.5, unflagged chip swipes (45), a MAC on
0500/0320 and a batch-upload end without its count (firmware/iso8583/DIALECT.md).

Runs the host simulator (tools/host-sim: acquirer, issuer ledger) until Ctrl-C or SIGTERM, one JSON
line per request on stdout. Terminals ${DEFAULT_TERMINALS.map((t) => t.terminalId).join(', ')}; test terminal master key
${TEST_TERMINAL_MASTER_KEY_HEX}. Fault injection and fleets: npm run host-sim -- --help.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { port: { type: 'string', default: '5000' }, host: { type: 'string', default: '127.0.0.1' }, cards: { type: 'string' }, seed: { type: 'string', default: '1' }, profile: { type: 'string', default: 'standard' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got "${values.port}"`);
    const seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}"`);
    const profile = values.profile as HostProfile;
    if (!HOST_PROFILES.includes(profile)) throw new UsageError(`--profile must be one of ${HOST_PROFILES.join(', ')}, got "${values.profile}"`);
    const sim = await startHostSimulator({
      port,
      host: values.host!,
      seed,
      profile,
      ...(values.cards ? { cardsFile: values.cards } : {}),
      logger: new JsonLineLogger((line) => process.stdout.write(`${line}\n`)),
    });
    console.log(`host-sim: listening on ${sim.host}:${sim.port} (profile ${profile})`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.close();
    console.log(`host-sim: stopped after ${sim.stats.requests} requests`);
    return 0;
  },
};
