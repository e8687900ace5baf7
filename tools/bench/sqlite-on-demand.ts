/**
 * better-sqlite3 for bench:journal's comparison, and for nothing else: it compiles a native addon
 * with node-gyp (most of a minute), which every `npm ci` paid while only this bench used it. It is
 * installed on first use into the user's cache folder, beside the Node 18 runtime test:node18
 * fetches, pinned to the version the bench was measured with.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const NAME = 'better-sqlite3';
const VERSION = '12.11.1';

type SqliteModule = typeof import('better-sqlite3');

let loaded: SqliteModule | undefined;

export function loadSqlite(): SqliteModule {
  loaded ??= loadOrInstall();
  return loaded;
}

function loadOrInstall(): SqliteModule {
  const prefix = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'pos-terminal', 'bench-sqlite');
  const fromCache = createRequire(join(prefix, 'package.json'));
  try {
    return fromCache('better-sqlite3') as SqliteModule;
  } catch {
    process.stderr.write(`bench:journal: installing ${NAME}@${VERSION} into ${prefix} (once; it compiles a native addon)…\n`);
  }
  // A package of its own, so npm lets its install script (the node-gyp build) run.
  mkdirSync(prefix, { recursive: true });
  const manifest = { private: true, dependencies: { [NAME]: VERSION }, allowScripts: { [NAME]: true } };
  writeFileSync(join(prefix, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const install = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (install.status !== 0) throw new Error(`npm install ${NAME}@${VERSION} into ${prefix} failed (exit ${install.status ?? install.signal}); bench:journal needs it for its SQLite comparison`);
  return fromCache('better-sqlite3') as SqliteModule;
}
