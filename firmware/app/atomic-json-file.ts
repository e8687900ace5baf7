/**
 * A small JSON file in the terminal's state directory, replaced atomically (hal/durable-file.ts): a
 * power cut leaves either the old or the new content, never a torn mix, and a save that fails on a
 * full or read-only disk leaves the old content in place. Used for settings, the password lockout
 * counts and the journal damage acknowledgement.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileDurably } from '../hal/durable-file.js';

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
  await writeFileDurably(path, Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'));
}

/**
 * For files whose loss costs little (lockout counts, the damage acknowledgement): a damaged file
 * counts as none. Settings are not such a file (settings-file.ts refuses it).
 */
export async function readJsonFileOrNone(path: string): Promise<unknown> {
  try {
    return await readJsonFile(path);
  } catch (error) {
    if (error instanceof JsonFileError) return undefined;
    throw error;
  }
}
