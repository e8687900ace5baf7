/**
 * FlashDevice on an I2C EEPROM or FRAM with a 2-byte memory address (AT24C256 / FM24C256 class),
 * over the IO-plugin I2C calls. No erase is needed (erase() writes 0xFF so callers need not care).
 * Writes never cross a page (the EEPROM would wrap inside the page) and fit Firmata's payload. The
 * EEPROM ignores the bus during its self-timed write cycle, so the next request must wait until the
 * cycle has ended - counted from when the write reached the chip, not from when it was queued: on a
 * shared Firmata wire other devices' traffic (the LCD) can hold a write back for many milliseconds.
 * FRAM writes at bus speed, so it skips the wait and the page limit. Reads are chunked to the Wire
 * buffer and pipelined: several chunk requests are on the wire at once, so the reply direction (the
 * bottleneck: 7 + 2n bytes a reply) never idles waiting for the host. Replies are taken in order
 * from one listener on the address's reply event (firmata-io hands the first reply to every
 * callback still waiting, so per-request callbacks cannot tell pipelined replies apart). A program
 * resolves only once it reads back as written, so resolved means on the chip.
 */
import type { Clock } from '../../hal/clock.js';
import type { IoPlugin } from '../../hal/io-plugin.js';
import {
  FIRMATA_I2C_READ_MAX,
  FIRMATA_I2C_WRITE_MAX_PAYLOAD,
  FIRMATA_MS_PER_WIRE_BYTE,
  firmataI2cWriteWireBytes,
} from '../../hal/firmata-wire.js';
import { FlashRuleViolation, type FlashCounters, type FlashDevice, type FlashGeometry } from './flash-device.js';

/** Wire's default I2C clock, 100 kHz: 8 data bits + ACK a byte. */
const I2C_STANDARD_MODE_MS_PER_BYTE = 0.09;

export interface EepromPart {
  size: number;
  /** Page-write size; a write must stay inside one page. FRAM: the whole array. */
  pageSize: number;
  /** Self-timed write cycle (tWR); 0 for FRAM. */
  writeCycleMs: number;
}

export const EEPROM_PARTS = {
  AT24C128: { size: 16_384, pageSize: 64, writeCycleMs: 5 },
  AT24C256: { size: 32_768, pageSize: 64, writeCycleMs: 5 },
  AT24C512: { size: 65_536, pageSize: 128, writeCycleMs: 5 },
  FM24C256: { size: 32_768, pageSize: 32_768, writeCycleMs: 0 },
  FM24CL64: { size: 8_192, pageSize: 8_192, writeCycleMs: 0 },
} as const satisfies Record<string, EepromPart>;
export type EepromPartName = keyof typeof EEPROM_PARTS;

export interface I2cEepromOptions {
  io: IoPlugin;
  clock: Clock;
  /** 7-bit address, 0x50-0x57 for these parts. */
  address: number;
  part: EepromPartName;
  /** The journal's erase unit; must divide the part's size. Default 1024. */
  sectorSize?: number;
  /** Largest I2C write payload including the 2 address bytes; default Firmata's 29. */
  maxWritePayload?: number;
  /** Largest read per request; default 32 (Arduino Wire buffer). */
  maxRead?: number;
  /** Wire time per byte for the write-cycle wait; default Firmata at 57600 baud, 0 on a local bus. */
  msPerWireByte?: number;
  /** I2C bus time per byte; default Wire's 100 kHz (9 bit times = 0.09 ms). */
  i2cMsPerByte?: number;
  /** A read not answered within this long fails; default 1000 ms. */
  readTimeoutMs?: number;
}

/**
 * Chunk reads on the wire at once. Two keep the reply direction (the bottleneck) busy: the next
 * request crosses the wire while the board sends the previous reply. More would let replies queue
 * in the firmware's 64-byte transmit buffer, where Serial.write blocks its loop; input arriving
 * meanwhile (the LCD's writes, the keypad) then overflows the 64-byte receive buffer - the emulator
 * dropped bytes with three.
 */
