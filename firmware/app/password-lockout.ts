/**
 * Password lockout (pure): N wrong passwords in a row lock an operator, or the supervisor, for M
 * minutes (settings passwordTries / lockoutMinutes) or until the supervisor lifts it (9-6).
 *
 * The count must survive a power cut, or pulling the plug after each wrong guess would give
 * unlimited guesses. So, as a smart card does with its PIN counter, an attempt is counted durably
 * BEFORE the password is checked, and the count goes back to zero only after a right one. A cut in
 * between costs the cashier one try, never the terminal its limit. Lock times are wall-clock
 * milliseconds (the monotonic clock restarts at every boot).
 */
import { TwoSlotFile } from './two-slot-file.js';
import { MemoryValueStore, type ValueStore } from './value-store.js';

export interface RoleLockout {
  /** Attempts counted since the last right password (or the last lock). */
  failures: number;
  /** Wall-clock ms until which the role is locked. */
  lockedUntil?: number;
}

/** Keyed by operator no.; the supervisor is '00'. */
export type PasswordLockouts = Readonly<Record<string, RoleLockout>>;

/** Ms the role stays locked at `nowMs`; 0 when it is not locked. */
export function lockedMsLeft(lockouts: PasswordLockouts, who: string, nowMs: number): number {
  const until = lockouts[who]?.lockedUntil;
  return until !== undefined && until > nowMs ? until - nowMs : 0;
}

/** The state to save before a password is checked: one more attempt counted (an expired lock is over). */
export function attemptCounted(lockouts: PasswordLockouts, who: string, nowMs: number): PasswordLockouts {
  const current = lockouts[who];
  const expired = current?.lockedUntil !== undefined && current.lockedUntil <= nowMs;
  const failures = (expired || current === undefined ? 0 : current.failures) + 1;
  return { ...lockouts, [who]: { failures } };
}

/** After a wrong password: locked for `minutes` when the count reached `tries`. */
export function afterWrongPassword(lockouts: PasswordLockouts, who: string, nowMs: number, tries: number, minutes: number): PasswordLockouts {
  const failures = lockouts[who]?.failures ?? 0;
  if (failures < tries) return lockouts;
  return { ...lockouts, [who]: { failures: 0, lockedUntil: nowMs + minutes * 60_000 } };
}

/** After a right password, or the supervisor's reset: the role's count is gone. */
export function cleared(lockouts: PasswordLockouts, who: string): PasswordLockouts {
  const { [who]: _gone, ...rest } = lockouts;
  return rest;
}

/** Where the counts live between power cycles. */
export type LockoutStore = ValueStore<PasswordLockouts>;

export class MemoryLockoutStore extends MemoryValueStore<PasswordLockouts> {}

/**
 * lockouts.json in the state directory: two slots rewritten in place (two-slot-file.ts), so a
 * wrong-password count is made durable even on a full disk, and sign-in - which sends the reversals
 * owed after a restart - still works there. A damaged file counts as no counts, as before: refusing
 * to boot over it would stop the terminal for a file that only slows a guesser down.
 */
export class JsonFileLockoutStore implements LockoutStore {
  private readonly file: TwoSlotFile;
  constructor(readonly path: string) {
    this.file = new TwoSlotFile(path);
  }
  async load(): Promise<PasswordLockouts | undefined> {
    const text = await this.file.read();
    if (text === undefined) return undefined;
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch {
      return undefined;
    }
    return isLockouts(stored) ? stored : undefined;
  }
  async save(lockouts: PasswordLockouts): Promise<void> {
    await this.file.write(JSON.stringify(lockouts));
  }
}

function isLockouts(value: unknown): value is PasswordLockouts {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v: unknown) => {
    const r = v as RoleLockout | null;
    return typeof r === 'object' && r !== null && Number.isInteger(r.failures) && r.failures >= 0
      && (r.lockedUntil === undefined || Number.isFinite(r.lockedUntil));
  });
}
