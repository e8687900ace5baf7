import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SecurityError } from './security-error.js';

/**
 * The terminal master key (TMK) comes from a key file: hex digits (16, 32 or 48 of them: single,
 * double or triple length), whitespace ignored, lines starting with '#' are comments.
 * Errors name the file and what is wrong, never the key.
 */
export function parseMasterKey(text: string, source: string): Uint8Array {
  const hex = text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  const fail = (why: string): never => {
    throw new SecurityError('bad-key-file', `master key file ${source}: ${why}`);
  };
  if (hex.length === 0) fail('no key in it');
  if (!/^[0-9a-fA-F]+$/.test(hex)) fail('not hex (only 0-9, A-F, whitespace and # comment lines allowed)');
  if (![16, 32, 48].includes(hex.length)) fail(`${hex.length} hex digits; a key is 16, 32 or 48`);
  const key = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (key.every((byte) => byte === 0)) fail('the key is all zeros');
  return key;
}

/**
 * A master key file that group or others can read (or write) is a key that has leaked to every
 * account on the board: refused at boot, as device.key is. Returns the reason, or undefined when the
 * mode is private.
 */
export function masterKeyFileModeProblem(file: string): string | undefined {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  return `master key file ${file} is mode ${mode.toString(8).padStart(4, '0')}: group or others can get at it; chmod 600 ${file} (and consider the key exposed: load a new one)`;
}

/** Reads the TMK from `path`; refused when the file is not private (mode 0600 or stricter). */
export async function loadMasterKey(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    const modeProblem = masterKeyFileModeProblem(path);
    if (modeProblem) throw new SecurityError('bad-key-file', modeProblem);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof SecurityError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SecurityError('bad-key-file', `master key file ${path}: cannot read it (${code ?? String(error)})`);
  }
  return parseMasterKey(text, path);
}
