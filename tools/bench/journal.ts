import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import type { Approval, Journal, NewTransaction } from '../../firmware/journal/journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { createPanCipher } from '../../firmware/security/pan-at-rest.js';
import { journalSale } from '../powerloss/journal-sale.js';

/**
 * `npm run bench:journal [-- --dir <folder> --sales <n>]`: one JSON line.
 * A sale = pending -> approved -> printed, each durable before the call returns. The journal runs
 * on a 64 KiB file image (4 KiB sectors, 16-byte program unit); SQLite (better-sqlite3, WAL,
 * synchronous=FULL) does the same three transitions, one transaction each, on a database in the
 * same folder, commit by commit alternating with the journal (both see the same machine load). Bytes are write-syscall bytes from /proc/self/io (wchar) around each transition;
 * settlement (every batch) happens outside the measured windows for both. Wear-out is projected
 * from a 20,000-sale run on a simulated 64 KiB NOR: 100,000 cycles on the most-erased sector.
 */
const GEOMETRY = { size: 64 * 1024, sectorSize: 4096, programUnit: 16 };
const KEY = new Uint8Array(32).fill(0x42);
const APPROVAL: Approval = { authCode: '123456', rrn: '332211445566', hostDate: '1122', hostTime: '101533' };

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1]!;
}

async function wchar(): Promise<number> {
  const io = await readFile('/proc/self/io', 'ascii');
  return Number(/wchar:\s*(\d+)/.exec(io)![1]);
}

function saleOf(stan: number, batchNo: number): NewTransaction {
  return journalSale(stan, batchNo, 8800 + stan);
}

interface Measure {
  ms: number;
  bytes: number;
  commits: number;
}

async function timed(measure: Measure, work: () => unknown): Promise<void> {
  const bytes = await wchar();
  const start = performance.now();
  await work();
  measure.ms += performance.now() - start;
  measure.bytes += (await wchar()) - bytes;
  measure.commits++;
}

/**
 * wchar counts every thread of the process, and tsx writes its compile cache from a worker thread
 * for a while after start-up: wait until nothing writes before the timed windows start.
 */
async function waitForQuietWrites(): Promise<void> {
  let last = await wchar();
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await wchar();
    if (now === last) return;
    last = now;
  }
}

/** One side of the comparison: the three commits of the next sale (untimed housekeeping done first). */
interface SaleRig {
  nextSale(): Promise<Array<() => unknown>>;
  close(): Promise<void>;
}

interface JournalRig extends SaleRig {
  flash: FileImageFlash;
  /** Settlements so far: each is one program and one sync outside the timed windows. */
  settles(): number;
}

async function journalRig(dir: string): Promise<JournalRig> {
  const flash = await FileImageFlash.open({ path: join(dir, 'journal.img'), ...GEOMETRY });
  const journal = await openJournal(flash, { deviceKey: KEY });
  let batch = 1;
  let stan = 0;
  return {
    flash,
    settles: () => batch - 1,
    async nextSale() {
      if (journal.capacity().transactionsLeft === 0) await journal.settle(batch++);
      return saleCommits(journal, ++stan, batch);
    },
    close: () => flash.close(),
  };
}

function saleCommits(journal: Journal, stan: number, batch: number): Array<() => Promise<void>> {
  return [() => journal.begin(saleOf(stan, batch)), () => journal.approve(stan, APPROVAL), () => journal.printed(stan)];
}

