/**
 * Loading the terminal master key (TMK) from the key ceremony onto a board (`pos keys load-tmk`):
 * the key is checked before anything is stored - its check value against the one the ceremony
 * printed, and against keys that are no keys (all zeros, one byte repeated, repeated halves or
 * thirds that collapse 3DES to single DES, the DES weak keys) - then written 0600 with an atomic
 * rename. Only the check value is ever shown, never the key.
 */
import { chownSync, closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ecbEncrypt } from './block-cipher.js';
import { parseMasterKey } from './master-key.js';
import { SecurityError } from './security-error.js';

/** E(key, zero block) in hex: ceremonies print 4 to 16 of its leading digits as the check value. */
function zeroBlockHex(key: Uint8Array): string {
  return Buffer.from(ecbEncrypt('tdes', key, new Uint8Array(8))).toString('hex').toUpperCase();
}

/** The check value as key ceremonies print it: the first 3 bytes of E(key, zero block), 6 hex digits. */
export function keyCheckValue(key: Uint8Array): string {
  return zeroBlockHex(key).slice(0, 6);
}

/** DES weak keys (parity bits cleared): each is its own inverse, so encryption under it undoes itself. */
const DES_WEAK = ['0000000000000000', '1e1e1e1e0e0e0e0e', 'e0e0e0e0f0f0f0f0', 'fefefefefefefefe'];

/** Why `key` is weak, or undefined when it is not. */
export function weakKeyReason(key: Uint8Array): string | undefined {
  if (key.every((b) => b === 0)) return 'the key is all zeros';
  if (key.every((b) => b === key[0])) return 'the key is one byte repeated';
  const parts = [];
  for (let at = 0; at < key.length; at += 8) parts.push(Buffer.from(key.subarray(at, at + 8)).toString('hex'));
  if (parts.length === 2 && parts[0] === parts[1]) return 'its two halves are the same (3DES would be single DES)';
  if (parts.length === 3 && (parts[0] === parts[1] || parts[1] === parts[2])) return 'two adjacent thirds are the same (3DES would be single DES)';
  const noParity = (hex: string) => Buffer.from(Buffer.from(hex, 'hex').map((b) => b & 0xfe)).toString('hex');
  const weak = parts.findIndex((p) => DES_WEAK.includes(noParity(p)));
  if (weak >= 0) return `part ${weak + 1} is a DES weak key`;
  return undefined;
}

export interface LoadedTmk {
  file: string;
  checkValue: string;
  lengthName: 'single' | 'double' | 'triple';
}

/**
 * Parses, checks and stores the TMK as <stateDir>/master.key (hex, mode 0600; owned by `owner` when
 * given). Throws SecurityError naming what is wrong; on any refusal nothing is written.
 */
export function storeMasterKey(text: string, source: string, o: { stateDir: string; expectedCheckValue?: string; owner?: { uid: number; gid: number } }): LoadedTmk {
  const key = parseMasterKey(text, source);
  try {
    const weak = weakKeyReason(key);
    if (weak) throw new SecurityError('bad-key-file', `refused: ${weak}; load the key from the key ceremony`);
    const kcv = keyCheckValue(key);
    if (o.expectedCheckValue !== undefined) {
      const expected = o.expectedCheckValue.replace(/\s+/g, '').toUpperCase();
      if (!/^[0-9A-F]{4,16}$/.test(expected)) throw new SecurityError('bad-key-file', `--kcv ${o.expectedCheckValue}: give the check value as hex, e.g. 8CA64D`);
      // All 8 bytes, not the sign-in check value's 4: a ceremony may print up to 16 digits.
      if (!zeroBlockHex(key).startsWith(expected)) throw new SecurityError('key-check-failed', `refused: the key's check value is ${kcv}, the ceremony says ${expected}; re-enter the key`);
    }
    const file = path.join(o.stateDir, 'master.key');
    writePrivateFile(file, `# terminal master key, KCV ${kcv}\n${Buffer.from(key).toString('hex').toUpperCase()}\n`, o.owner);
    return { file, checkValue: kcv, lengthName: key.length === 8 ? 'single' : key.length === 16 ? 'double' : 'triple' };
  } finally {
    key.fill(0);
  }
}

/** Writes a temporary file created 0600, syncs it, sets its owner, then renames it over `file`. */
function writePrivateFile(file: string, text: string, owner?: { uid: number; gid: number }): void {
  const temp = `${file}.new`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (owner) chownSync(temp, owner.uid, owner.gid);
    renameSync(temp, file);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  const dirFd = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
