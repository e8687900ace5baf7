/**
 * Serves the emulator on a pseudo-terminal through the python3 helper (pty_bridge.py), so any
 * Firmata client (firmata-io over serialport, Firmata test apps) can open the device path like a
 * real board's port. Opening the device reboots the emulated board; closing it stops the output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FirmataEmulator } from './firmata-emulator.js';

const HELPER = fileURLToPath(new URL('./pty_bridge.py', import.meta.url));

export interface PtyServer {
  /** The device path clients open, e.g. /dev/pts/3. */
  path: string;
  close(): void;
}

export function servePty(emulator: FirmataEmulator, onEvent: (event: 'open' | 'close') => void = () => undefined): Promise<PtyServer> {
  const child: ChildProcess = spawn('python3', [HELPER], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let path: string | undefined;
    let head = Buffer.alloc(0);
    let clientOpen = false;
    child.once('error', (error) => reject(new Error(`cannot start the pty helper (python3 ${HELPER}): ${error.message}`)));
    child.once('exit', (code) => {
      if (path === undefined) reject(new Error(`the pty helper exited (code ${code}) before giving a device path`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      if (path !== undefined) {
        if (clientOpen) emulator.receive(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(0x0a);
      if (newline < 0) return;
      path = head.subarray(0, newline).toString('utf8');
      resolve({ path, close: () => child.stdin!.end() });
    });
    let pending = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line === 'open') {
          clientOpen = true;
          emulator.start((bytes) => child.stdin!.write(bytes));
          onEvent('open');
        } else if (line === 'close') {
          clientOpen = false;
          emulator.stop();
          onEvent('close');
        } else if (line) {
          process.stderr.write(`pty helper: ${line}\n`);
        }
      }
    });
  });
}
