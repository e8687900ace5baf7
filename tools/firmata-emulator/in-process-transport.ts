/**
 * The emulator as a transport object that firmata-io's Board accepts in place of a SerialPort:
 * on('open'|'data'|'close'|'error') and write(buffer, callback). It "opens" on the next turn of
 * the event loop, which boots the emulated board (version and firmware name come out first).
 */
import { EventEmitter } from 'node:events';
import type { FirmataEmulator } from './firmata-emulator.js';

export class InProcessFirmataTransport extends EventEmitter {
  private open = false;

  constructor(private readonly emulator: FirmataEmulator) {
    super();
    setImmediate(() => {
      this.open = true;
      this.emit('open');
      this.emulator.start((bytes) => {
        if (this.open) this.emit('data', bytes);
      });
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  write(data: Buffer | Uint8Array | number[], callback?: (error?: Error | null) => void): boolean {
    if (!this.open) {
      const error = new Error('the emulated board port is not open');
      setImmediate(() => (callback ? callback(error) : this.emit('error', error)));
      return false;
    }
    this.emulator.receive(data instanceof Uint8Array ? data : Uint8Array.from(data));
    if (callback) setImmediate(() => callback(null));
    return true;
  }

  close(callback?: (error?: Error | null) => void): void {
    this.open = false;
    this.emulator.stop();
    setImmediate(() => {
      this.emit('close');
      callback?.(null);
    });
  }
}
