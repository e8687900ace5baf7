/**
 * Where the host simulator keeps its issuer ledger and acquirer state between runs: one SQLite file
 * (better-sqlite3). After every request that can move money or batches (not sign-ins, not echoes)
 * the whole state is written in one transaction, so a restart — or a kill at any moment — continues
 * from the last answered request, as a real issuer's books would.
 *
 * No clear card number is stored: an account is keyed by a SHA-256 of its PAN and shown masked; on
 * load the key is matched back to the card file's cards (an account whose card left the file is not
 * loaded). better-sqlite3 is loaded only here, on demand, so nothing else — the terminal's bundle
 * least of all — needs the native module.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from 'better-sqlite3';
import { maskPan } from '../../firmware/security/pan-mask.js';
import type { StoredSession } from './acquirer.js';
import type { HostCore } from './host-core.js';
import type { TransactionRecord } from './issuer.js';
import type { LedgerEntry, LedgerState } from './issuer-ledger.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (card_key TEXT PRIMARY KEY, masked_pan TEXT NOT NULL, balance_fen INTEGER NOT NULL, held_fen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY, card_key TEXT NOT NULL, masked_pan TEXT NOT NULL, effect TEXT NOT NULL, operation TEXT NOT NULL,
  amount_fen INTEGER NOT NULL, terminal_id TEXT NOT NULL, merchant_id TEXT NOT NULL, batch TEXT NOT NULL, stan TEXT NOT NULL,
  rrn TEXT NOT NULL, auth_code TEXT NOT NULL, reversed INTEGER NOT NULL, voided INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, card_key TEXT NOT NULL, masked_pan TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (terminal_id TEXT PRIMARY KEY, batch TEXT NOT NULL, seen_stans TEXT NOT NULL);
`;

interface EntryRow {
  seq: number;
  card_key: string;
  masked_pan: string;
  effect: LedgerEntry['effect'];
  operation: LedgerEntry['operation'];
  amount_fen: number;
  terminal_id: string;
  merchant_id: string;
  batch: string;
  stan: string;
  rrn: string;
  auth_code: string;
  reversed: number;
  voided: number;
}

/** A record as stored: its PAN as a key, its entries by seq, its original by position. */
type RecordBody = Omit<TransactionRecord, 'pan' | 'entries' | 'original'> & { entrySeqs: number[]; originalId?: number };

export function cardKey(pan: string): string {
  return createHash('sha256').update(`pos-host-sim:${pan}`).digest('hex');
}

/** better-sqlite3 (a native module) is not installed: a deployed bundle carries no native code. */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`better-sqlite3 is not installed here (${(cause as Error).message.split('\n')[0]}); the host's books stay in memory for this run`);
    this.name = 'StoreUnavailable';
  }
}

export async function openDatabase(path: string, readOnly = false): Promise<Database> {
  let SQLite: typeof import('better-sqlite3');
  try {
    SQLite = (await import('better-sqlite3')).default;
  } catch (error) {
    throw new StoreUnavailable(error);
  }
  if (!readOnly) mkdirSync(dirname(path), { recursive: true });
  const db = new SQLite(path, { readonly: readOnly, fileMustExist: readOnly });
  if (!readOnly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
  }
  return db;
}

export class HostStore {
  private constructor(private readonly db: Database) {}

  static async open(path: string): Promise<HostStore> {
    return new HostStore(await openDatabase(path));
  }

  /** The store, or undefined (said once on stderr) where better-sqlite3 cannot load, as on a board. */
  static async openIfAvailable(path: string, warn: (line: string) => void): Promise<HostStore | undefined> {
    try {
      return await HostStore.open(path);
    } catch (error) {
      if (!(error instanceof StoreUnavailable)) throw error;
      warn(`host ledger ${path}: ${error.message}`);
      return undefined;
    }
  }