const READS_IN_FLIGHT = 2;

interface PendingRead {
  length: number;
  settle: (bytes: number[] | Error) => void;
}

export class I2cEeprom implements FlashDevice {
  readonly geometry: FlashGeometry;
  private readonly part: EepromPart;
  private readonly stats: FlashCounters;
  /** Operations run one at a time: the chip cannot read while a write cycle runs. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Reads whose replies have not arrived, oldest first (the wire keeps their order). */
  private readonly pending: PendingRead[] = [];

  constructor(private readonly options: I2cEepromOptions) {
    const part: EepromPart | undefined = EEPROM_PARTS[options.part];
    if (!part) throw new Error(`unknown EEPROM/FRAM part ${JSON.stringify(options.part)}; known: ${Object.keys(EEPROM_PARTS).join(', ')}`);
    if (!Number.isInteger(options.address) || options.address < 0x08 || options.address > 0x77) {
      throw new Error(`EEPROM address ${options.address} is not a 7-bit I2C address (0x08-0x77)`);
    }
    const sectorSize = options.sectorSize ?? 1024;
    if (!Number.isInteger(sectorSize) || sectorSize <= 0 || part.size % sectorSize !== 0) {
      throw new Error(`sectorSize ${sectorSize} must divide the ${options.part}'s ${part.size} bytes`);
    }
    if ((options.maxWritePayload ?? FIRMATA_I2C_WRITE_MAX_PAYLOAD) < 3) throw new Error('maxWritePayload must leave room for data after the 2 address bytes');
    this.part = part;
    this.geometry = { size: part.size, sectorSize, programUnit: 1, erasedValue: 0xff, needsErase: false };
    this.stats = { programs: 0, erases: 0, bytesProgrammed: 0, syncs: 0, eraseCountPerSector: Array<number>(part.size / sectorSize).fill(0) };
    options.io.i2cConfig({ delay: 0 });
    options.io.on(`I2C-reply-${options.address}-0`, (bytes: number[]) => this.pending.shift()?.settle(bytes));
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    const outside = this.rangeError('read', offset, length);
    if (outside) return Promise.reject(outside);
    return this.serialized(() => this.readRange(offset, length));
  }

  /**
   * Reads several ranges in one pipeline (the journal mount reads every sector's header this way),
   * reporting bytes as they arrive. One operation: no write can come between the ranges.
   */
  readMany(ranges: readonly { offset: number; length: number }[], onBytes?: (bytes: number) => void): Promise<Uint8Array[]> {
    for (const { offset, length } of ranges) {
      const outside = this.rangeError('read', offset, length);
      if (outside) return Promise.reject(outside);
    }
    return this.serialized(async () => {
      const out = ranges.map(({ length }) => new Uint8Array(length));
      const chunks = ranges.flatMap(({ offset, length }, r) => this.chunksOf(offset, length).map((c) => ({ ...c, r, at: c.at - offset })));
      await this.pipeline(chunks.map(({ offset, length }) => ({ offset, length })), (i, bytes) => {
        out[chunks[i]!.r]!.set(bytes, chunks[i]!.at);
        onBytes?.(bytes.length);
      });
      return out;
    });
  }

  private async readRange(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    const chunks = this.chunksOf(offset, length);
    await this.pipeline(chunks, (i, bytes) => out.set(bytes, chunks[i]!.at - offset));
    return out;
  }

  private chunksOf(offset: number, length: number): { offset: number; length: number; at: number }[] {
    const step = this.options.maxRead ?? FIRMATA_I2C_READ_MAX;
    const chunks: { offset: number; length: number; at: number }[] = [];
    for (let done = 0; done < length; done += step) chunks.push({ offset: offset + done, length: Math.min(step, length - done), at: offset + done });
    return chunks;
  }