async function sqliteRig(dir: string): Promise<SaleRig> {
  const db = new Database(join(dir, 'journal.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS tx (
    stan INTEGER PRIMARY KEY, batch INTEGER NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
    amount INTEGER NOT NULL, request TEXT NOT NULL, sealed_pan BLOB NOT NULL,
    auth_code TEXT, rrn TEXT, host_date TEXT, host_time TEXT, printed INTEGER NOT NULL DEFAULT 0)`);
  const cipher = createPanCipher(KEY);
  const insert = db.prepare('INSERT INTO tx (stan, batch, type, status, amount, request, sealed_pan) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const approve = db.prepare("UPDATE tx SET status = 'approved', auth_code = ?, rrn = ?, host_date = ?, host_time = ? WHERE stan = ?");
  const printed = db.prepare('UPDATE tx SET printed = 1 WHERE stan = ?');
  const settle = db.prepare('DELETE FROM tx WHERE batch = ?');
  let stan = 0;
  return {
    async nextSale() {
      stan++;
      const tx = saleOf(stan, 1 + Math.floor(stan / 100));
      if (stan % 100 === 0) settle.run(tx.batchNo - 1);
      const { pan, ...request } = tx.request;
      const id = stan;
      return [
        () => insert.run(id, tx.batchNo, tx.type, 'pending', tx.amountFen, JSON.stringify(request), cipher.seal(pan)),
        () => approve.run(APPROVAL.authCode, APPROVAL.rrn, APPROVAL.hostDate, APPROVAL.hostTime, id),
        () => printed.run(id),
      ];
    },
    close: async () => void db.close(),
  };
}

/**
 * Both sides commit by commit, alternating (journal begin, SQLite insert, journal approve, ...), so
 * that both see the same machine load and each commit follows one of the other side's.
 */
async function benchCommits(dir: string, sales: number) {
  const journal = await journalRig(dir);
  const sqlite = await sqliteRig(dir);
  const scratch = (): Measure => ({ ms: 0, bytes: 0, commits: 0 });
  const alternate = async (journalMeasure: Measure, sqliteMeasure: Measure): Promise<void> => {
    const ours = await journal.nextSale();
    const theirs = await sqlite.nextSale();
    for (let i = 0; i < ours.length; i++) {
      await timed(journalMeasure, ours[i]!);
      await timed(sqliteMeasure, theirs[i]!);
    }
  };
  for (let i = 0; i < 20; i++) await alternate(scratch(), scratch());
  await waitForQuietWrites();
  const journalMeasure = scratch();
  const sqliteMeasure = scratch();
  const before = journal.flash.counters();
  const settlesBefore = journal.settles();
  for (let i = 0; i < sales; i++) await alternate(journalMeasure, sqliteMeasure);
  const after = journal.flash.counters();
  const settles = journal.settles() - settlesBefore;
  await journal.close();
  await sqlite.close();
  return {
    journal: journalMeasure,
    sqlite: sqliteMeasure,
    programs: after.programs - before.programs - settles,
    syncs: after.syncs - before.syncs - settles,
  };
}

/** Fills a 64 KiB image until the journal refuses new transactions, then times open + mount. */
async function benchMount(dir: string): Promise<number> {
  const path = join(dir, 'full.img');
  const flash = await FileImageFlash.open({ path, ...GEOMETRY });
  const journal = await openJournal(flash, { deviceKey: KEY });
  for (let stan = 1; journal.capacity().transactionsLeft > 0; stan++) {
    await journal.begin(saleOf(stan, 1));
    await journal.approve(stan, APPROVAL);
    await journal.printed(stan);
  }
  await flash.close();
  // Mount = open the image + recovery (scan, replay): after it the journal knows every owed reversal.
  // PANs are unsealed later, when a view asks for them. Median of 15 (the machine is shared).
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    const device = await FileImageFlash.open({ path, ...GEOMETRY });
    await openJournal(device, { deviceKey: KEY });
    times.push(performance.now() - start);
    await device.close();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Sales until the most-erased sector of a 64 KiB NOR reaches 100,000 cycles. */
async function projectWearout(): Promise<number> {
  const flash = new SimulatedNorFlash({ ...GEOMETRY, seed: 1 });
  const journal = await openJournal(flash, { deviceKey: KEY });
  const sales = 20_000;
  let batch = 1;
  for (let stan = 1; stan <= sales; stan++) {
    if (journal.capacity().transactionsLeft === 0) await journal.settle(batch++);
    for (const commit of saleCommits(journal, stan, batch)) await commit();
  }
  const worst = Math.max(...flash.counters().eraseCountPerSector);
  return Math.floor((100_000 * sales) / worst);
}

const sales = Number(option('sales', '300'));
const dir = await mkdtemp(join(option('dir', tmpdir()), 'bench-journal-'));
try {
  const commits = await benchCommits(dir, sales);
  const mountMs = await benchMount(dir);
  const wearout = await projectWearout();
  const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
  console.log(
    JSON.stringify({
      bench: 'journal',
      programs_per_sale: round(commits.programs / sales),
      bytes_per_sale: round(commits.journal.bytes / sales, 1),
      syncs_per_sale: round(commits.syncs / sales),
      journal_commit_ms: round(commits.journal.ms / commits.journal.commits),
      sqlite_commit_ms: round(commits.sqlite.ms / commits.sqlite.commits),
      sqlite_bytes_per_sale: round(commits.sqlite.bytes / sales, 1),
      mount_ms_full_64k: round(mountMs),
      sales_to_wearout_64k_100k_cycles: wearout,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
