/**
 * A serial ASCII magstripe reader on a host serial port (serialport 12 + the readline parser, CR
 * delimited). A thin shell: all parsing is in ReaderOutputAssembler.
 */
import { ReadlineParser } from '@serialport/parser-readline';
import { SerialPort } from 'serialport';
import { SERIAL_READ_POOL_BYTES } from '../../hal/serialport-module.js';
import type { SwipeResult, SwipeSource } from './card-read.js';
import { ReaderLineSession, type ReaderLineSessionOptions } from './reader-line-session.js';

/** What the reader needs of a port; serialport's SerialPort (and SerialPortMock) provide it. */
export interface ReaderPort {
  readonly isOpen: boolean;
  pipe<T extends NodeJS.WritableStream>(destination: T): T;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(callback?: (error?: Error | null) => void): void;
}

export type SerialAsciiReaderOptions = Omit<ReaderLineSessionOptions, 'takeUnterminated'>;

export class SerialAsciiSwipeReader implements SwipeSource {
  private readonly session: ReaderLineSession;

  /** Opens `path` (8N1, default 9600 baud, the usual reader setting). */
  static open(path: string, options: SerialAsciiReaderOptions & { baudRate?: number }): SerialAsciiSwipeReader {
    return new SerialAsciiSwipeReader(new SerialPort({ path, baudRate: options.baudRate ?? 9600, highWaterMark: SERIAL_READ_POOL_BYTES }), options);
  }

  constructor(
    private readonly port: ReaderPort,
    options: SerialAsciiReaderOptions,
  ) {
    this.session = new ReaderLineSession(options);
    // latin1 keeps STX/ETX and any stray byte one character each.
    const lines = port.pipe(new ReadlineParser({ delimiter: '\r', encoding: 'latin1' }));
    lines.on('data', (line: string) => this.session.line(line.replace(/\n/g, '')));
    port.on('error', (error) => options.logger?.log('error', 'magstripe.port-error', { message: error.message }));
  }

  onSwipe(listener: (result: SwipeResult) => void): () => void {
    return this.session.listeners.add(listener);
  }

  close(): Promise<void> {
    this.session.close();
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => this.port.close((error) => (error ? reject(error) : resolve())));
  }
}
