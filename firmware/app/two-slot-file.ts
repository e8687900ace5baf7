/**
 * A small record rewritten in place in a fixed-size file of two slots, for state that must still be
 * written on a full disk: the wrong-password counts. A sign-in needs its attempt counted durably,
 * and sign-in is what sends owed reversals after a restart, so a full disk must not stop it. An
 * atomic replace (temporary file and rename) needs a free block; an overwrite inside a file that
 * already has its blocks does not.
 *
 * Each write goes to the slot not holding the newest record, with a sequence number and a checksum,
 * then is synced; a read takes the intact slot with the highest sequence. A cut or a short write
 * tears only the slot being written, so the previous record survives - exactly the state before the
 * write, which had not returned. The file is created (both slots) through hal/durable-file.ts, so a
 * half-made file never appears.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { writeAll, writeFileDurably } from '../hal/durable-file.js';

interface Slot {
  seq: number;
  body: string;
}

export class TwoSlotFile {
  /** Where the newest record is, once read or written (so a write knows which slot to spare). */
  private newest: { index: number; seq: number } | undefined;

  constructor(
    readonly path: string,
    readonly slotBytes: number = 8192,
  ) {}

  /**
   * The newest intact record's text; undefined when there is no file or neither slot is intact.
   * A file of another size (an older plain file) is returned whole: the next write converts it.
   */
  async read(): Promise<string | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    this.newest = undefined;
    if (bytes.length !== 2 * this.slotBytes) return bytes.toString('utf8');
    let best: (Slot & { index: number }) | undefined;
    for (const index of [0, 1]) {
      const slot = decodeSlot(bytes.subarray(index * this.slotBytes, (index + 1) * this.slotBytes));
      if (slot && (!best || slot.seq > best.seq)) best = { ...slot, index };
    }
    if (!best) return undefined;
    this.newest = { index: best.index, seq: best.seq };
    return best.body;
  }

  /** Makes `body` the newest record, durably; the other slot keeps the previous one until then. */
  async write(body: string): Promise<void> {
    if (this.newest === undefined) await this.read();
    const newest = this.newest;
    if (newest === undefined || !(await this.hasSlotSize())) {
      const first = encodeSlot({ seq: 1, body }, this.slotBytes);
      await writeFileDurably(this.path, Buffer.concat([first, encodeSlot({ seq: 0, body }, this.slotBytes)]));
      this.newest = { index: 0, seq: 1 };
      return;
    }
    const index = 1 - newest.index;
    const slot = encodeSlot({ seq: newest.seq + 1, body }, this.slotBytes);
    const handle = await open(this.path, 'r+');
    try {
      await writeAll(handle, slot, index * this.slotBytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.newest = { index, seq: newest.seq + 1 };
  }

  /** The file may have been replaced (restored from a backup) since it was read. */
  private async hasSlotSize(): Promise<boolean> {
    try {
      return (await stat(this.path)).size === 2 * this.slotBytes;
    } catch {
      return false;
    }
  }
}

function checksum(seq: number, body: string): string {
  return createHash('sha256').update(`${seq}\n${body}`).digest('hex').slice(0, 16);
}

/** One JSON line, padded with newlines to the slot's size. */
function encodeSlot(slot: Slot, slotBytes: number): Buffer {
  const line = Buffer.from(JSON.stringify({ seq: slot.seq, sum: checksum(slot.seq, slot.body), body: slot.body }), 'utf8');
  if (line.length >= slotBytes) throw new RangeError(`record of ${line.length} bytes does not fit a ${slotBytes}-byte slot`);
  return Buffer.concat([line, Buffer.alloc(slotBytes - line.length, 0x0a)]);
}

function decodeSlot(bytes: Uint8Array): Slot | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { seq?: unknown; sum?: unknown; body?: unknown };
    if (!Number.isInteger(parsed.seq) || typeof parsed.body !== 'string') return undefined;
    const slot = { seq: parsed.seq as number, body: parsed.body };
    return parsed.sum === checksum(slot.seq, slot.body) ? slot : undefined;
  } catch {
    // A torn slot (a cut or a short write while it was written): the other slot holds.
    return undefined;
  }
}
