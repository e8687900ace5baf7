/**
 * Issue 14's command-line bugs, each as the user met it: a script swiping a card that does not
 * exist, a flash geometry the journal cannot use, the print test's time zone, SIGTERM to
 * `npm run host-sim`, and `journal inspect` on a missing file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const env = { ...process.env };
delete env.TZ;

function pos(args: string[], input = '', timeoutMs = 60_000) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'tools/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', input, env, timeout: timeoutMs });
}

function boardWithFlash(size: number, sectorSize: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'pos-flash-'));
  const config = JSON.parse(readFileSync(join(root, 'board-configs/sim.json'), 'utf8')) as { flash: unknown; $schema?: string };
  delete config.$schema;
  config.flash = { kind: 'simulated', size, sectorSize };
  writeFileSync(join(dir, 'board.json'), JSON.stringify(config));
  return join(dir, 'board.json');
}

describe('pos sim script: a card that does not exist', () => {
  it('swipe 99 stops the script with its line number and the summary, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-swipe-'));
    writeFileSync(join(dir, 's.txt'), 'enter\n# no card 99 in cards.json\nswipe 99\nenter\n');
    const r = pos(['sim', '--script', join(dir, 's.txt'), '--var', join(dir, 'var')]);
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain(`${join(dir, 's.txt')} line 3: no test card 99: the cards are 1-14 (tools/host-sim/cards.json); the script stops here`);
    expect(r.stdout).toMatch(/^sim: 2 steps, 1 boots/m);
    expect(r.stdout).toMatch(/^ledger: approvals=0 one_sided=0 lost_approvals=0$/m);
    expect(r.stdout).not.toContain('> enter\n> enter');
  });

  it('from stdin it is one error line and the session goes on', () => {
    const r = pos(['sim', '--var', mkdtempSync(join(tmpdir(), 'pos-swipe-'))], 'swipe 99\nexpect SIGN IN\n');
    expect(r.stdout).toContain('line 1: no test card 99');
    expect(r.stdout).toContain('expects 1 passed 0 failed');
  });
});

describe('pos sim: a flash geometry the journal cannot use ends with one message, never a hang', () => {
  it.each([
    [65000, 4096, 'flash size 65000 must be a positive multiple of the sector size 4096'],
    [8192, 4096, 'journal needs at least 6 sectors, device has 2'],
  ])('size %i, sector %i', (size, sectorSize, message) => {
    const r = pos(['sim', '--board', boardWithFlash(size, sectorSize), '--var', mkdtempSync(join(tmpdir(), 'pos-geo-'))], 'wait 100\n', 30_000);
    expect(r.signal, 'it hung and was killed').toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`pos sim: ${message}`);
  });
});

describe('pos print-test stamps China time, as the receipts do', () => {
  it('with no TZ set, the receipt time is Asia/Shanghai time', () => {
    const shanghai = () => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
          .formatToParts(new Date())
          .map((p) => [p.type, p.value]),
      );
      return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:`;
    };
    const before = shanghai();
    const r = pos(['print-test', '--receipts', mkdtempSync(join(tmpdir(), 'pos-pt-'))]);
    const after = shanghai();
    expect(r.status, r.stderr).toBe(0);
    const stamp = /(\d{4}\/\d{2}\/\d{2} \d{2}:)\d{2}:\d{2}/.exec(r.stdout)?.[1];
    expect([before, after]).toContain(stamp);
  });
});

describe('journal inspect on a missing file', () => {
  it('says which file and what to give, not a bare ENOENT', () => {
    const r = pos(['journal', 'inspect', '/nonexistent/journal.img']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('pos journal: no journal image at /nonexistent/journal.img; give the path of a file flash image, e.g. var/sim/journal.img');
  });
});

describe('npm run host-sim stops on SIGTERM', () => {
  it('the server goes with npm: the port is closed afterwards, nothing left running', async () => {
    const child = spawn('npm', ['run', '-s', 'host-sim', '--', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`host-sim exited early: ${out}`)));
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    // npm may go at once; the server (exec'd in its place) must go too, within a few seconds.
    const refusedNow = () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
    let refused = false;
    for (let t = 0; t < 10_000 && !(refused = await refusedNow()); t += 250) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(refused, 'a host-sim process still listens after SIGTERM').toBe(true);
  }, 60_000);
});
