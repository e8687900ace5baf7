import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';
import { COMMANDS } from '../../tools/cli/dispatch.js';
import { pos } from './pos-in-process.js';

afterEach(() => vi.restoreAllMocks());

const BAD_ARGUMENTS: Record<string, string[]> = {
  sim: ['--lang', 'fr'],
  run: ['--port', '/dev/ttyACM0'],
  'host-sim': ['--port', '70000'],
  journal: ['check', 'x.img'],
  ports: ['extra'],
  'print-test': ['--nonsense'],
  deploy: ['--board', 'board-configs/raspi.json'],
  keys: ['unload-tmk', 'key.txt'],
};

describe('pos', () => {
  it('lists every command; no command at all is a usage error', async () => {
    const help = await pos('--help');
    expect(help.code).toBe(0);
    for (const name of ['sim', 'run', 'host-sim', 'journal', 'ports', 'print-test', 'deploy']) expect(help.out.join('\n')).toContain(`  ${name} `);
    expect((await pos()).code).toBe(2);
  });

  it.each(Object.keys(COMMANDS))('%s --help prints its usage and exits 0', async (name) => {
    const result = await pos(name, '--help');
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(new RegExp(`^pos ${name}\\b`));
    expect(result.err).toEqual([]);
  });

  it.each(Object.entries(BAD_ARGUMENTS))('%s with a bad argument: one line that says what to do, exit 2', async (name, argv) => {
    const result = await pos(name, ...argv);
    expect(result.code).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(new RegExp(`^pos ${name}: `));
    expect(result.err[0]).not.toContain('\n');
  });

  it('an unknown command names the way to the list', async () => {
    const result = await pos('frobnicate');
    expect(result).toMatchObject({ code: 2, err: ['pos: unknown command "frobnicate"; run pos --help for the list'] });
  });

  it('a broken board config is one line naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-cli-'));
    const config = JSON.parse(readFileSync('board-configs/sim.json', 'utf8')) as Record<string, unknown>;
    delete config.lcd;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(config));
    const result = await pos('print-test', '--board', join(dir, 'bad.json'));
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toContain('lcd');
  });

  it('ports: where udev is missing (this machine) a plain message, not a crash', async () => {
    const result = await pos('ports');
    const text = result.out.join('\n');
    // Either the ports (a machine with udev) or the plain reason; never a stack trace.
    if (result.code === 1) expect(text).toMatch(/^cannot list serial ports: udev is not available here.*give the port path in the board config/);
    else expect(result.code).toBe(0);
    expect(result.err).toEqual([]);
  });

  it('journal verify on a fresh (erased) image: OK, no problems; inspect reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-cli-'));
    const image = join(dir, 'journal.img');
    await (await FileImageFlash.open({ path: image, size: 65536, sectorSize: 4096, programUnit: 16 })).close();
    const verify = await pos('journal', 'verify', image);
    expect(verify.code).toBe(0);
    expect(verify.out.at(-1)).toMatch(/^verify: OK: 0 records/);
    const json = await pos('journal', 'verify', image, '--json');
    expect(JSON.parse(json.out[0]!)).toMatchObject({ ok: true, problems: [] });
    const inspect = await pos('journal', 'inspect', image);
    expect(inspect.code).toBe(0);
    expect(inspect.out.join('\n')).toContain('pending reversals: 0');
  });

  it('journal verify on a missing image: one line, exit 1', async () => {
    const result = await pos('journal', 'verify', '/nonexistent/journal.img');
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
  });

  it('print-test on the sim board prints a receipt on the virtual head and gives the PNG path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-cli-'));
    const result = await pos('print-test', '--receipts', dir);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain('TEST ONLY - NOT A TRANSACTION');
    expect(result.out.at(-1)).toBe(`printed on the virtual head: ${join(dir, 'print-test.png')}`);
    expect(readFileSync(join(dir, 'print-test.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('the pos bin (tools/cli/pos.mjs) exits 2 on a usage error', () => {
    const child = spawnSync(process.execPath, ['tools/cli/pos.mjs', 'run'], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(2);
    expect(child.stderr.trim().split('\n')).toEqual(['pos run: --board <config.json> is required, e.g. --board board-configs/uno-firmata.json']);
  });
});
