/**
 * Journal damage the mount reported (JournalHealth findings) and the supervisor's acknowledgement of
 * it. The terminal refuses new transactions while damage is unacknowledged; the acknowledgement is
 * kept as a fingerprint of the findings, so the same damage does not stop every later boot, while a
 * different finding (new damage, or the old damage changed) asks for the supervisor again.
 */
import { createHash } from 'node:crypto';
import { readJsonFileOrNone, writeJsonFileAtomically } from './atomic-json-file.js';
import { MemoryValueStore, type ValueStore } from './value-store.js';

export interface JournalDamage {
  /** What mount could not explain, as it reported it (structure only, never record contents). */
  findings: readonly string[];
  /** Counters mount moved ahead (their old values), because records holding them may be lost. */
  countersAdvanced: Readonly<Record<string, number>>;
  fingerprint: string;
  /** A supervisor acknowledged this same damage (now or on an earlier boot). */
  acknowledged: boolean;
}

/** Order-independent: mount reports sectors in scan order, which a later write may change. */
export function damageFingerprint(findings: readonly string[]): string {
  return createHash('sha256').update([...findings].sort().join('\n')).digest('hex').slice(0, 16);
}

/** Where the acknowledged fingerprint lives between boots. */
export type DamageAckStore = ValueStore<string>;

export class MemoryDamageAckStore extends MemoryValueStore<string> {}

/**
 * journal-damage.json in the state directory, replaced atomically. A file that does not parse counts
 * as no acknowledgement: the worst it costs is one more supervisor password, never a hidden screen.
 */
export class JsonFileDamageAckStore implements DamageAckStore {
  constructor(readonly path: string) {}
  async load(): Promise<string | undefined> {
    const stored = await readJsonFileOrNone(this.path);
    const fingerprint = (stored as { acknowledged?: unknown } | undefined)?.acknowledged;
    return typeof fingerprint === 'string' ? fingerprint : undefined;
  }
  async save(fingerprint: string): Promise<void> {
    await writeJsonFileAtomically(this.path, { acknowledged: fingerprint });
  }
}
