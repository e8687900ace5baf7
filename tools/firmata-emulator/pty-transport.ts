/**
 * Serves a byte endpoint on a pseudo-terminal through the python3 helper (pty_bridge.py), so a
 * process can open the device path like a real serial port: the emulated board (any Firmata
 * client connects; opening the device reboots the board, closing it stops the output) or a host
 * serial port model with its printer or reader behind it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostSerialPortModel } from '../../firmware/hal/virtual/host-serial-port-model.js';

/** What sits behind the terminal: started when a client opens it, stopped when it closes. */
export interface PtyEndpoint {
  start(onBytes: (bytes: Buffer) => void): void;
  stop(): void;
  receive(bytes: Uint8Array): void;
}

/** A host serial port model as a pty endpoint: what the client writes goes to its peripheral. */
export function hostPortEndpoint(port: HostSerialPortModel): PtyEndpoint {
  let forward: ((bytes: Buffer) => void) | undefined;
  return {
    start(onBytes) {
      forward = onBytes;
      port.on('data', onBytes);
      port.resume();
    },
    stop() {
      if (forward) port.removeListener('data', forward);
      forward = undefined;
      // Keep what the peripheral sends until the next client instead of dropping it.
      port.pause();
    },
    receive(bytes) {
      port.write(Buffer.from(bytes));
    },
  };
}

const HELPER = fileURLToPath(new URL('./pty_bridge.py', import.meta.url));

export interface PtyServer {
  /** The device path clients open, e.g. /dev/pts/3. */
  path: string;
  close(): void;
}

export function servePty(endpoint: PtyEndpoint, onEvent: (event: 'open' | 'close') => void = () => undefined): Promise<PtyServer> {
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
        if (clientOpen) endpoint.receive(chunk);
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
          endpoint.start((bytes) => child.stdin!.write(bytes));
          onEvent('open');
        } else if (line === 'close') {
          clientOpen = false;
          endpoint.stop();
          onEvent('close');
        } else if (line) {
          process.stderr.write(`pty helper: ${line}\n`);
        }
      }
    });
  });
}
