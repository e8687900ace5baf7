import type { FlashGeometry } from '../drivers/flash/flash-device.js';
import { JournalState, type RecordEffect } from './journal-state.js';
import { scanImage, type ImageScan, type ScannedFrame } from './log-scan.js';
import { decodeRecord } from './record-codec.js';

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
}

export function replayImage(image: Uint8Array, geometry: FlashGeometry): Replay {
  const scan = scanImage(image, geometry);
  const bySeq = new Map<number, ScannedFrame>();
  for (const frame of scan.frames) if (!bySeq.has(frame.seq)) bySeq.set(frame.seq, frame);
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const state = new JournalState();
  const effects = new Map<number, RecordEffect>();
  for (const seq of seqs) {
    const frame = bySeq.get(seq)!;
    effects.set(seq, state.apply(decodeRecord(frame.payload), seq, frame.length));
  }
  return { scan, state, effects, lastSeq: seqs.length > 0 ? seqs[seqs.length - 1]! : 0 };
}
