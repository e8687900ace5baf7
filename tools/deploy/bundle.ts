import { build } from 'esbuild';
import path from 'node:path';

/**
 * Packages that cannot be bundled: native bindings (serialport's) and the on-board IO plugins,
 * which the board installs itself with npm next to the bundle.
 */
export const BOARD_RUNTIME_PACKAGES = ['serialport', '@serialport/parser-readline'] as const;
const EXTERNAL = [...BOARD_RUNTIME_PACKAGES, '@serialport/*', 'raspi-io', 'linux-io', 'better-sqlite3', 'tsx', 'esbuild', 'vitest'];

/** Builds the single-file CommonJS bundle that runs on Node 18. Returns its size in bytes. */
export async function buildBundle(projectRoot: string, outFile: string): Promise<number> {
  const result = await build({
    entryPoints: [path.join(projectRoot, 'tools/cli/main.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    external: EXTERNAL,
    // import.meta.url has no meaning in CommonJS; the bundle resolves assets from its own path instead.
    define: { 'import.meta.url': '__pos_import_meta_url' },
    banner: { js: "const __pos_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return output?.bytes ?? 0;
}
