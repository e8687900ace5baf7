import { constants, fdatasyncSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { writeFileDurably } from '../../hal/durable-file.js';
import { crc32 } from './crc32.js';
import { FlashRuleViolation, type FlashCounters, type FlashDevice, type FlashGeometry } from './flash-device.js';
import { checkGeometry, checkProgramRange, checkReadRange, checkSector, sectorCount } from './geometry.js';

/**
 * A flash device in a preallocated file: a 512-byte header, then the image. The header holds
 * magic "POSFLASH", version, geometry and a CRC. The file is created (all erased) on first use; an
 * existing file whose geometry differs from the configuration is refused, never reformatted.
 * `program` and `erase` write to the file (the page cache is the device's volatile stage: a cut may
 * lose or tear any write not yet synced, in any order, which is what the journal is swept against);
 * `sync` makes them durable, and costs nothing when nothing was written since the last one. The
 * newest write waits in memory until the next operation or sync (still the volatile stage), so
 * that a sync after a single program - a journal commit - is one write through a second,
 * O_DSYNC descriptor, durable when it returns, instead of a write and an fdatasync. The writes
 * are made on the calling thread (see `sync`).
 * NOR rules are enforced as on the chip, against an in-memory copy of the image that also serves reads.
 */
export interface FileImageOptions {
  path: string;
  size: number;
  sectorSize: number;
  programUnit: number;
  /** Open an existing image without ever writing to it (the inspector). */
  readOnly?: boolean;
}

export class FlashImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlashImageError';
  }
}

export const IMAGE_HEADER_BYTES = 512;
const MAGIC = 'POSFLASH';
const IMAGE_VERSION = 1;

export class FileImageFlash implements FlashDevice {
  private readonly stats: FlashCounters;
  /** Something was written to the file since the last sync. */
  private dirty = false;
  /** The newest program or erase, done in `image` but not yet written to the file. */
  private pending: { offset: number; length: number } | undefined;

  private constructor(
    readonly geometry: FlashGeometry,
    readonly path: string,
    private readonly handle: FileHandle,
    /** The same file opened O_DSYNC (writable images only): a write through it is durable when it returns. */
    private readonly syncedHandle: FileHandle | undefined,
    private readonly image: Uint8Array,
    private readonly programmedUnits: Uint8Array,
    readonly readOnly: boolean,
  ) {
    this.stats = { programs: 0, erases: 0, bytesProgrammed: 0, syncs: 0, eraseCountPerSector: new Array(sectorCount(geometry)).fill(0) };
  }

