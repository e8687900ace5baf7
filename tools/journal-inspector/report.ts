import type { FlashGeometry } from '../../firmware/drivers/flash/flash-device.js';
import { capacityModel, transactionsLeft } from '../../firmware/journal/capacity.js';
import type { CounterName, TransactionStatus } from '../../firmware/journal/journal.js';
import type { Replay } from '../../firmware/journal/replay.js';
import { maskPan } from '../../firmware/security/pan-mask.js';
import type { PanCipher } from '../../firmware/security/pan-at-rest.js';

/**
 * What the inspector shows, built from a replay of the image (never from a mounted, writable
 * journal). PANs appear masked, and only when the device key was given; otherwise "sealed".
 */
export interface TransactionLine {
  stan: number;
  voucherNo: number;
  batchNo: number;
  type: string;
  status: TransactionStatus;
  amountFen: number;
  pan: string;
  reversalReason?: string;
  reversalTries: number;
  printed: boolean;
}

export interface SectorLine {
  index: number;
  state: string;
  seq?: number;
  eraseCount?: number;
  records: number;
  damagedUnits: number;
}

export interface InspectionReport {
  geometry: { size: number; sectorSize: number; programUnit: number };
  counters: Record<CounterName, number>;
  transactionsLeft: number;
  liveBytes: number;
  usableBytes: number;
  reversalsPending: TransactionLine[];
  reversalsFailed: TransactionLine[];
  unsettled: TransactionLine[];
  sectors: SectorLine[];
}

const OWED = new Set<TransactionStatus>(['pending', 'reversal-pending']);

export function buildReport(replay: Replay, geometry: FlashGeometry, cipher: PanCipher | undefined): InspectionReport {
  const { state, scan } = replay;
  const lines = [...state.transactions.values()].map(({ tx }): TransactionLine => {
    let pan = 'sealed';
    if (cipher) {
      try {
        pan = maskPan(cipher.open(tx.request.sealedPan));
      } catch {
        pan = 'unreadable (wrong device key?)';
      }
    }
    const line: TransactionLine = {
      stan: tx.stan,
      voucherNo: tx.voucherNo,
      batchNo: tx.batchNo,
      type: tx.type,
      status: tx.status,
      amountFen: tx.amountFen,
      pan,
      reversalTries: tx.reversalTries,
      printed: tx.printed,
    };
    if (tx.reversalReason) line.reversalReason = tx.reversalReason;
    return line;
  });
  const model = capacityModel(geometry);
  const recordsPerSector = new Map<number, number>();
  for (const frame of scan.frames) recordsPerSector.set(frame.sector, (recordsPerSector.get(frame.sector) ?? 0) + 1);
  return {
    geometry: { size: geometry.size, sectorSize: geometry.sectorSize, programUnit: geometry.programUnit },
    counters: { ...state.counters },
    transactionsLeft: transactionsLeft(model, state.transactionRoom()),
    liveBytes: state.liveBytes(),
    usableBytes: model.usableBytes,
    reversalsPending: lines.filter((l) => OWED.has(l.status)),
    reversalsFailed: lines.filter((l) => l.status === 'reversal-failed'),
    unsettled: lines.filter((l) => !OWED.has(l.status) && l.status !== 'reversal-failed'),
    sectors: scan.sectors.map((s) => {
      const line: SectorLine = {
        index: s.index,
        state: s.retired ? 'retired' : s.state,
        records: recordsPerSector.get(s.index) ?? 0,
        damagedUnits: s.damagedUnits,
      };
      if (s.state === 'active') line.seq = s.seq;
      if (s.eraseCount !== undefined) line.eraseCount = s.eraseCount;
      return line;
    }),
  };
}

export function renderReport(report: InspectionReport, image: string): string {
  const out: string[] = [];
  const g = report.geometry;
  out.push(`journal ${image}: ${g.size} bytes, ${g.size / g.sectorSize} sectors of ${g.sectorSize}, program unit ${g.programUnit}`);
  out.push(`counters: STAN ${report.counters.stan}, voucher ${report.counters.voucher}, batch ${report.counters.batch}`);
  out.push(`capacity: ${report.transactionsLeft} more transactions (live ${report.liveBytes} of ${report.usableBytes} bytes)`);
  const section = (title: string, lines: TransactionLine[]): void => {
    out.push(`${title}: ${lines.length}`);
    for (const l of lines) {
      const reversal = l.reversalReason ? ` reason ${l.reversalReason} tries ${l.reversalTries}` : '';
      out.push(
        `  STAN ${pad6(l.stan)} voucher ${pad6(l.voucherNo)} batch ${pad6(l.batchNo)} ${l.type} ${l.status} ` +
          `${yuan(l.amountFen)} card ${l.pan}${reversal}${l.printed ? ' printed' : ''}`,
      );
    }
  };
  section('pending reversals', report.reversalsPending);
  section('failed reversals (manual handling)', report.reversalsFailed);
  section('unsettled transactions', report.unsettled);
  out.push('sectors:');
  for (const s of report.sectors) {
    const seq = s.seq === undefined ? '' : ` seq ${s.seq}`;
    const erases = s.eraseCount === undefined ? 'erases ?' : `erases ${s.eraseCount}`;
    const damage = s.damagedUnits > 0 ? ` damaged units ${s.damagedUnits}` : '';
    out.push(`  ${String(s.index).padStart(3)} ${s.state.padEnd(7)} ${erases}${seq} records ${s.records}${damage}`);
  }
  return out.join('\n');
}

function pad6(n: number): string {
  return String(n).padStart(6, '0');
}

function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
