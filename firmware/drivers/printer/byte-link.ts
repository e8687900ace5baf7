/**
 * The byte pipe an ESC/POS printer hangs on: a host serial port (serialport 12) or a board UART reached
 * through Firmata serial sysex. Writes return once the bytes are handed over; pacing is the caller's job.
 */
import type { IoPlugin, SerialPortId } from '../../hal/io-plugin.js';
import { loadSerialPort, SERIAL_READ_POOL_BYTES } from '../../hal/serialport-module.js';

export interface ByteLink {
  write(bytes: Uint8Array): Promise<void>;
  /** Subscribes to received bytes; returns the unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void;
}

/** What the link needs of a serialport 12 `SerialPort` (or any stream shaped like it). */
export interface SerialPortLike {
  write(data: Buffer, callback: (error?: Error | null) => void): unknown;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  removeListener(event: 'data', listener: (data: Buffer) => void): unknown;
}

export function serialPortLink(port: SerialPortLike): ByteLink {
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => (error ? reject(error) : resolve()));
      }),
    onData(listener) {
      const forward = (data: Buffer): void => listener(new Uint8Array(data));
      port.on('data', forward);
      return () => port.removeListener('data', forward);
    },
  };
}

/** Opens a host serial port (e.g. /dev/ttyUSB0) with serialport 12, loaded only when asked for. */
export async function openSerialPortLink(path: string, baudRate: number): Promise<ByteLink & { close(): Promise<void> }> {
  const SerialPort = await loadSerialPort();
  const port = new SerialPort({ path, baudRate, autoOpen: false, highWaterMark: SERIAL_READ_POOL_BYTES });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return {
    ...serialPortLink(port),
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

/** Firmata's 64-byte input buffer leaves about 29 payload bytes per serial sysex. */
export const FIRMATA_SERIAL_CHUNK = 29;

/** A board UART through Firmata serial sysex (StandardFirmataPlus / ConfigurableFirmata). */
export function firmataSerialLink(io: IoPlugin, portId: SerialPortId, baud: number, pins?: { rx: number; tx: number }): ByteLink {
  if (!io.serialConfig || !io.serialWrite || !io.serialRead) {
    throw new Error('this IO plugin has no serial support (needs Firmata serial sysex 0x60: StandardFirmataPlus)');
  }
  io.serialConfig({ portId, baud, ...(pins ? { rxPin: pins.rx, txPin: pins.tx } : {}) });
  const listeners = new Set<(bytes: Uint8Array) => void>();
  io.serialRead(portId, (bytes: number[]) => {
    for (const l of listeners) l(Uint8Array.from(bytes));
  });
  const serialWrite = io.serialWrite.bind(io);
  return {
    write(bytes) {
      for (let at = 0; at < bytes.length; at += FIRMATA_SERIAL_CHUNK) {
        serialWrite(portId, [...bytes.subarray(at, at + FIRMATA_SERIAL_CHUNK)]);
      }
      return Promise.resolve();
    },
    onData(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