  /** Opens the image at `path`, creating it (erased) when it does not exist and not read-only. */
  static async open(options: FileImageOptions): Promise<FileImageFlash> {
    const geometry: FlashGeometry = {
      size: options.size,
      sectorSize: options.sectorSize,
      programUnit: options.programUnit,
      erasedValue: 0xff,
      needsErase: true,
    };
    checkGeometry(geometry);
    const readOnly = options.readOnly ?? false;
    let handle: FileHandle;
    try {
      handle = await open(options.path, readOnly ? constants.O_RDONLY : constants.O_RDWR);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || readOnly) throw error;
      await createImage(options.path, geometry);
      handle = await open(options.path, constants.O_RDWR);
    }
    try {
      const image = await readImage(handle, options.path, geometry);
      const units = new Uint8Array(geometry.size / geometry.programUnit);
      for (let u = 0; u < units.length; u++) {
        for (let i = u * geometry.programUnit; i < (u + 1) * geometry.programUnit; i++) {
          if (image[i] !== 0xff) {
            units[u] = 1;
            break;
          }
        }
      }
      const syncedHandle = readOnly ? undefined : await open(options.path, constants.O_RDWR | constants.O_DSYNC);
      return new FileImageFlash(geometry, options.path, handle, syncedHandle, image, units, readOnly);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The geometry an existing image was made with (tools that open any image read it from the header). */
  static async readGeometry(path: string): Promise<{ size: number; sectorSize: number; programUnit: number }> {
    const handle = await open(path, 'r');
    try {
      return await readHeader(handle, path);
    } finally {
      await handle.close();
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkReadRange(this.geometry, offset, length);
    return this.image.slice(offset, offset + length);
  }

  async program(offset: number, data: Uint8Array): Promise<void> {
    this.assertWritable();
    checkProgramRange(this.geometry, offset, data.length);
    const unit = this.geometry.programUnit;
    for (let u = offset / unit; u < (offset + data.length) / unit; u++) {
      if (this.programmedUnits[u]) throw new FlashRuleViolation(`unit at ${u * unit} programmed twice without an erase`);
    }
    this.writePending();
    // NOR programming only clears bits: what lands is the data AND what the cells held.
    for (let i = 0; i < data.length; i++) this.image[offset + i]! &= data[i]!;
    this.pending = { offset, length: data.length };
    this.programmedUnits.fill(1, offset / unit, (offset + data.length) / unit);
    this.stats.programs++;
    this.stats.bytesProgrammed += data.length;
  }

  async erase(sector: number): Promise<void> {
    this.assertWritable();
    checkSector(this.geometry, sector);
    const start = sector * this.geometry.sectorSize;
    this.writePending();
    this.image.fill(0xff, start, start + this.geometry.sectorSize);
    this.pending = { offset: start, length: this.geometry.sectorSize };
    const unit = this.geometry.programUnit;
    this.programmedUnits.fill(0, start / unit, (start + this.geometry.sectorSize) / unit);
    this.stats.erases++;
    this.stats.eraseCountPerSector[sector]!++;
  }

  /**
   * Made on the calling thread. A commit cannot go on until it returns anyway (R1: nothing is sent
   * before its record is durable), and the thread-pool form costs a round trip per call (a worker
   * wake-up, an eventfd write, an event-loop wake-up) that under load doubled a commit's time.
   * Waiting in-thread is what SQLite does as well; the kernel buffers input meanwhile.
   * When the pending write is the only one since the last sync, it goes through the O_DSYNC
   * descriptor: one system call, with the durability of a write and an fdatasync (the kernel
   * flushes that range and the drive cache before the write returns). Otherwise the writes go
   * out in order and one fdatasync covers them.
   */
  async sync(): Promise<void> {
    if (this.pending && !this.dirty) {
      this.writePendingTo(this.syncedHandle!);
    } else {
      this.writePending();
      if (!this.dirty) return;
      fdatasyncSync(this.handle.fd);
    }
    this.dirty = false;
    this.stats.syncs++;
  }

  counters(): FlashCounters {
    return { ...this.stats, eraseCountPerSector: [...this.stats.eraseCountPerSector] };
  }

  /** Writes what is pending (unsynced, as before: the file holds every operation made). */
  async close(): Promise<void> {
    try {
      this.writePending();
    } finally {
      await this.syncedHandle?.close();
      await this.handle.close();
    }
  }

  /** The pending operation into the page cache (durable at the next sync), from the calling thread like `sync`. */
  private writePending(): void {
    if (!this.pending) return;
    this.writePendingTo(this.handle);
    this.dirty = true;
  }

  private writePendingTo(handle: FileHandle): void {
    const { offset, length } = this.pending!;
    // Cleared first: after a failed write the device is not used again (the journal stops), and
    // close() must not retry it.
    this.pending = undefined;
    const written = writeSync(handle.fd, this.image, offset, length, IMAGE_HEADER_BYTES + offset);
    if (written !== length) throw new FlashImageError(`short write to ${this.path}: ${written} of ${length} bytes`);
  }

  private assertWritable(): void {
    if (this.readOnly) throw new FlashImageError(`flash image ${this.path} is open read-only`);
  }
}

function encodeHeader(g: FlashGeometry): Uint8Array {
  const header = new Uint8Array(IMAGE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(Buffer.from(MAGIC, 'ascii'), 0);
  view.setUint16(8, IMAGE_VERSION, true);
  view.setUint16(10, IMAGE_HEADER_BYTES, true);
  view.setUint32(12, g.size, true);
  view.setUint32(16, g.sectorSize, true);
  view.setUint32(20, g.programUnit, true);
  header[24] = g.erasedValue;
  view.setUint32(28, crc32(header, 0, 28), true);
  return header;
}

/**
 * A new image is built whole under a temporary name and only then given its own (hal/durable-file.ts):
 * a full disk or a cut while filling it leaves no short image under the real name (one that every
 * later start would refuse as truncated).
 */
async function createImage(path: string, geometry: FlashGeometry): Promise<void> {
  const file = new Uint8Array(IMAGE_HEADER_BYTES + geometry.size).fill(0xff);
  file.set(encodeHeader(geometry), 0);
  try {
    await writeFileDurably(path, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FlashImageError(`cannot create flash image ${path} (${code ?? String(error)}); nothing was left under that name`);
  }
}

async function readHeader(handle: FileHandle, path: string): Promise<{ size: number; sectorSize: number; programUnit: number }> {
  const header = new Uint8Array(IMAGE_HEADER_BYTES);
  const { bytesRead } = await handle.read(header, 0, IMAGE_HEADER_BYTES, 0);
  const view = new DataView(header.buffer);
  if (bytesRead < 32 || Buffer.from(header.subarray(0, 8)).toString('latin1') !== MAGIC) {
    throw new FlashImageError(`${path} is not a flash image (no POSFLASH header); refusing to use or reformat it`);
  }
  if (view.getUint32(28, true) !== crc32(header, 0, 28)) throw new FlashImageError(`${path}: flash image header is damaged (CRC mismatch)`);
  const version = view.getUint16(8, true);
  if (version !== IMAGE_VERSION) throw new FlashImageError(`${path}: flash image version ${version}, this code reads version ${IMAGE_VERSION}`);
  return { size: view.getUint32(12, true), sectorSize: view.getUint32(16, true), programUnit: view.getUint32(20, true) };
}

async function readImage(handle: FileHandle, path: string, expected: FlashGeometry): Promise<Uint8Array> {
  const found = await readHeader(handle, path);
  if (found.size !== expected.size || found.sectorSize !== expected.sectorSize || found.programUnit !== expected.programUnit) {
    throw new FlashImageError(
      `${path} has geometry size=${found.size} sector=${found.sectorSize} unit=${found.programUnit}, ` +
        `but the configuration asks for size=${expected.size} sector=${expected.sectorSize} unit=${expected.programUnit}; ` +
        'refusing to use or reformat it (move the image away or fix the configuration)',
    );
  }
  const image = new Uint8Array(expected.size);
  const read = await handle.read(image, 0, expected.size, IMAGE_HEADER_BYTES);
  if (read.bytesRead !== expected.size) {
    throw new FlashImageError(`${path} is truncated: ${read.bytesRead} of ${expected.size} image bytes`);
  }
  return image;
}
