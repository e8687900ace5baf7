import { spawn, spawnSync } from 'node:child_process';
import firmataIo from 'firmata-io';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';

const hasPython = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

describe('Firmata emulator on a pseudo-terminal', () => {
  it.skipIf(!hasPython)('(skipped when python3 with the pty module is missing) prints a device path a serialport client reaches ready on', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/firmata-emulator/main.ts', '--pty', '--board', 'uno'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const path = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
      });
      expect(path).toMatch(/^\/dev\/pts\/\d+$/);
      const port = new SerialPort({ path, baudRate: 57600 });
      const board = await new Promise<{ firmware: { name: string }; pins: unknown[] }>((resolve, reject) => {
        const b = new firmataIo.Firmata(port, { reportVersionTimeout: 5000 }, (error?: Error) => (error ? reject(error) : resolve(b as never)));
      });
      expect(board.firmware.name).toBe('StandardFirmataPlus.ino');
      expect(board.pins).toHaveLength(20);
      await new Promise<void>((resolve) => port.close(() => resolve()));
    } finally {
      child.kill('SIGTERM');
    }
  });

  it.skipIf(!hasPython)('(skipped when python3 with the pty module is missing) serves a config\'s host-port reader on its own pty', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/firmata-emulator/main.ts', '--pty', '--config', 'board-configs/uno-firmata.json'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const readerPty = await new Promise<string>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (chunk: Buffer) => {
          err += chunk.toString();
          for (const line of err.split('\n')) {
            if (line.includes('"host-port"') && line.includes('/dev/ttyUSB1')) resolve((JSON.parse(line) as { pty: string }).pty);
          }
        });
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
      });
      const port = new SerialPort({ path: readerPty, baudRate: 9600 });
      await new Promise<void>((resolve) => port.once('open', () => resolve()));
      let received = '';
      port.on('data', (data: Buffer) => (received += data.toString('latin1')));
      // Sent whenever the bridge notices the client: the host port holds the bytes until then.
      child.stdin.write('swipe\n');
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (received.includes('\x03')) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
      expect(received).toMatch(/^\x02%B4352378366824999\^TEST\/CARD\^.*\?\r;4352378366824999=051020110000882\?\x03\r$/);
      await new Promise<void>((resolve) => port.close(() => resolve()));
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses to start without --pty and says how to run it', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/firmata-emulator/main.ts', '--board', 'uno'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/pass --pty/);
    expect(result.stderr).toMatch(/usage: npm run firmata-emulator/);
  });
});
