/**
 * An I2C serial EEPROM (AT24C256 class) or FRAM (FM24C256 / MB85RC256V class) with a 2-byte word
 * address. EEPROM: page writes wrap inside their 64-byte page, and for 5 ms after the STOP the part
 * is busy with its write cycle and NACKs its address (acknowledge polling). FRAM: no write cycle,
 * sequential writes run on across the whole array. A power cut during an EEPROM write cycle tears
 * the page write: only the bytes the cycle had reached keep their new values.
 */
import type { I2cDevice } from './i2c-bus.js';

export interface I2cEepromOptions {
  kind?: 'eeprom' | 'fram';
  address?: number;
  sizeBytes?: number;
  pageSize?: number;
  writeCycleUs?: number;
}

interface WriteCycle {
  endUs: number;
  startUs: number;
  /** Cells written in this cycle with their previous content, in write order. */
  cells: { address: number; old: number }[];
}

export class I2cEepromModel implements I2cDevice {
  readonly kind: 'eeprom' | 'fram';
  readonly address: number;
  readonly sizeBytes: number;
  readonly pageSize: number;
  readonly writeCycleUs: number;
  readonly memory: Uint8Array;
  private pointer = 0;
  private cycle: WriteCycle | undefined;
  /** Address NACKs during write cycles (what acknowledge polling sees). */
  nacks = 0;
  /** Completed write transactions that carried data. */
  writes = 0;

  constructor(options: I2cEepromOptions = {}) {
    this.kind = options.kind ?? 'eeprom';
    this.address = options.address ?? 0x50;
    this.sizeBytes = options.sizeBytes ?? 32768;
    this.pageSize = options.pageSize ?? 64;
    this.writeCycleUs = this.kind === 'fram' ? 0 : (options.writeCycleUs ?? 5000);
    if (!Number.isInteger(this.sizeBytes) || this.sizeBytes <= 0 || this.sizeBytes > 65536 || (this.sizeBytes & (this.sizeBytes - 1)) !== 0) {
      throw new Error(`EEPROM size must be a power of two up to 65536 bytes, got ${options.sizeBytes}`);
    }
    if (this.sizeBytes % this.pageSize !== 0) throw new Error(`page size ${this.pageSize} does not divide size ${this.sizeBytes}`);
    this.memory = new Uint8Array(this.sizeBytes).fill(this.kind === 'fram' ? 0x00 : 0xff);
  }

  write(bytes: readonly number[], startUs: number, byteUs: number): boolean {
    if (this.isBusy(startUs)) {
      this.nacks++;
      return false;
    }
    if (bytes.length < 2) {
      // A lone address byte is not a valid word address; the part ACKs and keeps its pointer.
      return true;
    }
    const mask = this.sizeBytes - 1;
    this.pointer = ((bytes[0]! << 8) | bytes[1]!) & mask;
    const data = bytes.slice(2);
    if (data.length === 0) return true; // "dummy write" that only sets the address for a read
    const cells: WriteCycle['cells'] = [];
    const pageBase = this.pointer - (this.pointer % this.pageSize);
    let offset = this.pointer % this.pageSize;
    let address = this.pointer;
    for (const byte of data) {
      address = this.kind === 'fram' ? address : pageBase + offset;
      cells.push({ address, old: this.memory[address]! });
      this.memory[address] = byte & 0xff;
      if (this.kind === 'fram') address = (address + 1) & mask;
      else offset = (offset + 1) % this.pageSize;
    }
    this.pointer = this.kind === 'fram' ? address : pageBase + offset;
    this.writes++;
    const stopUs = startUs + (bytes.length + 1) * byteUs;
    if (this.writeCycleUs > 0) this.cycle = { startUs: stopUs, endUs: stopUs + this.writeCycleUs, cells };
    return true;
  }

  read(count: number, startUs: number): number[] | undefined {
    if (this.isBusy(startUs)) {
      this.nacks++;
      return undefined;
    }
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      out.push(this.memory[this.pointer]!);
      this.pointer = (this.pointer + 1) & (this.sizeBytes - 1);
    }
    return out;
  }

  isBusy(atUs: number): boolean {
    return this.cycle !== undefined && atUs < this.cycle.endUs;
  }

  /**
   * Power fails at `atUs`: a write cycle still running keeps only the share of its bytes
   * proportional to the time it had, the rest of the page write is lost.
   */
  powerCut(atUs: number): void {
    const cycle = this.cycle;
    this.cycle = undefined;
    this.pointer = 0;
    if (!cycle || atUs >= cycle.endUs) return;
    const done = Math.max(0, Math.floor((cycle.cells.length * (atUs - cycle.startUs)) / this.writeCycleUs));
    for (const cell of cycle.cells.slice(done).reverse()) this.memory[cell.address] = cell.old;
  }
}
