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

  it('refuses to start without --pty and says how to run it', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/firmata-emulator/main.ts', '--board', 'uno'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/pass --pty/);
    expect(result.stderr).toMatch(/usage: npm run firmata-emulator/);
  });
});
