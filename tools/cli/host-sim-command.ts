import { parseArgs } from 'node:util';
import { JsonLineLogger } from '../../firmware/hal/log.js';
import { startHostSimulator } from '../host-sim/server.js';
import { DEFAULT_TERMINALS, TEST_TERMINAL_MASTER_KEY_HEX } from '../host-sim/terminals.js';
import { UsageError, type Command } from './command.js';

export const hostSimCommand: Command = {
  summary: 'run the acquirer + issuer simulator on TCP (for pos run against a test host)',
  usage: `pos host-sim [--port 5000] [--host 127.0.0.1] [--cards <cards.json>] [--seed 1]

Runs the host simulator (tools/host-sim: acquirer, issuer ledger) until Ctrl-C or SIGTERM, one JSON
line per request on stdout. Terminals ${DEFAULT_TERMINALS.map((t) => t.terminalId).join(', ')}; test terminal master key
${TEST_TERMINAL_MASTER_KEY_HEX}. Fault injection and fleets: npm run host-sim -- --help.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { port: { type: 'string', default: '5000' }, host: { type: 'string', default: '127.0.0.1' }, cards: { type: 'string' }, seed: { type: 'string', default: '1' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got "${values.port}"`);
    const seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}"`);
    const sim = await startHostSimulator({
      port,
      host: values.host!,
      seed,
      ...(values.cards ? { cardsFile: values.cards } : {}),
      logger: new JsonLineLogger((line) => process.stdout.write(`${line}\n`)),
    });
    console.log(`host-sim: listening on ${sim.host}:${sim.port}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.close();
    console.log(`host-sim: stopped after ${sim.stats.requests} requests`);
    return 0;
  },
};
