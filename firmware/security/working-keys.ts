import type { CipherFamily } from './block-cipher.js';
import { parseKeyExchange, type WorkingKeySet } from './key-exchange.js';
import { SecurityError } from './security-error.js';

/**
 * The terminal's working keys, in memory only: set by a successful sign-in, wiped by sign-off.
 * A failed sign-in (bad F62, "key check failed") leaves the keys it found in place.
 * Neither JSON nor util.inspect shows the keys.
 */
export class WorkingKeys {
  private keys: WorkingKeySet | undefined;

  constructor(readonly family: CipherFamily = 'tdes') {}

  get signedIn(): boolean {
    return this.keys !== undefined;
  }

  /** The current keys; throws SecurityError('not-signed-in') before the first sign-in. */
  require(): WorkingKeySet {
    if (!this.keys) throw new SecurityError('not-signed-in', 'no working keys: sign in first');
    return this.keys;
  }

  /** Installs the keys from a sign-in response's F62, or throws and keeps the old ones. */
  applySignIn(f62: Uint8Array, masterKey: Uint8Array): void {
    const fresh = parseKeyExchange(f62, masterKey, this.family);
    this.clear();
    this.keys = fresh;
  }

  /** Sign-off: overwrite and forget the keys. */
  clear(): void {
    if (!this.keys) return;
    this.keys.pik.fill(0);
    this.keys.mak.fill(0);
    this.keys.tdk?.fill(0);
    this.keys = undefined;
  }

  toJSON(): { signedIn: boolean } {
    return { signedIn: this.signedIn };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `WorkingKeys { family: '${this.family}', signedIn: ${this.signedIn} }`;
  }
}
