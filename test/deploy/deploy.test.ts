import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploy } from '../../tools/deploy/deploy.js';
import { renderSystemdUnit } from '../../tools/deploy/systemd-unit.js';

const root = path.resolve(__dirname, '../..');

describe('pos deploy', () => {
  it('--dry-run writes a runnable Node bundle and a systemd unit, copies nothing', async () => {
    const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-dist-'));
    const lines: string[] = [];
    const remoteCalls: string[] = [];
    const code = await deploy({
      projectRoot: root,
      distDir,
      boardConfigPath: path.join(root, 'package.json'),
      dryRun: true,
      installDir: '/opt/pos-terminal',
      serviceUser: 'pos',
      say: (l) => lines.push(l),
      exec: (c) => (remoteCalls.push(c), 0),
    });
    expect(code).toBe(0);
    expect(remoteCalls).toEqual([]);
    expect(lines[0]).toMatch(/^\[1\/3\] checking board config/);
    const bundle = path.join(distDir, 'pos-terminal.cjs');
    // On the board serialport is installed next to the bundle; here the checkout's node_modules stands in.
    const help = execFileSync(process.execPath, [bundle, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
    });
    expect(help).toContain('usage: pos <command>');
    expect(fs.readFileSync(path.join(distDir, 'pos-terminal.service'), 'utf8')).toContain('Restart=on-failure');
  });

  it('stops at the first failing remote step with a line that says what to do', async () => {
    const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-dist-'));
    const lines: string[] = [];
    const calls: string[] = [];
    const code = await deploy({
      projectRoot: root,
      distDir,
      boardConfigPath: path.join(root, 'package.json'),
      target: 'pi@board.local',
      dryRun: false,
      installDir: '/opt/pos-terminal',
      serviceUser: 'pos',
      say: (l) => lines.push(l),
      exec: (c) => (calls.push(c), c === 'scp' ? 1 : 0),
    });
    expect(code).toBe(1);
    expect(calls).toEqual(['ssh', 'scp']);
    expect(lines.at(-1)).toMatch(/^error: "scp .*" exited 1; fix the board's ssh access/);
  });

  it('renders a unit with a dedicated user in the hardware groups', () => {
    const unit = renderSystemdUnit({ installDir: '/opt/p', user: 'pos', boardConfigName: 'raspi.json', nodePath: '/usr/bin/node' });
    expect(unit).toContain('User=pos');
    expect(unit).toContain('SupplementaryGroups=gpio i2c dialout');
    expect(unit).toContain('ExecStart=/usr/bin/node --max-semi-space-size=2 --max-old-space-size=24 /opt/p/pos-terminal.cjs run --board /opt/p/raspi.json');
    expect(unit).toContain('Environment=MALLOC_ARENA_MAX=2');
  });
});
