/**
 * A firmata-io Board on any transport (a serialport SerialPort, the emulator's socket, a bench's
 * recorder), resolved once the Firmata handshake has made it ready.
 */
import firmataIo from 'firmata-io';
import type { IoPlugin } from './io-plugin.js';

export type FirmataTransport = ConstructorParameters<typeof firmataIo.Firmata>[0];

export interface FirmataBoardOptions {
  /** How long to wait for the board's own version report before asking for it (firmata-io default 5000). */
  reportVersionTimeoutMs?: number;
  /** Give up when the board is not ready after this long. */
  readyTimeoutMs?: number;
}

export function openFirmataBoard(transport: FirmataTransport, options: FirmataBoardOptions = {}): Promise<IoPlugin> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Firmata board not ready after ${readyTimeoutMs} ms: is StandardFirmata(Plus) flashed and the baud right?`)),
      readyTimeoutMs,
    );
    const board = new firmataIo.Firmata(
      transport,
      { reportVersionTimeout: options.reportVersionTimeoutMs ?? 5000 },
      (error?: Error) => {
        clearTimeout(timer);
        // firmata-io's Board is an IO plugin; the ambient type cannot say so (see vendor-modules.d.ts).
        if (error) reject(new Error(`Firmata transport failed: ${error.message}`));
        else resolve(board as unknown as IoPlugin);
      },
    );
  });
}
