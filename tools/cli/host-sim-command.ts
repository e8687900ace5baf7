import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { JsonLineLogger } from '../../firmware/hal/log.js';
import { HostStore } from '../host-sim/host-store.js';
import { buildLedgerReport, renderLedgerReport } from '../host-sim/ledger-report.js';
import { startHostSimulator } from '../host-sim/server.js';
import { HOST_PROFILES, type HostProfile } from '../host-sim/strict-cup.js';
import { DEFAULT_TERMINALS, TEST_TERMINAL_MASTER_KEY_HEX } from '../host-sim/terminals.js';
import { UsageError, type Command } from './command.js';

/** Where `pos host-sim` keeps its ledger unless told otherwise (pos sim keeps its own in var/sim). */
export const DEFAULT_HOST_DB = 'var/host-sim/host-books.json';

export const hostSimCommand: Command = {
  usage: `pos host-sim [--port 5000] [--host 127.0.0.1] [--cards <cards.json>] [--seed 1] [--profile standard|strict-cup] [--db <file>|:memory:]
pos host-sim ledger [--db <file>] [--journal <image>] [--terminal <id>] [--json]

--profile strict-cup answers as a demanding CUP acquirer: F-padded F2, F43/F44/F46/F56/F59 and a
binary F63 in responses; refuses F60 without 60.4/60.5, unflagged chip swipes (45), a MAC on
0500/0320 and a batch-upload end without its count (firmware/iso8583/DIALECT.md).

Runs the host simulator (tools/host-sim: acquirer, issuer ledger) until Ctrl-C or SIGTERM, one JSON
line per request on stdout. Terminals ${DEFAULT_TERMINALS.map((t) => t.terminalId).join(', ')}; test terminal master key
${TEST_TERMINAL_MASTER_KEY_HEX}. Fault injection and fleets: npm run host-sim -- --help.
The issuer ledger and the acquirer's batches live in a JSON file (--db, default ${DEFAULT_HOST_DB};
:memory: keeps nothing), rewritten whole after each request that moves money,, so a restart continues where it stopped.

ledger: the stored books, read-only: each card's balance (masked), each terminal's transactions, and
the one-sided check against a terminal's journal image (--journal; default journal.img beside the
books file, as pos sim keeps them in var/sim). --db defaults to var/sim/host-books.json (pos sim's).`,
  async run(argv) {
    if (argv[0] === 'ledger') return ledger(argv.slice(1));
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '5000' },
        host: { type: 'string', default: '127.0.0.1' },
        cards: { type: 'string' },
        seed: { type: 'string', default: '1' },
        db: { type: 'string', default: DEFAULT_HOST_DB },
        profile: { type: 'string', default: 'standard' },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got "${values.port}"`);
    const seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}"`);
    const profile = values.profile as HostProfile;
    if (!HOST_PROFILES.includes(profile)) throw new UsageError(`--profile must be one of ${HOST_PROFILES.join(', ')}, got "${values.profile}"`);
    const store = values.db === ':memory:' ? undefined : await HostStore.open(values.db!);
    try {
      const sim = await startHostSimulator({
        port,
        host: values.host!,
        seed,
        profile,
        ...(values.cards ? { cardsFile: values.cards } : {}),
        ...(store ? { store } : {}),
        logger: new JsonLineLogger((line) => process.stdout.write(`${line}\n`)),
      });
      console.log(`host-sim: listening on ${sim.host}:${sim.port} (profile ${profile}${store ? `, ledger ${values.db}` : ''})`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.close();
      console.log(`host-sim: stopped after ${sim.stats.requests} requests`);
    } finally {
      store?.close();
    }
    return 0;
  },
};

async function ledger(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'var/sim/host-books.json' },
      journal: { type: 'string' },
      terminal: { type: 'string', default: DEFAULT_TERMINALS[0]!.terminalId },
      json: { type: 'boolean', default: false },
    },
  });
  const besideDb = join(dirname(values.db!), 'journal.img');
  const journal = values.journal ?? (existsSync(besideDb) ? besideDb : undefined);
  if (values.journal !== undefined && !existsSync(values.journal)) throw new UsageError(`no journal image at ${values.journal}`);
  const report = await buildLedgerReport(values.db!, journal ? { journal, terminalId: values.terminal! } : undefined);
  console.log(values.json ? JSON.stringify(report) : renderLedgerReport(report));
  return report.check && report.check.oneSided.length > 0 ? 1 : 0;
}
