/**
 * A small JSON file in the terminal's state directory, replaced atomically: a save writes a temporary
 * file, syncs it, renames it over the old one and syncs the directory, so a power cut leaves either
 * the old or the new content, never a torn mix. A save that fails (a full or read-only disk, a short
 * write) removes its temporary file and leaves the old content in place. Used for settings, the
 * password lockout counts and the journal damage acknowledgement.
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The file exists but is not JSON (or cannot be read): its owner decides, nothing is guessed here. */
export class JsonFileError extends Error {
  constructor(readonly path: string, why: string) {
    super(`${path}: ${why}`);
    this.name = 'JsonFileError';
  }
}

/** The parsed content; undefined when there is no file. Throws JsonFileError when it cannot be read or parsed. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new JsonFileError(path, `cannot read it (${code ?? String(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonFileError(path, `not valid JSON (${(error as Error).message})`);
  }
}

export async function writeJsonFileAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  const bytes = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      // FileHandle.write may write less than asked (a nearly full disk): go on until all is written.
      for (let done = 0; done < bytes.length; ) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, done);
        if (bytesWritten === 0) throw new JsonFileError(path, `short write: ${done} of ${bytes.length} bytes`);
        done += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** The rename is durable only once the directory is: a cut before this could bring the old file back. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
