/**
 * npm run bench:engine: bundles tools/bench/engine-run.ts with esbuild for Node 18 and runs it on
 * plain `node`, as a deployed terminal runs its bundle — no TypeScript loader in the process — with
 * the host simulator in a process of its own over TCP, so sale_cpu_ms and rss_mb are the terminal's. Node runs with
 * the unit's flags (UNIT_NODE_FLAGS: heap capped, one V8 worker thread, optimize-for-size) and its environment (UNIT_ENVIRONMENT: one malloc arena, a fixed trim threshold), the settings for a
 * small board (`-- --default-heap` measures with Node's and glibc's defaults instead). `-- --node18`
 * runs the bundle on Debian's nodejs 18 (tools/node18/fetch-node18.sh, a cached copy; the system node
 * stays), as Raspberry Pi OS / Debian 12 boards run it. Prints its one line, with the node it ran on.
 */
import { build } from 'esbuild';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNIT_ENVIRONMENT, UNIT_NODE_FLAGS } from '../deploy/systemd-unit.js';

/**
 * As a small board runs it: V8's heap capped (the terminal's live heap is about 13 MB; uncapped, V8
 * lets garbage pile up to 30 MB and more before a full collection, for throughput), and glibc held
 * to one malloc arena (UNIT_ENVIRONMENT; by default it keeps one per core and the crypto churn of
 * MACs, PIN blocks and sealed PANs leaves them fragmented) that it trims at a fixed threshold. A 1 MB young generation measured
 * about 5 ms of CPU per sale in scavenges; 2 MB halves that, and a 24 MB old space keeps RSS down.
 */
const NODE_FLAGS = process.argv.includes('--default-heap') ? [] : [...UNIT_NODE_FLAGS];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nodeBinary = process.argv.includes('--node18') ? node18() : process.execPath;

/** Debian's nodejs 18 from the cache folder (fetched on first use). */
function node18(): string {
  const rootDir = execFileSync('bash', [path.join(root, 'tools/node18/fetch-node18.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return path.join(rootDir, 'run-node');
}
const dir = mkdtempSync(path.join(tmpdir(), 'bench-engine-'));
try {
  const outfile = path.join(dir, 'engine-run.mjs');
  await build({
    entryPoints: [path.join(root, 'tools/bench/engine-run.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'esm',
    logLevel: 'silent',
    // createRequire for the CommonJS dependencies inside an ESM bundle.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  // The host simulator reads its card file beside its own module (import.meta.url): the bundle's dir.
  copyFileSync(path.join(root, 'tools/host-sim/cards.json'), path.join(dir, 'cards.json'));
  const { child, port } = await startHostProcess();
  try {
    const env = process.argv.includes('--default-heap') ? process.env : { ...process.env, ...UNIT_ENVIRONMENT };
    const output = execFileSync(nodeBinary, [...NODE_FLAGS, outfile, String(port)], { encoding: 'utf8', env });
    const version = execFileSync(nodeBinary, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, unknown>;
    process.stdout.write(`${JSON.stringify({ ...result, node: version })}\n`);
  } finally {
    child.kill('SIGTERM');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The host simulator in its own process (tools/host-sim/child-process.ts), its port over IPC. */
function startHostProcess(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(root, 'tools/host-sim/child-process.ts'), ['1'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`host simulator exited with ${code}`)));
  });
}
