import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../tools/deploy/bundle.js';
import { deploy, type DeployOptions, type RemoteResult } from '../../tools/deploy/deploy.js';
import { renderSystemdUnit } from '../../tools/deploy/systemd-unit.js';

const root = path.resolve(__dirname, '../..');
const config = (name: string) => path.join(root, 'board-configs', name);

function options(over: Partial<DeployOptions> & { lines: string[] }): DeployOptions {
  return {
    projectRoot: root,
    distDir: fs.mkdtempSync(path.join(os.tmpdir(), 'pos-dist-')),
    boardConfigPath: config('raspi.json'),
    dryRun: true,
    installDir: '/opt/pos-terminal',
    serviceUser: 'pos',
    say: (l) => over.lines.push(l),
    ...over,
  };
}

describe('pos deploy: the board config', () => {
  it.each([
    ['package.json', /invalid board config; \$\.board: is required/],
    ['sim.json', /is the virtual board \(simulation\); deploy a config for real hardware/],
  ])('refuses --board %s with a line that says why, building nothing', async (name, why) => {
    const lines: string[] = [];
    const file = name === 'package.json' ? path.join(root, 'package.json') : config(name);
    const o = options({ lines, boardConfigPath: file });
    expect(await deploy(o)).toBe(2);
    expect(lines.at(-1)).toMatch(why);
    expect(fs.existsSync(path.join(o.distDir!, 'pos-terminal'))).toBe(false);
  });

  it('refuses a journal image outside the state directory (the unit could not write it)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-cfg-'));
    const raw = JSON.parse(fs.readFileSync(config('raspi.json'), 'utf8'));
    raw.flash.path = '/home/pi/journal.img';
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify(raw));
    const lines: string[] = [];
    expect(await deploy(options({ lines, boardConfigPath: path.join(dir, 'c.json') }))).toBe(2);
    expect(lines.at(-1)).toMatch(/flash\.path \/home\/pi\/journal\.img is outside the state directory \/var\/lib\/pos-terminal/);
  });

  it('names the IO plugin each shipped board config needs', async () => {
    const seen: Record<string, string> = {};
    for (const name of ['raspi.json', 'uno-firmata.json']) {
      const lines: string[] = [];
      const o = options({ lines, boardConfigPath: config(name) });
      // Only the check step matters here: stop the build by pointing dist at a file.
      o.distDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pos-x-')), 'file');
      fs.writeFileSync(o.distDir, '');
      await deploy(o).catch(() => 1);
      seen[name] = lines.find((l) => l.includes('IO plugin:')) ?? '';
    }
    expect(seen['raspi.json']).toMatch(/Linux GPIO character device \/dev\/gpiochip0 with edge events/);
    expect(seen['uno-firmata.json']).toMatch(/over \/dev\/ttyACM0: firmata-io \+ serialport, all in the bundle/);
  });
});

describe('the bundle', () => {
  it("pos run loads neither the other commands' code nor what only other boards need (resident memory on a small board)", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bundle-'));
    const { runModules } = await buildBundle(path.join(import.meta.dirname, '../..'), out);
    expect(runModules).toContain('firmware/main.ts');
    const needless = /^tools\/(sim-terminal|host-sim|journal-inspector|deploy)\/|^tools\/cli\/(sim|host-sim|journal|keys|ports|print-test|deploy)-command\.ts$|^firmware\/hal\/virtual\/|node_modules\/(johnny-five|ajv|pngjs)\//;
    expect(runModules.filter((m) => needless.test(m))).toEqual([]);
  }, 60_000);
});

