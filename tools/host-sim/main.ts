import { parseArgs } from 'node:util';
import { JsonLineLogger } from '../../firmware/hal/log.js';
import { MAC_SCHEMES, type MacScheme } from '../../firmware/security/message-mac.js';
import { FAULT_KINDS, type FaultKind, type RandomFaults } from './fault-plan.js';
import { HostStore } from './host-store.js';
import { DEFAULT_LIMITS, startHostSimulator } from './server.js';
import { HOST_PROFILES, type HostProfile } from './strict-cup.js';
import { DEFAULT_TERMINALS, fleetTerminals, TEST_TERMINAL_MASTER_KEY_HEX } from './terminals.js';

const USAGE = `usage: npm run host-sim -- [--port 5000] [--host 127.0.0.1] [--cards cards.json] [--seed 1]
       [--fleet N] [--mac cup-ecb|x9.19] [--profile standard|strict-cup] [--fault-rate 0.1 --fault-kinds drop,garble,...]
       [--db <file>] [--idle-timeout-ms 60000] [--max-connections 256]
Runs the acquirer + issuer simulator until Ctrl-C or SIGTERM; logs one JSON line per request.
--db keeps the issuer ledger and batches in a JSON file across restarts (default: in memory; pos host-sim
keeps var/host-sim/host-books.json).
Terminals: ${DEFAULT_TERMINALS.map((t) => t.terminalId).join(', ')} (merchant ${DEFAULT_TERMINALS[0]!.merchantId})
           plus 20000001.. on merchant 880210010210999 with --fleet N.
Terminal master key (test only): ${TEST_TERMINAL_MASTER_KEY_HEX}`;

function fail(message: string): never {
  process.stderr.write(`host-sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer in ${min}..${max}, got "${value}"`);
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      cards: { type: 'string' },
      seed: { type: 'string' },
      fleet: { type: 'string' },
      mac: { type: 'string' },
      profile: { type: 'string' },
      'fault-rate': { type: 'string' },
      'fault-kinds': { type: 'string' },
      db: { type: 'string' },
      'idle-timeout-ms': { type: 'string' },
      'max-connections': { type: 'string' },
      help: { type: 'boolean' },
    },
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const port = integer(args.port, 'port', 5000, 0, 65535);
const seed = integer(args.seed, 'seed', 1, 0, 2 ** 32 - 1);
const fleet = integer(args.fleet, 'fleet', 0, 0, 99_999);
const idleTimeoutMs = integer(args['idle-timeout-ms'], 'idle-timeout-ms', DEFAULT_LIMITS.idleTimeoutMs, 1, 86_400_000);
const maxConnections = integer(args['max-connections'], 'max-connections', DEFAULT_LIMITS.maxConnections, 1, 100_000);
const macScheme = (args.mac ?? 'cup-ecb') as MacScheme;
if (!MAC_SCHEMES.includes(macScheme)) fail(`--mac must be one of ${MAC_SCHEMES.join(', ')}`);
const profile = (args.profile ?? 'standard') as HostProfile;
if (!HOST_PROFILES.includes(profile)) fail(`--profile must be one of ${HOST_PROFILES.join(', ')}`);
let random: RandomFaults | undefined;
if (args['fault-rate'] !== undefined) {
  const rate = Number(args['fault-rate']);
  if (!(rate >= 0 && rate <= 1)) fail(`--fault-rate must be in [0, 1], got "${args['fault-rate']}"`);
  const kinds = (args['fault-kinds']?.split(',') ?? [...FAULT_KINDS]) as FaultKind[];
  const unknown = kinds.filter((k) => !FAULT_KINDS.includes(k));
  if (unknown.length > 0) fail(`unknown fault kinds ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
  random = { seed, rate, kinds };
}

try {
  const store = args.db ? await HostStore.open(args.db) : undefined;
  const sim = await startHostSimulator({
    ...(store ? { store } : {}),
    limits: { ...DEFAULT_LIMITS, idleTimeoutMs, maxConnections },
    port,
    host: args.host ?? '127.0.0.1',
    cardsFile: args.cards,
    seed,
    macScheme,
    profile,
    terminals: [...DEFAULT_TERMINALS, ...(fleet > 0 ? fleetTerminals(fleet) : [])],
    faults: random ? { random } : undefined,
    logger: new JsonLineLogger((line) => process.stdout.write(`${line}\n`)),
  });
  process.stdout.write(`host-sim: listening on ${sim.host}:${sim.port} (seed ${seed}, profile ${profile}${random ? `, faults at rate ${random.rate}` : ''})\n`);
  const stop = () => {
    void sim.close().then(() => {
      store?.close();
      process.stdout.write(`host-sim: stopped after ${sim.stats.requests} requests\n`);
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  fail((err as Error).message);
}
