/**
 * npm run bench:engine: bundles tools/bench/engine-run.ts with esbuild for Node 18 and runs it on
 * plain `node`, as a deployed terminal runs its bundle — no TypeScript loader in the process, so
 * rss_mb is the terminal's (plus the in-process host simulator's), not tsx's. Node runs with
 * --max-semi-space-size=1 --max-old-space-size=32 (MB), heap caps for a small board
 * (`-- --default-heap` measures with V8's defaults instead). Prints its one line.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * As a small board runs it: V8's heap capped (the terminal's live heap is about 10 MB; uncapped, V8
 * lets garbage pile up to 30 MB and more before a full collection, for throughput).
 */
const NODE_FLAGS = process.argv.includes('--default-heap') ? [] : ['--max-semi-space-size=1', '--max-old-space-size=32'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
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
  process.stdout.write(execFileSync(process.execPath, [...NODE_FLAGS, outfile], { encoding: 'utf8' }).trim().split('\n').at(-1) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
