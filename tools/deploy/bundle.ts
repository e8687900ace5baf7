import { build, type Metafile, type Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The bundle directory a board runs, complete: no npm and no compiler on the board.
 *   pos-terminal.mjs          the `pos` command (ESM, Node 18): its dispatcher, each command in chunks
 *   *-*.mjs                   code loaded on demand: each command, and per board config firmata-io,
 *                             serialport, johnny-five (only for a j5-i2c keypad), the virtual board
 *   prebuilds/linux-*         serialport's native addon, N-API (any Node >= 18), from
 *                             @serialport/bindings-cpp's own prebuilds: arm (v6, v7), arm64, x64
 *   cards.json, font/...      assets the code reads beside itself (import.meta.url)
 */
export const ENTRY_NAME = 'pos-terminal.mjs';

/** Files read at run time relative to the module that reads them: [source in the checkout, path in the bundle]. */
export const BUNDLE_ASSETS: readonly (readonly [string, string])[] = [
  ['tools/host-sim/cards.json', 'cards.json'],
  ['firmware/drivers/printer/font/unifont-gb2312.pfnt', 'font/unifont-gb2312.pfnt'],
  ['firmware/drivers/text/gb2312.tbl', 'gb2312.tbl'],
  // `pos sim` on the board (a demo without hardware) finds its config here.
  ['board-configs/sim.json', 'sim.json'],
];

/** The board architectures whose serialport addon ships in the bundle (x64 for a PC standing in for a board). */
export const PREBUILD_PLATFORMS = ['linux-arm', 'linux-arm64', 'linux-x64'] as const;

/** Development tools the deployed command never loads (the deploy command itself loads esbuild on demand). */
const EXTERNAL = ['tsx', 'esbuild', 'vitest', 'raspi-io'];

export interface BundleReport {
  /** Bytes of JavaScript: the entry and every chunk. */
  javascriptBytes: number;
  /** Bytes of JavaScript `pos run` loads before its board's own drivers: the entry, the run command's chunk and what they import. */
  runBytes: number;
  /** The source files (relative to the project, node_modules/... for packages) in those chunks. */
  runModules: string[];
  /** Every file in the directory with its size, relative paths. */
  files: { path: string; bytes: number }[];
}

/** Builds the bundle directory `outDir` (emptied first). */
export async function buildBundle(projectRoot: string, outDir: string): Promise<BundleReport> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const { metafile } = await build({
    entryPoints: { 'pos-terminal': path.join(projectRoot, 'tools/cli/main.ts') },
    absWorkingDir: projectRoot,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    // Chunks sit beside the entry, so import.meta.url-relative assets resolve the same from any chunk.
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node18',
    format: 'esm',
    external: EXTERNAL,
    // Minified, but function and class names kept so error messages and stack traces still read.
    minify: true,
    keepNames: true,
    // The CommonJS packages inside need require, __filename and __dirname; __dirname is the bundle directory.
    banner: {
      js: [
        "import { createRequire as __posCreateRequire } from 'node:module';",
        "import { fileURLToPath as __posFileURLToPath } from 'node:url';",
        'const require = __posCreateRequire(import.meta.url);',
        'const __filename = __posFileURLToPath(import.meta.url);',
        "const __dirname = __posFileURLToPath(new URL('.', import.meta.url));",
      ].join(' '),
    },
    plugins: [serialportPrebuildsBesideBundle()],
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  for (const [from, to] of BUNDLE_ASSETS) copyInto(path.join(projectRoot, from), path.join(outDir, to));
  copyPrebuilds(projectRoot, outDir);
  const run = staticallyLoaded(metafile, 'tools/cli/run-command.ts');
  return { ...report(outDir), runBytes: run.bytes, runModules: run.modules };
}

/** The entry chunk, the chunk holding `module` and every chunk they import statically: their bytes and source files. */
function staticallyLoaded(metafile: Metafile, module: string): { bytes: number; modules: string[] } {
  const outputs = Object.entries(metafile.outputs);
  const pending = outputs.filter(([, o]) => o.entryPoint === 'tools/cli/main.ts' || o.entryPoint === module).map(([file]) => file);
  if (pending.length !== 2) throw new Error(`bundle: no chunk for the entry or for ${module}`);
  const loaded = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const i of metafile.outputs[file]!.imports) if (i.kind === 'import-statement' && i.path in metafile.outputs) pending.push(i.path);
  }
  const chunks = [...loaded].map((file) => metafile.outputs[file]!);
  return { bytes: chunks.reduce((sum, o) => sum + o.bytes, 0), modules: chunks.flatMap((o) => Object.keys(o.inputs)).sort() };
}

/**
 * @serialport/bindings-cpp finds its addon with node-gyp-build relative to its own folder
 * (`join(__dirname, '../')`); in the bundle that folder is the bundle directory, where
 * prebuilds/<platform>-<arch>/ is copied.
 */
function serialportPrebuildsBesideBundle(): Plugin {
  return {
    name: 'serialport-prebuilds-beside-bundle',
    setup(b) {
      b.onLoad({ filter: /[\\/]@serialport[\\/]bindings-cpp[\\/]dist[\\/](load-bindings|poller)\.js$/ }, (args) => {
        const source = fs.readFileSync(args.path, 'utf8');
        const lookup = "(0, path_1.join)(__dirname, '../')";
        if (!source.includes(lookup)) throw new Error(`${args.path}: no ${lookup}; @serialport/bindings-cpp changed how it finds its addon`);
        return { contents: source.replace(lookup, '__dirname'), loader: 'js' };
      });
    },
  };
}

function copyPrebuilds(projectRoot: string, outDir: string): void {
  const source = path.join(projectRoot, 'node_modules/@serialport/bindings-cpp/prebuilds');
  for (const platform of PREBUILD_PLATFORMS) {
    const from = path.join(source, platform);
    if (!fs.existsSync(from)) throw new Error(`${from} is missing: run npm ci (serialport's prebuilds come with @serialport/bindings-cpp)`);
    for (const file of fs.readdirSync(from)) {
      // musl builds are for Alpine; a Raspberry Pi OS or Debian board is glibc.
      if (!file.endsWith('.node') || file.includes('musl')) continue;
      copyInto(path.join(from, file), path.join(outDir, 'prebuilds', platform, file));
    }
  }
}

function copyInto(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function report(outDir: string): Omit<BundleReport, 'runBytes' | 'runModules'> {
  const files: { path: string; bytes: number }[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push({ path: path.relative(outDir, full), bytes: fs.statSync(full).size });
    }
  };
  walk(outDir);
  files.sort((a, b) => a.path.localeCompare(b.path));
  const js = files.filter((f) => f.path.endsWith('.mjs'));
  return {
    javascriptBytes: js.reduce((sum, f) => sum + f.bytes, 0),
    files,
  };
}
