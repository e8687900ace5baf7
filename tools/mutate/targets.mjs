/**
 * What `npm run mutate` mutates, folder by folder, and which tests may kill each folder's mutants.
 * A big folder is split into shards (`journal:ring`), each a Stryker run of its own with its own
 * incremental file and report, so a run cut short on the 2-core machine keeps the shards it finished;
 * the folder's score adds up its shards' reports.
 * A folder's tests are the suites written for it plus the suites that drive it from above; the
 * power-loss sweeps and HIL suites are left out because they would make every mutant cost minutes
 * on the shared 2-core machine (they are covered by `npm run mutants:safety` instead).
 * Plain JS so stryker.config.mjs and the vitest config can both import it without a loader.
 */
export const MUTATION_TARGETS = {
  security: {
    mutate: ['firmware/security/**/*.ts'],
    tests: [
      'test/security/**/*.test.ts',
      'test/journal/pan-at-rest.test.ts',
      'test/cli/keys-command.test.ts',
      'test/engine/cup-dialect.test.ts',
      'test/host-sim/strict-cup.test.ts',
      'test/host-sim/transactions.test.ts',
      'test/drivers/printer/receipt-layout.test.ts',
    ],
    goal: 80,
  },
  iso8583: {
    mutate: ['firmware/iso8583/**/*.ts'],
    shards: {
      codec: ['codec', 'field-codec', 'bcd', 'field-spec', 'message', 'received-message'].map((f) => `firmware/iso8583/${f}.ts`),
      fields: ['cup-pos-fields', 'field60', 'field61', 'field62', 'field63'].map((f) => `firmware/iso8583/${f}.ts`),
      wire: ['framing', 'settlement-totals'].map((f) => `firmware/iso8583/${f}.ts`),
    },
    // Not the host simulator's suites: they reach every codec mutant over TCP (5 s a mutant at
    // load) and test the simulator; the codec's own suites killed 96 % of the first 437 mutants.
    tests: [
      'test/iso8583/**/*.test.ts',
      'test/engine/cup-dialect.test.ts',
      'test/host/tcp-host-link.test.ts',
      'test/security/mac.test.ts',
      'test/security/refusals.test.ts',
      'test/security/security-service.test.ts',
    ],
    goal: 80,
  },
  online: {
    mutate: ['firmware/app/flows/online.ts'],
    tests: ['test/engine/**/*.test.ts'],
    goal: 90,
  },
  flows: {
    mutate: ['firmware/app/flows/**/*.ts', '!firmware/app/flows/online.ts'],
    shards: {
      cashier: ['cashier-input', 'financial-flows', 'primitives', 'printing', 'reprint-browse'].map((f) => `firmware/app/flows/${f}.ts`),
      admin: ['admin', 'settlement', 'sign-in', 'terminal', 'journal-damage-gate'].map((f) => `firmware/app/flows/${f}.ts`),
    },
    tests: ['test/engine/**/*.test.ts'],
    goal: 80,
  },
  journal: {
    mutate: ['firmware/journal/**/*.ts'],
    shards: {
      ring: ['log-ring', 'sector-header', 'frame'].map((f) => `firmware/journal/${f}.ts`),
      mount: ['log-scan', 'mount-read', 'replay', 'open-journal'].map((f) => `firmware/journal/${f}.ts`),
      state: ['journal-state', 'journal', 'flash-journal', 'capacity', 'journal-call'].map((f) => `firmware/journal/${f}.ts`),
      records: ['record-codec', 'cbor-write', 'transaction-check'].map((f) => `firmware/journal/${f}.ts`),
    },
    tests: [
      'test/journal/**/*.test.ts',
      'test/engine/journal-damage.test.ts',
      'test/engine/journal-mirror.test.ts',
      'test/drivers/lcd/lcd-cold-boots-eeprom-journal.test.ts',
      'test/sim/oracle.test.ts',
      // Sweeps and CLI spawns: seconds per mutant, and a child process never sees the active mutant.
      '!test/journal/powerloss.test.ts',
      '!test/journal/wear.test.ts',
      '!test/journal/rot.test.ts',
      '!test/journal/inspector.test.ts',
    ],
    goal: 90,
  },
};

/** The Stryker runs a folder takes: its shards (`folder:shard`), or the folder itself. */
export function runsOf(folder) {
  const target = MUTATION_TARGETS[folder];
  if (target === undefined) throw unknown(folder);
  return target.shards ? Object.keys(target.shards).map((shard) => `${folder}:${shard}`) : [folder];
}

/** One Stryker run: a folder, or one shard of it (`journal:ring`) with the folder's tests and goal. */
export function mutationTarget(name) {
  const [folder = '', shard] = name.split(':');
  const target = MUTATION_TARGETS[folder];
  if (target === undefined) throw unknown(name);
  if (shard === undefined) return target;
  const files = target.shards?.[shard];
  if (files === undefined) throw unknown(name);
  return { ...target, mutate: files, shards: undefined };
}

/** A run's name in file names (incremental file, report, sandbox): `journal:ring` -> `journal-ring`. */
export function runFileName(name) {
  return name.replace(':', '-');
}

function unknown(name) {
  const names = Object.entries(MUTATION_TARGETS).flatMap(([folder, t]) => [folder, ...Object.keys(t.shards ?? {}).map((s) => `${folder}:${s}`)]);
  return new RangeError(`unknown mutation target "${name}"; one of: ${names.join(', ')}`);
}
