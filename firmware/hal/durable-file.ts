/**
 * Writing a whole file so that it is either all there or not there at all, on a disk that may be
 * full, read-only or lose power: the bytes go to a temporary name, are written out in full (a write
 * on a nearly full disk may land short), synced, then moved to the real name and the directory synced
 * (a rename is durable only once its directory is). A failure removes the temporary file and leaves
 * whatever had the real name untouched. Settings, lockouts, the journal image and device.key use it.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DurableWriteOptions {
  /** File mode of the new file (default 0600: everything in the state directory is private). */
  mode?: number;
  /** Never replace: resolves false, writing nothing, when `path` already exists. */
  exclusive?: boolean;
}

/** true when `path` now holds `bytes`; false only for `exclusive` when something was there first. */
export async function writeFileDurably(path: string, bytes: Uint8Array, options: DurableWriteOptions = {}): Promise<boolean> {
  // A name of this write's own, created exclusively: with one shared name a second writer (another
  // `pos` process creating the device key) truncated and refilled the first one's file before the
  // first linked it, and the first was told its bytes were stored. A cut may leave one such file.
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.new`;
  try {
    const handle = await open(temporary, 'wx', options.mode ?? 0o600);
    try {
      await writeAll(handle, bytes, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // link fails when the name exists, so an exclusive write never replaces; rename always does.
    if (options.exclusive) await link(temporary, path);
    else await rename(temporary, path);
  } catch (error) {
    if (options.exclusive && (error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await syncDirectory(dirname(path));
  return true;
}

/** FileHandle.write may write less than asked: go on until all is written, or the disk says why not. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten === 0) throw Object.assign(new Error(`short write: ${done} of ${bytes.length} bytes`), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
