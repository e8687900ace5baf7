import type { FlashGeometry } from '../drivers/flash/flash-device.js';
import { capacityModel } from './capacity.js';
import { JournalState, type RecordEffect } from './journal-state.js';
import { scanImage, type ImageScan, type ScannedFrame } from './log-scan.js';
import { decodeRecord, type JournalRecord } from './record-codec.js';

/**
 * Recovery without side effects: scan the image once, then fold every intact record into the state
 * in sequence order (a record copied by GC appears twice with one sequence number; it counts once).
 * Mount and the inspector both start here; neither writes.
 */
export interface Replay {
  scan: ImageScan;
  state: JournalState;
  /** What each sequence number's record touched, for GC's liveness checks. */
  effects: Map<number, RecordEffect>;
  /** Highest record sequence number on flash (0 on a blank journal). */
  lastSeq: number;
  /** What the image holds that the format cannot account for (empty when healthy). */
  findings: string[];
  /** Records that damage may have destroyed (0 when healthy). */
  recordsPossiblyLost: number;
}

/** Decodes one intact frame's payload (tools pass a memoised one; mount uses decodeRecord). */
export type FrameDecoder = (frame: ScannedFrame) => JournalRecord;

export function replayImage(image: Uint8Array, geometry: FlashGeometry, decode: FrameDecoder = (f) => decodeRecord(f.payload)): Replay {
  const scan = scanImage(image, geometry);
  const bySeq = new Map<number, ScannedFrame>();
  for (const frame of scan.frames) if (!bySeq.has(frame.seq)) bySeq.set(frame.seq, frame);
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const state = new JournalState(capacityModel(geometry).followUpBytes);
  const effects = new Map<number, RecordEffect>();
  const findings = [...scan.findings];
  let recordsPossiblyLost = scan.recordsPossiblyLost;
  for (const seq of seqs) {
    const frame = bySeq.get(seq)!;
    let record;
    try {
      record = decode(frame);
    } catch (error) {
      // An intact CRC over a payload this code cannot read: report it, never guess.
      findings.push(`record ${seq} at offset ${frame.offset}: ${(error as Error).message}`);
      recordsPossiblyLost++;
      continue;
    }
    effects.set(seq, state.apply(record, seq, frame.length));
  }
  return { scan, state, effects, lastSeq: seqs.length > 0 ? seqs[seqs.length - 1]! : 0, findings, recordsPossiblyLost };
}
