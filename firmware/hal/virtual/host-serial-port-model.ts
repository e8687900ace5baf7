/**
 * A host serial port (/dev/ttyUSB0 on the terminal itself) with a peripheral model on the other
 * end, shaped like a serialport 12 SerialPort: a Duplex stream (pipe it into a ReadlineParser,
 * on('data'), write(buffer, callback)), isOpen and close(callback). Bytes cross at the port's baud
 * on the board clock, so a reader's line takes as long as on the bench.
 */
import { Duplex } from 'node:stream';
import type { Clock } from '../clock.js';
import { OrderedTimeline } from './ordered-timeline.js';
import { byteTimeUs, type PeripheralSide, type SerialPeripheral } from './uart-line.js';

export class HostSerialPortModel extends Duplex {
  private readonly timeline: OrderedTimeline;
  private readonly byteUs: number;
  private toPeripheralFreeUs = 0;
  private toHostFreeUs = 0;
  private peripheral: SerialPeripheral | undefined;
  private opened = true;

  constructor(
    private readonly clock: Clock,
    readonly baudRate: number,
    readonly path = '/dev/ttyEMU0',
  ) {
    super();
    if (!(baudRate > 0)) throw new Error(`baud must be positive, got ${baudRate}`);
    this.byteUs = byteTimeUs(baudRate);
    this.timeline = new OrderedTimeline(clock);
  }

  get isOpen(): boolean {
    return this.opened;
  }

  connect(peripheral: SerialPeripheral): PeripheralSide {
    if (this.peripheral) throw new Error(`a peripheral is already connected to ${this.path}`);
    this.peripheral = peripheral;
    return {
      send: (bytes) => {
        if (bytes.length === 0) return;
        const start = Math.max(this.clock.now() * 1000, this.toHostFreeUs);
        this.toHostFreeUs = start + bytes.length * this.byteUs;
        const chunk = Buffer.from(bytes);
        this.timeline.at(this.toHostFreeUs, () => {
          if (this.opened) this.push(chunk);
        });
      },
    };
  }

  close(callback?: (error?: Error | null) => void): void {
    this.opened = false;
    this.timeline.cancelAll();
    setImmediate(() => {
      this.emit('close');
      callback?.(null);
    });
  }

  override _read(): void {
    // Data is pushed when it arrives; nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.opened) {
      callback(new Error(`${this.path} is not open`));
      return;
    }
    const start = Math.max(this.clock.now() * 1000, this.toPeripheralFreeUs);
    const endUs = start + chunk.length * this.byteUs;
    this.toPeripheralFreeUs = endUs;
    const bytes = [...chunk];
    this.timeline.at(endUs, () => this.peripheral?.receive(bytes, endUs));
    callback(null);
  }
}