  /**
   * Keeps READS_IN_FLIGHT chunk reads on the wire until all have answered. A chunk answered short
   * (StandardFirmataPlus 2.5.9 answers a NACKed read with the bytes received, none, after an
   * "I2C: Too few bytes received" string) is read again once, after a write cycle's time.
   */
  private async pipeline(chunks: readonly { offset: number; length: number }[], take: (index: number, bytes: number[]) => void): Promise<void> {
    const failed: number[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const i = next++;
        const bytes = await this.readChunk(chunks[i]!.offset, chunks[i]!.length);
        if (bytes.length === chunks[i]!.length) take(i, bytes);
        else failed.push(i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, chunks.length) }, worker));
    for (const i of failed) {
      await this.sleep(this.part.writeCycleMs);
      const { offset, length } = chunks[i]!;
      const bytes = await this.readChunk(offset, length);
      if (bytes.length !== length) throw new Error(`EEPROM 0x${this.options.address.toString(16)} returned ${bytes.length} bytes for a ${length}-byte read at ${offset} (twice)`);
      take(i, bytes);
    }
  }

  program(offset: number, data: Uint8Array): Promise<void> {
    const outside = this.rangeError('program', offset, data.length);
    if (outside) return Promise.reject(outside);
    this.stats.programs++;
    this.stats.bytesProgrammed += data.length;
    return this.serialized(() => this.writeBytes(offset, data));
  }

  erase(sector: number): Promise<void> {
    const count = this.stats.eraseCountPerSector.length;
    if (!Number.isInteger(sector) || sector < 0 || sector >= count) {
      return Promise.reject(new FlashRuleViolation(`erase of sector ${sector}: the device has sectors 0-${count - 1}`));
    }
    this.stats.erases++;
    this.stats.eraseCountPerSector[sector]!++;
    const { sectorSize, erasedValue } = this.geometry;
    return this.serialized(() => this.writeBytes(sector * sectorSize, new Uint8Array(sectorSize).fill(erasedValue)));
  }

  /** Every program/erase is durable when its promise resolves (write cycle done); sync waits for those in flight. */
  sync(): Promise<void> {
    this.stats.syncs++;
    return this.serialized(async () => undefined);
  }

  counters(): FlashCounters {
    return { ...this.stats, eraseCountPerSector: [...this.stats.eraseCountPerSector] };
  }

  /**
   * Writes, then reads the range back: a write the chip NACKed (a part slower than its data sheet,
   * a glitch on the bus) is lost silently, so only data that reads back as written is durable and
   * lets the journal go on (R1). A failed check rewrites once, then gives up.
   */
  private async writeBytes(offset: number, data: Uint8Array): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.writeChunks(offset, data);
      const problem = await this.checkReadBack(offset, data);
      if (problem === undefined) return;
      if (attempt === 2) throw new Error(`${problem} (after a rewrite)`);
    }
  }

  private async writeChunks(offset: number, data: Uint8Array): Promise<void> {
    const maxData = (this.options.maxWritePayload ?? FIRMATA_I2C_WRITE_MAX_PAYLOAD) - 2;
    for (let done = 0; done < data.length; ) {
      const at = offset + done;
      const pageLeft = this.part.pageSize - (at % this.part.pageSize);
      const chunk = data.subarray(done, done + Math.min(maxData, pageLeft, data.length - done));
      done += chunk.length;
      const bytes = [at >> 8, at & 0xff, ...chunk];
      if (this.part.writeCycleMs === 0) {
        this.options.io.i2cWrite(this.options.address, bytes);
        continue;
      }
      // A barrier read queued right before the write: its answer leaves the board only after the
      // read ran, and the write's bytes follow it on the wire with nothing in between (both are
      // queued in this same turn), so the write has reached the chip at most its own wire + bus
      // time after the answer arrives, whatever traffic held both back. The chip is idle for the
      // read: the previous write's cycle was waited out the same way.
      const answered = this.barrierRead();
      this.options.io.i2cWrite(this.options.address, bytes);
      await answered;
      await this.sleep(this.part.writeCycleMs + this.transitMs(bytes.length));
    }
  }

  /** The longest a write of `payload` bytes can take to cross the serial wire and the I2C bus. */
  private transitMs(payload: number): number {
    const msPerWireByte = this.options.msPerWireByte ?? FIRMATA_MS_PER_WIRE_BYTE;
    const i2cMsPerByte = this.options.i2cMsPerByte ?? I2C_STANDARD_MODE_MS_PER_BYTE;
    return firmataI2cWriteWireBytes(payload) * msPerWireByte + (1 + payload) * i2cMsPerByte;
  }

  /**
   * A 1-byte current-address read (the next write sets the address pointer anyway); resolves on its
   * answer. Not acknowledge polling: StandardFirmataPlus 2.5.9 answers a read the chip NACKed too -
   * with no data bytes, after an "I2C: Too few bytes received" string (older firmware padded it with
   * stale buffer bytes) - so the answer only tells that the request has run, and only the wait
   * after it times the cycle, whichever firmware answers.
   */
  private async barrierRead(): Promise<void> {
    await this.request(1, () => this.options.io.i2cReadOnce(this.options.address, 1, () => undefined), 'the read that times its write cycle');
  }

  /** undefined when the range reads back as written, else what went wrong (a NACKed read-back included). */
  private async checkReadBack(offset: number, data: Uint8Array): Promise<string | undefined> {
    let got: Uint8Array;
    try {
      got = await this.readRange(offset, data.length);
    } catch (error) {
      return (error as Error).message;
    }
    const bad = got.findIndex((byte, i) => byte !== data[i]);
    if (bad >= 0) return `EEPROM 0x${this.options.address.toString(16)}: byte ${offset + bad} reads back 0x${got[bad]!.toString(16)} after writing 0x${data[bad]!.toString(16)}`;
    return undefined;
  }

  /**
   * Sets the chip's address pointer, then reads from it (the current-address read). Resolves with
   * what the reply held: fewer bytes than asked when the chip NACKed.
   */
  private readChunk(at: number, length: number): Promise<number[]> {
    const { io, address } = this.options;
    return this.request(length, () => {
      io.i2cWrite(address, [at >> 8, at & 0xff]);
      // The reply is taken by the listener on the address's reply event, in order.
      io.i2cReadOnce(address, length, () => undefined);
    }, `a ${length}-byte read at ${at}`);
  }

  /** Sends a read and waits for its reply, the next one the wire brings after those already awaited. */
  private request(length: number, send: () => void, what: string): Promise<number[]> {
    const { address, clock } = this.options;
    const timeoutMs = this.options.readTimeoutMs ?? 1000;
    return new Promise((resolve, reject) => {
      const entry: PendingRead = {
        length,
        settle: (result) => {
          clock.clearTimer(timer);
          if (result instanceof Error) reject(result);
          else resolve(result);
        },
      };
      const timer = clock.setTimer(timeoutMs, () =>
        // After a host stall the timer runs before the input that arrived meanwhile is read: look
        // again once the event loop has taken in its I/O.
        setImmediate(() => {
          if (!this.pending.includes(entry)) return;
          // A reply that never came: every reply still awaited could now be matched to the wrong
          // read, so all of them fail and their late replies find nobody waiting.
          for (const pending of this.pending.splice(0)) pending.settle(new Error(`EEPROM 0x${address.toString(16)} did not answer ${pending === entry ? what : 'an earlier read'} within ${timeoutMs} ms`));
        }),
      );
      this.pending.push(entry);
      send();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.clock.setTimer(ms, resolve));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private rangeError(op: string, offset: number, length: number): FlashRuleViolation | undefined {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.geometry.size) {
      return new FlashRuleViolation(`${op} of ${length} bytes at ${offset} is outside the ${this.geometry.size}-byte device`);
    }
    return undefined;
  }
}
