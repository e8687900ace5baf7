import type { FlashCounters, FlashDevice, FlashGeometry } from '../../firmware/drivers/flash/flash-device.js';
import { checkReadRange } from '../../firmware/drivers/flash/geometry.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { readFrame } from '../../firmware/journal/frame.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { dataEnd, dataStart } from '../../firmware/journal/sector-header.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/**
 * An AT24C256-shaped byte array (program unit 1, no erase, 1 KiB sectors) that records what is
 * read: how many times each byte was read and how many requests it took. `pipelined` adds readMany
 * (one request for several ranges, bytes counted per range), as the Firmata EEPROM driver has.
 * Every request answers on a later turn of the event loop, as a device on a wire does (so a mount
 * that keeps asking for nothing still lets a test's timeout fire).
 */
export class CountingEeprom implements FlashDevice {
  readonly geometry: FlashGeometry;
  readonly bytes: Uint8Array;
  /** Times each byte was read. */
  readonly readCount: Uint16Array;
  bytesRead = 0;
  /** Requests that read at least one byte. */
  requests = 0;
  readMany?: FlashDevice['readMany'];

  constructor(options: { size?: number; sectorSize?: number; erasedValue?: number; pipelined?: boolean } = {}) {
    const size = options.size ?? 32_768;
    const erasedValue = options.erasedValue ?? 0xff;
    this.geometry = { size, sectorSize: options.sectorSize ?? 1024, programUnit: 1, erasedValue, needsErase: false };
    this.bytes = new Uint8Array(size).fill(erasedValue);
    this.readCount = new Uint16Array(size);
    if (options.pipelined) {
      this.readMany = async (ranges, onBytes) => {
        await nextTurn();
        if (ranges.some(({ length }) => length > 0)) this.requests++;
        return ranges.map(({ offset, length }) => {
          const part = this.take(offset, length);
          onBytes?.(length);
          return part;
        });
      };
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    await nextTurn();
    if (length > 0) this.requests++;
    return this.take(offset, length);
  }

  private take(offset: number, length: number): Uint8Array {
    checkReadRange(this.geometry, offset, length);
    this.bytesRead += length;
    for (let i = offset; i < offset + length; i++) this.readCount[i]!++;
    return this.bytes.slice(offset, offset + length);
  }

  /** Forgets what was read so far (before the mount under test). */
  resetCounts(): void {
    this.readCount.fill(0);
    this.bytesRead = 0;
    this.requests = 0;
  }

  /** Offsets in [from, to) read at least once. */
  readIn(from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) if (this.readCount[i]! > 0) n++;
    return n;
  }

  async program(offset: number, data: Uint8Array): Promise<void> {
    this.bytes.set(data, offset);
  }
  async erase(sector: number): Promise<void> {
    const { sectorSize, erasedValue } = this.geometry;
    this.bytes.fill(erasedValue, sector * sectorSize, (sector + 1) * sectorSize);
  }
  async sync(): Promise<void> {}
  counters(): FlashCounters {
    return { programs: 0, erases: 0, bytesProgrammed: 0, syncs: 0, eraseCountPerSector: [] };
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export const mount = (device: FlashDevice, onProgress?: (f: number) => void): Promise<FlashJournal> =>
  openJournal(device, { deviceKey: TEST_KEY, randomBytes: seededIvs(), ...(onProgress ? { onProgress } : {}) });

/** Approved, printed sales with STANs from `from` on. */
export async function sales(journal: FlashJournal, from: number, count: number): Promise<void> {
  for (let stan = from; stan < from + count; stan++) {
    await journal.begin(sale(stan));
    await journal.approve(stan, APPROVAL);
    await journal.printed(stan);
  }
}

/** Where a sector's intact frames end (offset within the sector), and the highest sequence number among them. */
export function frameRun(device: CountingEeprom, sector: number): { end: number; lastSeq: number } {
  const { sectorSize, programUnit } = device.geometry;
  const base = sector * sectorSize;
  let at = base + dataStart(programUnit);
  let lastSeq = 0;
  for (;;) {
    const frame = readFrame(device.bytes, at, base + dataEnd(sectorSize, programUnit), programUnit);
    if (frame.kind !== 'frame') return { end: at - base, lastSeq };
    lastSeq = Math.max(lastSeq, frame.seq);
    at += frame.length;
  }
}

/** Where the next frame goes in `sector` when it is the head. */
export const writePosition = (device: CountingEeprom, sector: number): number => frameRun(device, sector).end;
