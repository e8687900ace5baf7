import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TcpHostLink } from '../../firmware/host/tcp-host-link.js';
import { TerminalClient } from '../../tools/host-sim/terminal-client.js';
import { MASTER_KEY } from './sim-fixture.js';

function run(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', 'tools/host-sim/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('npm run host-sim', () => {
  it('listens, answers a sign-in with a JSON log line, and stops on SIGTERM', async () => {
    const child = run(['--port', '0', '--seed', '5']);
    let out = '';
    child.stdout.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: string) => {
        out += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const link = new TcpHostLink({ host: '127.0.0.1', port, responseTimeoutMs: 10_000 });
    const terminal = new TerminalClient({ link, terminalId: '10000159', merchantId: '880210010210160', masterKey: MASTER_KEY });
    expect((await terminal.signIn()).responseCode).toBe('00');
    await link.close();
    while (!out.includes('"host-sim.request"')) await once(child.stdout, 'data');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toMatch(/stopped after 1 requests/);
  });

  it('refuses bad arguments with exit code 2 and the usage', async () => {
    const child = run(['--port', 'x']);
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toMatch(/--port must be an integer/);
    expect(err).toMatch(/usage:/);
  });
});
