/**
 * Where the host simulator keeps its issuer ledger and acquirer state between runs: one JSON file.
 * After every request that can move money or batches (not sign-ins, not echoes) the whole state is
 * written with writeFileDurably (temporary file, sync, rename, folder sync), so a restart — or a kill at
 * any moment — continues from the last answered request, as a real issuer's books would. The books
 * of a simulated day are small (kilobytes), so rewriting them whole is cheap, and plain files need
 * no native module: the deployed bundle's `pos sim` keeps its books too.
 *
 * No clear card number is stored: an account is keyed by a SHA-256 of its PAN and shown masked; on
 * load the key is matched back to the card file's cards (an account whose card left the file is not
 * loaded).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileDurably } from '../../firmware/hal/durable-file.js';
import { maskPan } from '../../firmware/security/pan-mask.js';
import type { StoredSession } from './acquirer.js';
import type { HostCore } from './host-core.js';
import type { TransactionRecord } from './issuer.js';
import type { LedgerEntry, LedgerState } from './issuer-ledger.js';

const FORMAT = 'pos-host-sim-books/1';

/** A record as stored: its PAN as a key, its entries by seq, its original by position. */
type RecordBody = Omit<TransactionRecord, 'pan' | 'entries' | 'original'> & { entrySeqs: number[]; originalId?: number };

/** The file's whole content. Masked PANs are there for people reading the file or the report. */
export interface StoredBooks {
  format: typeof FORMAT;
  accounts: { cardKey: string; maskedPan: string; balanceFen: number; heldFen: number }[];
  entries: (LedgerEntry & { cardKey: string })[];
  records: { cardKey: string; maskedPan: string; body: RecordBody }[];
  sessions: StoredSession[];
}

export function cardKey(pan: string): string {
  return createHash('sha256').update(`pos-host-sim:${pan}`).digest('hex');
}

/** Reads a books file; a clear error names the file when it is missing or is not one. */
export function readBooks(path: string): StoredBooks {
  if (!existsSync(path)) throw new Error(`no host simulator ledger at ${path}; it is written by pos sim (var/sim/host-books.json) or pos host-sim --db`);
  let books: Partial<StoredBooks>;
  try {
    books = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredBooks>;
  } catch (error) {
    throw new Error(`${path} is not a host simulator ledger: ${(error as Error).message}`);
  }
  if (books.format !== FORMAT) throw new Error(`${path} is not a host simulator ledger (format ${JSON.stringify(books.format)}, expected ${FORMAT})`);
  return books as StoredBooks;
}

export class HostStore {
  /** Saves run one after another: requests from several terminals may finish close together. */
  private saving: Promise<unknown> = Promise.resolve();

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<HostStore> {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) readBooks(path); // a foreign or broken file is refused now, not overwritten at the first sale
    return new HostStore(path);
  }

  /** Puts the stored state into a freshly created core; false when nothing was stored yet. */
  load(core: HostCore): boolean {
    if (!existsSync(this.path)) return false;
    const books = readBooks(this.path);
    if (books.accounts.length === 0 && books.entries.length === 0 && books.sessions.length === 0) return false;
    const panByKey = new Map(core.cards.map((c) => [cardKey(c.pan), c.pan]));
    const bySeq = new Map<number, LedgerEntry>();
    const state: LedgerState = { accounts: [], entries: [] };
    for (const a of books.accounts) {
      const pan = panByKey.get(a.cardKey);
      if (pan) state.accounts.push({ pan, balanceFen: a.balanceFen, heldFen: a.heldFen });
    }
    for (const { cardKey: key, ...entry } of books.entries) {
      bySeq.set(entry.seq, entry);
      state.entries.push({ entry, pan: panByKey.get(key) ?? entry.maskedPan });
    }
    core.ledger.importState(state);
    const records: TransactionRecord[] = [];
    for (const stored of books.records) {
      const { entrySeqs, originalId, ...body } = stored.body;
      records.push({
        ...body,
        pan: panByKey.get(stored.cardKey) ?? stored.maskedPan,
        entries: entrySeqs.map((seq) => bySeq.get(seq)).filter((e): e is LedgerEntry => e !== undefined),
        ...(originalId !== undefined && records[originalId] ? { original: records[originalId] } : {}),
      });
    }
    core.issuer.importRecords(records);
    core.ids.rrn = records.reduce((max, r) => Math.max(max, Number(r.rrn) || 0), 0);
    core.acquirer.importSessions(books.sessions);
    return true;
  }

  /** Writes the whole state as it is now; the file holds either the previous state or this one, never a mix. */
  save(core: HostCore): Promise<void> {
    const ledger = core.ledger.exportState();
    const records = core.issuer.exportRecords();
    const indexOf = new Map(records.map((r, i) => [r, i]));
    const books: StoredBooks = {
      format: FORMAT,
      accounts: ledger.accounts.map((a) => ({ cardKey: cardKey(a.pan), maskedPan: maskPan(a.pan), balanceFen: a.balanceFen, heldFen: a.heldFen })),
      entries: ledger.entries.map(({ entry, pan }) => ({ ...entry, cardKey: cardKey(pan) })),
      records: records.map((r) => {
        const { pan, entries, original, ...rest } = r;
        const originalId = original ? indexOf.get(original) : undefined;
        return { cardKey: cardKey(pan), maskedPan: maskPan(pan), body: { ...rest, entrySeqs: entries.map((e) => e.seq), ...(originalId !== undefined ? { originalId } : {}) } };
      }),
      sessions: core.acquirer.exportSessions(),
    };
    const bytes = Buffer.from(JSON.stringify(books));
    const saved = this.saving.catch(() => undefined).then(() => writeFileDurably(this.path, bytes));
    this.saving = saved;
    return saved.then(() => undefined);
  }

  /** Nothing is held open between saves; kept so callers end a run the same way. */
  close(): void {}
}
