/**
 * An AT24C-class EEPROM as the tests see it: 2-byte address pointer, page writes that wrap inside
 * the page (as the real chip does), a self-timed write cycle during which it NACKs (the request is
 * lost - counted so tests can assert it never happens), and current-address reads.
 */
import type { Clock } from '../../../firmware/hal/clock.js';
import type { RecordingIo } from '../../hal/recording-io.js';

export class EepromModel {
  readonly memory: Uint8Array;
  pointer = 0;
  busyUntil = -1;
  nacked = 0;
  writeCycles = 0;

  constructor(
    private readonly clock: Clock,
    readonly address: number,
    size: number,
    private readonly pageSize: number,
    private readonly writeCycleMs: number,
  ) {
    this.memory = new Uint8Array(size).fill(0xff);
  }

  attach(io: RecordingIo): void {
    io.onI2cWrite = (address, bytes) => {
      if (address === this.address) this.write(bytes);
    };
    io.respond = (address, length) => (address === this.address ? this.read(length) : undefined);
  }

  private busy(): boolean {
    if (this.clock.now() < this.busyUntil) {
      this.nacked++;
      return true;
    }
    return false;
  }

  write(bytes: readonly number[]): void {
    if (this.busy()) return;
    this.pointer = ((bytes[0]! << 8) | bytes[1]!) % this.memory.length;
    const data = bytes.slice(2);
    if (data.length === 0) return;
    const pageStart = this.pointer - (this.pointer % this.pageSize);
    data.forEach((byte, i) => {
      this.memory[pageStart + ((this.pointer - pageStart + i) % this.pageSize)] = byte;
    });
    this.pointer = pageStart + ((this.pointer - pageStart + data.length) % this.pageSize);
    this.writeCycles++;
    this.busyUntil = this.clock.now() + this.writeCycleMs;
  }

  read(length: number): number[] | undefined {
    if (this.busy()) return undefined;
    const out: number[] = [];
    for (let i = 0; i < length; i++) {
      out.push(this.memory[this.pointer]!);
      this.pointer = (this.pointer + 1) % this.memory.length;
    }
    return out;
  }
}
