/**
 * npm run mutants:safety [-- --only <id,id>] [--harnesses <name,name>]: applies each safety mutant (tools/mutants/safety-mutants.ts)
 * in a temporary copy of the tree and runs bounded harnesses on it — the whole-day power-loss run,
 * the soak, the process-kill sample, the journal sweep — the mutant's likely catcher first. A mutant
 * is caught when a harness runs to its summary line and exits non-zero; a harness that crashes
 * before its summary (a mutant that breaks the build) is an error, not a catch. The harnesses must
 * all pass on the unmutated copy first. Progress on a TTY; in a pipe only the per-mutant results and
 * the last line: `mutants-safety: mutants=<N> caught=<N> survived=<N>`.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { transform } from 'esbuild';
import { SAFETY_MUTANTS, type HarnessName, type SafetyMutant } from './safety-mutants.js';

interface Harness {
  script: string;
  args: string[];
  /** The line a harness prints when it ran to the end (pass or fail). */
  summary: RegExp;
}

/** Bounded runs: enough to catch each class, short enough for 2 cores. */
const HARNESSES: Record<HarnessName, Harness> = {
  soak: { script: 'tools/powerloss/soak.ts', args: ['--seed', '3', '--transactions', '400', '--no-shrink'], summary: /^soak: seed=/m },
  powerloss: { script: 'tools/powerloss/trading-day.ts', args: ['--stride', '23', '--zones', '8', '--no-shrink'], summary: /^powerloss: cuts=/m },
  'kill-sample': { script: 'tools/powerloss/kill-sample.ts', args: ['--kills', '12', '--seed', '5'], summary: /^kill-sample: kills=/m },
  'journal-sweep': { script: 'tools/powerloss/journal-sweep.ts', args: ['--transactions', '60', '--sales', '3000'], summary: /^journal-powerloss: ops=/m },
};
const ORDER: HarnessName[] = ['soak', 'powerloss', 'kill-sample', 'journal-sweep'];
/**
 * A harness that has not finished by then counts as not run (a hang), never as a catch. The journal
 * sweep needs about 6.5 min of CPU but took 15.8 min wall at load 10 on 2 cores (2026-12-01).
 */
const HARNESS_TIMEOUT_MS = 1_800_000;

const { values } = parseArgs({ options: { only: { type: 'string' }, harnesses: { type: 'string' } } });
const harnesses = values.harnesses ? (values.harnesses.split(',') as HarnessName[]) : ORDER;
if (harnesses.some((h) => !ORDER.includes(h))) {
  console.error(`mutants-safety: --harnesses takes ${ORDER.join(', ')}`);
  process.exit(2);
}
const root = resolve(import.meta.dirname, '../..');
const tty = process.stderr.isTTY;
const progress = (line: string): void => {
  if (tty) process.stderr.write(`\r\x1b[K${line}`);
};

const mutants = values.only ? SAFETY_MUTANTS.filter((m) => values.only!.split(',').includes(m.id)) : SAFETY_MUTANTS;
if (mutants.length === 0) {
  console.error(`mutants-safety: no mutant named ${values.only}; known: ${SAFETY_MUTANTS.map((m) => m.id).join(', ')}`);
  process.exit(2);
}

/** Runs one harness in the copy; `ran` = it printed its summary, `failed` = non-zero exit. */
function runHarness(copy: string, name: HarnessName): Promise<{ ran: boolean; failed: boolean; tail: string }> {
  const h = HARNESSES[name];
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(copy, 'node_modules/tsx/dist/cli.mjs'), h.script, ...h.args], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), HARNESS_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = out.trim().split('\n');
      done({ ran: h.summary.test(out), failed: code !== 0, tail: lines.slice(-3).join(' | ').slice(0, 400) });
    });
  });
}

/** The mutated texts of the mutant's files, or why it cannot be applied. */
async function mutatedFiles(m: SafetyMutant): Promise<Map<string, string> | string> {
  const files = new Map<string, string>();
  for (const edit of m.edits) {
    const text = files.get(edit.file) ?? (await readFile(join(root, edit.file), 'utf8').catch(() => undefined));
    if (text === undefined) return `${edit.file} does not exist`;
    const at = text.indexOf(edit.search);
    if (at < 0) return `search text not found in ${edit.file}`;
    if (text.indexOf(edit.search, at + 1) >= 0) return `search text found more than once in ${edit.file}`;
    files.set(edit.file, text.slice(0, at) + edit.replace + text.slice(at + edit.search.length));
  }
  for (const [file, text] of files) {
    try {
      await transform(text, { loader: 'ts' });
    } catch (error) {
      return `the mutated ${file} does not parse: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  return files;
}

const copy = await mkdtemp(join(tmpdir(), 'pos-mutants-'));
try {
  await cp(root, copy, { recursive: true, filter: (src) => !/[/\\](node_modules|\.git|var|coverage|reports|\.stryker-tmp)$/.test(src) });
  await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');

  if (harnesses.length < ORDER.length) console.log(`mutants-safety: only these harnesses judge this run: ${harnesses.join(', ')}`);
  for (const name of harnesses) {
    progress(`mutants-safety: baseline ${name}...`);
    const r = await runHarness(copy, name);
    if (!r.ran || r.failed) {
      console.log(`mutants-safety: the ${name} harness fails on the unmutated tree, so it cannot judge mutants: ${r.tail}`);
      console.log(`mutants-safety: mutants=${mutants.length} caught=0 survived=0 errors=baseline`);
      process.exit(1);
    }
  }

  let caught = 0;
  let survived = 0;
  let errors = 0;
  for (const [i, m] of mutants.entries()) {
    const files = await mutatedFiles(m);
    if (typeof files === 'string') {
      errors += 1;
      console.log(`ERROR    ${m.id}: ${files}`);
      continue;
    }
    const originals = new Map<string, string>();
    for (const [file, text] of files) {
      originals.set(file, await readFile(join(copy, file), 'utf8'));
      await writeFile(join(copy, file), text);
    }
    let verdict = '';
    let broken = '';
    for (const name of [m.harness, ...ORDER.filter((n) => n !== m.harness)].filter((n) => harnesses.includes(n))) {
      progress(`mutants-safety: [${i + 1}/${mutants.length}] ${m.id}: ${name}...`);
      const started = Date.now();
      const r = await runHarness(copy, name);
      if (!r.ran) broken ||= `${name} crashed before its summary: ${r.tail}`;
      else if (r.failed) {
        verdict = `${name} (${Math.round((Date.now() - started) / 1000)} s)`;
        break;
      }
    }
    for (const [file, text] of originals) await writeFile(join(copy, file), text);
    progress('');
    if (verdict) {
      caught += 1;
      console.log(`caught   ${m.id} by ${verdict}: ${m.what}`);
    } else if (broken) {
      errors += 1;
      console.log(`ERROR    ${m.id}: ${broken}`);
    } else {
      survived += 1;
      console.log(`SURVIVED ${m.id}: ${m.what}`);
    }
  }
  if (errors > 0) console.log(`mutants-safety: ${errors} mutants could not be judged (see ERROR lines)`);
  console.log(`mutants-safety: mutants=${mutants.length} caught=${caught} survived=${survived}`);
  process.exitCode = survived === 0 && errors === 0 ? 0 : 1;
} finally {
  await rm(copy, { recursive: true, force: true });
}
