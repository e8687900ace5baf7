/**
 * `pos host-sim ledger`: the stored issuer ledger read back from its books file (read-only) — each
 * account's balance, each terminal's transactions, and the one-sided check against a terminal's
 * journal image (what the issuer holds that the terminal does not: 单边帐; and the reverse).
 */
import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';
import { replayImage } from '../../firmware/journal/replay.js';
import { readBooks } from './host-store.js';
import { IssuerLedger, type LedgerEntry, type TerminalApproval } from './issuer-ledger.js';

export interface LedgerReport {
  db: string;
  accounts: { maskedPan: string; balanceFen: number; heldFen: number }[];
  terminals: {
    terminalId: string;
    batch: string;
    transactions: { batch: string; stan: string; operation: string; effect: string; amountFen: number; maskedPan: string; rrn: string; state: 'standing' | 'reversed' | 'voided' }[];
  }[];
  /** Absent without a journal image to check against. */
  check?: { terminalId: string; journal: string; approvals: number; oneSided: { batch: string; stan: string; amountFen: number; maskedPan: string }[]; lostApprovals: TerminalApproval[] };
}

/** Approved transactions a journal image holds, as the host names them. */
export async function journalApprovals(imagePath: string): Promise<TerminalApproval[]> {
  const geometry = await FileImageFlash.readGeometry(imagePath);
  const flash = await FileImageFlash.open({ path: imagePath, ...geometry, readOnly: true });
  try {
    const { state } = replayImage(await flash.read(0, geometry.size), flash.geometry);
    return [...state.transactions.values()]
      .filter((entry) => entry.tx.status === 'approved')
      .map((entry) => ({ batch: String(entry.tx.batchNo).padStart(6, '0'), stan: String(entry.tx.stan).padStart(6, '0') }));
  } finally {
    await flash.close();
  }
}

export async function buildLedgerReport(dbPath: string, check?: { journal: string; terminalId: string }): Promise<LedgerReport> {
  const books = readBooks(dbPath);
  const accounts = books.accounts
    .map((a) => ({ maskedPan: a.maskedPan, balanceFen: a.balanceFen, heldFen: a.heldFen }))
    .sort((x, y) => byText(x.maskedPan, y.maskedPan));
  const entries: LedgerEntry[] = books.entries.map(({ cardKey: _key, ...entry }) => entry).sort((x, y) => x.seq - y.seq);
  const sessions = [...books.sessions].sort((x, y) => byText(x.terminalId, y.terminalId));
  const terminals = sessions
    .map((s) => ({
      terminalId: s.terminalId,
      batch: s.batch,
      transactions: entries
        .filter((e) => e.terminalId === s.terminalId)
        .map((e) => ({
          batch: e.batch,
          stan: e.stan,
          operation: e.operation,
          effect: e.effect,
          amountFen: e.amountFen,
          maskedPan: e.maskedPan,
          rrn: e.rrn,
          state: e.reversed ? ('reversed' as const) : e.voided ? ('voided' as const) : ('standing' as const),
        })),
    }))
    .filter((t) => t.transactions.length > 0);
  const report: LedgerReport = { db: dbPath, accounts, terminals };
  if (check) {
    const approved = await journalApprovals(check.journal);
    const ledger = new IssuerLedger();
    ledger.importState({ accounts: [], entries: entries.map((entry) => ({ entry, pan: entry.maskedPan })) });
    // Batches the host has settled are closed; the journal has let them go too.
    const fromBatch = sessions.find((s) => s.terminalId === check.terminalId)?.batch;
    const result = ledger.reconcileWithTerminal(check.terminalId, approved, fromBatch === undefined ? {} : { fromBatch });
    report.check = {
      terminalId: check.terminalId,
      journal: check.journal,
      approvals: approved.length,
      oneSided: result.oneSided.map((e) => ({ batch: e.batch, stan: e.stan, amountFen: e.amountFen, maskedPan: e.maskedPan })),
      lostApprovals: result.missingAtIssuer,
    };
  }
  return report;
}

/** Code-unit order, as the report always listed them. */
const byText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

const yuan = (fen: number) => (fen / 100).toFixed(2);

export function renderLedgerReport(report: LedgerReport): string {
  const out = [`issuer ledger ${report.db}`, '', 'balances (yuan):'];
  for (const a of report.accounts) out.push(`  ${a.maskedPan}  ${yuan(a.balanceFen).padStart(13)}${a.heldFen ? `  held ${yuan(a.heldFen)}` : ''}`);
  for (const t of report.terminals) {
    out.push('', `terminal ${t.terminalId} (batch now ${t.batch}): ${t.transactions.length} ledger entries`);
    for (const x of t.transactions) out.push(`  ${x.batch}/${x.stan}  ${x.operation.padEnd(15)} ${x.effect.padEnd(7)} ${yuan(x.amountFen).padStart(11)}  ${x.maskedPan}  rrn ${x.rrn}  ${x.state}`);
  }
  out.push('');
  if (report.check) {
    const c = report.check;
    out.push(`one-sided check against ${c.journal} (terminal ${c.terminalId}):`);
    for (const o of c.oneSided) out.push(`  单边帐: ${o.batch}/${o.stan} ${yuan(o.amountFen)} ${o.maskedPan} stands at the issuer; the terminal does not hold it`);
    for (const l of c.lostApprovals) out.push(`  lost approval: ${l.batch}/${l.stan} approved on the terminal, nothing stands at the issuer`);
    out.push(`ledger: approvals=${c.approvals} one_sided=${c.oneSided.length} lost_approvals=${c.lostApprovals.length}`);
  } else {
    out.push('one-sided check: no journal image to check against (--journal <image>)');
  }
  return out.join('\n');
}
