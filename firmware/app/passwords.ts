/**
 * Operator and supervisor passwords, stored only as "scrypt$<salt hex>$<hash hex>". Verification
 * is pure (the salt is in the record); making a new hash needs a random salt, which the shell
 * supplies so that the engine stays deterministic.
 */
import { scryptSync, timingSafeEqual } from 'node:crypto';

/** Small scrypt cost: a 4-12 digit keypad password gains little from more, and sign-in must be quick. */
const SCRYPT_OPTIONS = { N: 1024, r: 8, p: 1 } as const;
const KEY_LENGTH = 16;

export function hashPassword(password: string, salt: Uint8Array): string {
  const hash = scryptSync(password, salt, KEY_LENGTH, SCRYPT_OPTIONS);
  return `scrypt$${Buffer.from(salt).toString('hex')}$${hash.toString('hex')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 3 || parts[0] !== 'scrypt') return false;
  const salt = Buffer.from(parts[1]!, 'hex');
  const expected = Buffer.from(parts[2]!, 'hex');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = scryptSync(password, salt, KEY_LENGTH, SCRYPT_OPTIONS);
  return timingSafeEqual(actual, expected);
}

/** The factory default's hash: a fixed salt, replaced by a random one when the password changes. */
export function defaultPasswordHash(password: string): string {
  return hashPassword(password, Buffer.from('pos-terminal-default', 'utf8'));
}