describe('pos deploy: bundle and remote steps', () => {
  let dryRun: { lines: string[]; bundleDir: string };
  beforeAll(async () => {
    const lines: string[] = [];
    const o = options({ lines });
    expect(await deploy(o)).toBe(0);
    dryRun = { lines, bundleDir: path.join(o.distDir!, 'pos-terminal') };
  }, 60_000);

  it('--dry-run builds a bundle directory that runs without node_modules, and copies nothing', () => {
    expect(dryRun.lines[0]).toMatch(/^\[1\/3\] checking board config/);
    const files = fs.readdirSync(dryRun.bundleDir);
    expect(files).toEqual(expect.arrayContaining(['pos-terminal.mjs', 'cards.json', 'font', 'gb2312.tbl', 'prebuilds', 'raspi.json', 'pos-terminal.service']));
    expect(files).not.toContain('node_modules');
    // The size budget: 1 MB of JavaScript.
    const [, all] = /JavaScript (\d+) KiB \(pos run loads \d+ KiB/.exec(dryRun.lines.join('\n')) ?? [];
    expect(Number(all)).toBeLessThanOrEqual(1024);
    for (const arch of ['linux-arm', 'linux-arm64', 'linux-x64']) {
      expect(fs.readdirSync(path.join(dryRun.bundleDir, 'prebuilds', arch)).some((f) => f.endsWith('.node'))).toBe(true);
    }
    // Copied elsewhere, away from the checkout's node_modules, it still runs.
    const away = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-board-'));
    fs.cpSync(dryRun.bundleDir, away, { recursive: true });
    const help = execFileSync(process.execPath, [path.join(away, 'pos-terminal.mjs'), '--help'], { encoding: 'utf8', cwd: away });
    expect(help).toContain('usage: pos <command>');
    // serialport's addon loads from the bundle's prebuilds: the listing gets as far as asking udev.
    const ports = spawnSync(process.execPath, [path.join(away, 'pos-terminal.mjs'), 'ports'], { encoding: 'utf8', cwd: away });
    expect(`${ports.stdout}${ports.stderr}`).toMatch(/udev is not available here|\/dev\//);
  });

  it('keeps only groups that exist on the target, and each failing step says its own thing', async () => {
    const run = async (fail: (script: string) => boolean, groups = 'dialout\n') => {
      const lines: string[] = [];
      const calls: string[] = [];
      const exec = (command: string, args: string[]): RemoteResult => {
        const script = args.join(' ');
        calls.push(`${command} ${script}`);
        if (fail(script)) return { status: 1, stdout: '' };
        return { status: 0, stdout: script.includes('getent group') ? groups : '' };
      };
      const code = await deploy(options({ lines, dryRun: false, target: 'pi@board.local', exec }));
      return { code, lines, calls };
    };
    const ok = await run(() => false);
    expect(ok.code).toBe(0);
    expect(ok.lines.join('\n')).toMatch(/not on this board, left out of the unit: gpio/);
    expect(ok.lines.at(-1)).toMatch(/^next: sudo node \/opt\/pos-terminal\/pos-terminal\.mjs keys load-tmk - --state-dir \/var\/lib\/pos-terminal --owner pos on the board/);
    expect(ok.calls.some((c) => c.includes('systemctl restart'))).toBe(false);
    const failures: [RegExp, RegExp][] = [
      [/board\.local true$/, /cannot reach pi@board\.local over ssh/],
      [/useradd/, /could not create the system user pos/],
      [/-r -q/, /could not copy the bundle/],
      [/sudo cp -r/, /could not install into \/opt\/pos-terminal/],
      [/install -d -m 0700/, /could not create \/var\/lib\/pos-terminal/],
      [/process\.versions/, /no node on the board/],
      [/systemctl enable/, /could not install or enable pos-terminal\.service/],
    ];
    const messages = new Set<string>();
    for (const [step, message] of failures) {
      const r = await run((script) => step.test(script));
      expect(r.code).toBe(1);
      expect(r.lines.at(-1)).toMatch(message);
      messages.add(r.lines.at(-1)!);
    }
    expect(messages.size).toBe(failures.length);
  }, 120_000);
});

describe('the systemd unit', () => {
  const unit = renderSystemdUnit({
    installDir: '/opt/p',
    user: 'pos',
    boardConfigName: 'raspi.json',
    nodePath: '/usr/bin/node',
    supplementaryGroups: ['gpio', 'dialout'],
    devices: ['/dev/gpiochip0', '/dev/serial0'],
    stateDir: '/var/lib/pos-terminal',
  });
  it('runs the bundle with the small-heap flags as a dedicated user', () => {
    expect(unit).toContain('User=pos');
    expect(unit).toContain('SupplementaryGroups=gpio dialout');
    expect(unit).toContain('ExecStart=/usr/bin/node --max-semi-space-size=2 --max-old-space-size=24 --v8-pool-size=1 --optimize-for-size /opt/p/pos-terminal.mjs run --board /opt/p/raspi.json --quiet');
    expect(unit).toContain('Environment=MALLOC_ARENA_MAX=1');
    expect(unit).toContain('Environment=MALLOC_TRIM_THRESHOLD_=131072');
  });
  it('is hardened: nothing writable but the state directory, exactly the config devices, a start limit', () => {
    for (const line of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/pos-terminal', 'PrivateTmp=yes', 'ProtectHome=yes', 'DevicePolicy=closed', 'UMask=0077', 'StartLimitBurst=5', 'StartLimitIntervalSec=300']) {
      expect(unit.split('\n')).toContain(line);
    }
    expect(unit.match(/^DeviceAllow=.*$/gm)).toEqual(['DeviceAllow=/dev/gpiochip0 rw', 'DeviceAllow=/dev/serial0 rw']);
    expect(unit.match(/^ReadWritePaths=.*$/gm)).toHaveLength(1);
  });
  it('rates <= 3.5 (OK) in systemd-analyze security', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-unit-'));
    const file = path.join(dir, 'pos-terminal.service');
    fs.writeFileSync(file, unit);
    let out: string;
    try {
      out = execFileSync('systemd-analyze', ['security', '--offline=yes', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { code?: string; stdout?: string };
      if (e.code === 'ENOENT') throw new Error('systemd-analyze is missing: apt-get install systemd');
      out = e.stdout ?? '';
    }
    const score = Number(/Overall exposure level for pos-terminal\.service: ([\d.]+)/.exec(out)?.[1]);
    expect(score).toBeLessThanOrEqual(3.5);
  });
});