  /** Puts the stored state into a freshly created core; false when the store was empty. */
  load(core: HostCore): boolean {
    const panByKey = new Map(core.cards.map((c) => [cardKey(c.pan), c.pan]));
    const entryRows = this.db.prepare('SELECT * FROM entries ORDER BY seq').all() as EntryRow[];
    const accounts = this.db.prepare('SELECT card_key, balance_fen, held_fen FROM accounts').all() as { card_key: string; balance_fen: number; held_fen: number }[];
    const sessions = this.db.prepare('SELECT terminal_id, batch, seen_stans FROM sessions').all() as { terminal_id: string; batch: string; seen_stans: string }[];
    if (accounts.length === 0 && entryRows.length === 0 && sessions.length === 0) return false;
    const bySeq = new Map<number, LedgerEntry>();
    const state: LedgerState = { accounts: [], entries: [] };
    for (const a of accounts) {
      const pan = panByKey.get(a.card_key);
      if (pan) state.accounts.push({ pan, balanceFen: a.balance_fen, heldFen: a.held_fen });
    }
    for (const r of entryRows) {
      const entry: LedgerEntry = {
        seq: r.seq,
        maskedPan: r.masked_pan,
        effect: r.effect,
        operation: r.operation,
        amountFen: r.amount_fen,
        terminalId: r.terminal_id,
        merchantId: r.merchant_id,
        batch: r.batch,
        stan: r.stan,
        rrn: r.rrn,
        authCode: r.auth_code,
        reversed: r.reversed === 1,
        voided: r.voided === 1,
      };
      bySeq.set(r.seq, entry);
      state.entries.push({ entry, pan: panByKey.get(r.card_key) ?? r.masked_pan });
    }
    core.ledger.importState(state);
    const records: TransactionRecord[] = [];
    for (const row of this.db.prepare('SELECT card_key, masked_pan, body FROM records ORDER BY id').all() as { card_key: string; masked_pan: string; body: string }[]) {
      const { entrySeqs, originalId, ...body } = JSON.parse(row.body) as RecordBody;
      records.push({
        ...body,
        pan: panByKey.get(row.card_key) ?? row.masked_pan,
        entries: entrySeqs.map((seq) => bySeq.get(seq)).filter((e): e is LedgerEntry => e !== undefined),
        ...(originalId !== undefined && records[originalId] ? { original: records[originalId] } : {}),
      });
    }
    core.issuer.importRecords(records);
    core.ids.rrn = records.reduce((max, r) => Math.max(max, Number(r.rrn) || 0), 0);
    core.acquirer.importSessions(sessions.map((s): StoredSession => ({ terminalId: s.terminal_id, batch: s.batch, seenStans: JSON.parse(s.seen_stans) as string[] })));
    return true;
  }

  /** Writes the whole state in one transaction. */
  save(core: HostCore): void {
    const ledger = core.ledger.exportState();
    const records = core.issuer.exportRecords();
    const indexOf = new Map(records.map((r, i) => [r, i]));
    const write = this.db.transaction(() => {
      this.db.exec('DELETE FROM accounts; DELETE FROM entries; DELETE FROM records; DELETE FROM sessions;');
      const account = this.db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
      for (const a of ledger.accounts) account.run(cardKey(a.pan), maskPan(a.pan), a.balanceFen, a.heldFen);
      const entry = this.db.prepare('INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (const { entry: e, pan } of ledger.entries) {
        entry.run(e.seq, cardKey(pan), e.maskedPan, e.effect, e.operation, e.amountFen, e.terminalId, e.merchantId, e.batch, e.stan, e.rrn, e.authCode, e.reversed ? 1 : 0, e.voided ? 1 : 0);
      }
      const record = this.db.prepare('INSERT INTO records VALUES (?, ?, ?, ?)');
      records.forEach((r, id) => {
        const { pan, entries, original, ...rest } = r;
        const body: RecordBody = { ...rest, entrySeqs: entries.map((e) => e.seq), ...(original ? { originalId: indexOf.get(original) } : {}) };
        record.run(id, cardKey(pan), maskPan(pan), JSON.stringify(body));
      });
      const session = this.db.prepare('INSERT INTO sessions VALUES (?, ?, ?)');
      for (const s of core.acquirer.exportSessions()) session.run(s.terminalId, s.batch, JSON.stringify(s.seenStans));
    });
    write();
  }

  close(): void {
    this.db.close();
  }
}
