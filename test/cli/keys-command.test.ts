import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyCheckValue, storeMasterKey, weakKeyReason } from '../../firmware/security/master-key-loading.js';
import { masterKeyFileModeProblem } from '../../firmware/security/master-key.js';
import { pos } from './pos-in-process.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../../tools/host-sim/terminals.js';

const ROOT = join(import.meta.dirname, '../..');
const key = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

async function posText(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await pos(...argv);
  return { code: r.code, out: r.out.join('\n'), err: r.err.join('\n') };
}
afterEach(() => vi.restoreAllMocks());

describe('master key check value and weak keys', () => {
  it('KCV is the first 3 bytes of 3DES(key, 0): the ANSI X9.24 test key 0123456789ABCDEFFEDCBA9876543210 gives 08D7B4', () => {
    // The double-length test key widely used in payment test kits; its published KCV is 08D7B4.
    expect(keyCheckValue(key('0123456789ABCDEFFEDCBA9876543210'))).toBe('08D7B4');
  });
  it.each([
    ['00000000000000000000000000000000', /all zeros/],
    ['11111111111111111111111111111111', /one byte repeated/],
    ['0123456789ABCDEF0123456789ABCDEF', /two halves are the same/],
    ['0123456789ABCDEFFEDCBA9876543210FEDCBA9876543210', /two adjacent thirds/],
    ['0123456789ABCDEF1F1F1F1F0E0E0E0E', /part 2 is a DES weak key/],
  ])('%s is refused', (hex, why) => {
    expect(weakKeyReason(key(hex))).toMatch(why);
  });
  it('a good double-length key passes', () => {
    expect(weakKeyReason(key(TEST_TERMINAL_MASTER_KEY_HEX))).toBeUndefined();
  });
});

describe('pos keys load-tmk', () => {
  it('stores the key 0600 in the state directory and prints the KCV, never the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-keys-'));
    writeFileSync(join(dir, 'tmk.txt'), `# from the ceremony\n${TEST_TERMINAL_MASTER_KEY_HEX.slice(0, 16)} ${TEST_TERMINAL_MASTER_KEY_HEX.slice(16)}\n`);
    const r = await posText('keys', 'load-tmk', join(dir, 'tmk.txt'), '--state-dir', dir, '--kcv', '08D7B4');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/master key stored: .*master\.key \(double length, mode 0600/);
    expect(r.out).toMatch(/^KCV 08D7B4$/m);
    expect(r.out + r.err).not.toContain('0123456789');
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'master.key'), 'utf8')).toContain(TEST_TERMINAL_MASTER_KEY_HEX);
  });
  it('refuses a key whose KCV differs from the ceremony\'s, and a weak key, storing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-keys-'));
    writeFileSync(join(dir, 'tmk.txt'), TEST_TERMINAL_MASTER_KEY_HEX);
    const wrong = await posText('keys', 'load-tmk', join(dir, 'tmk.txt'), '--state-dir', dir, '--kcv', '123456');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/refused: the key's check value is 08D7B4, the ceremony says 123456/);
    writeFileSync(join(dir, 'weak.txt'), '0123456789ABCDEF0123456789ABCDEF');
    const weak = await posText('keys', 'load-tmk', join(dir, 'weak.txt'), '--state-dir', dir);
    expect(weak.err).toMatch(/refused: its two halves are the same/);
    expect(existsSync(join(dir, 'master.key'))).toBe(false);
    expect(() => storeMasterKey('zz', 'x', { stateDir: dir })).toThrow(/not hex/);
  });
  it('reads the key from standard input with "-"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-keys-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cli/main.ts', 'keys', 'load-tmk', '-', '--state-dir', dir], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stdin.end(`${TEST_TERMINAL_MASTER_KEY_HEX}\n`);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain('KCV 08D7B4');
  }, 30_000);
});

describe("pos run's master key mode check", () => {
  it('refuses a key file group or others can read, and names the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-keys-'));
    const file = join(dir, 'master.key');
    writeFileSync(file, TEST_TERMINAL_MASTER_KEY_HEX);
    chmodSync(file, 0o600);
    expect(masterKeyFileModeProblem(file)).toBeUndefined();
    chmodSync(file, 0o640);
    expect(masterKeyFileModeProblem(file)).toMatch(/is mode 0640: group or others can get at it; chmod 600/);
    chmodSync(file, 0o604);
    expect(masterKeyFileModeProblem(file)).toMatch(/mode 0604/);
  });
  it('pos run stops before touching the board', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-keys-'));
    writeFileSync(join(dir, 'master.key'), TEST_TERMINAL_MASTER_KEY_HEX);
    chmodSync(join(dir, 'master.key'), 0o644);
    const r = await posText('run', '--board', join(ROOT, 'board-configs/uno-firmata.json'), '--port', '/dev/no-such-board', '--state-dir', dir, '--quiet');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/master key file .*master\.key is mode 0644: group or others can get at it/);
  });
});
