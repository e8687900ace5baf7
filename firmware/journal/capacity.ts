import type { FlashGeometry } from '../drivers/flash/flash-device.js';
import { frameBytes, MAX_PAYLOAD_BYTES } from './frame.js';
import { FREE_SECTORS_KEPT } from './log-ring.js';
import { dataEnd, dataStart } from './sector-header.js';

/**
 * Fixed capacity, decided from live bytes only (never from where records happen to sit), so that
 * GC can always make room for what capacity() promised:
 * - four sectors are held back: the two free sectors the ring keeps (GC copies into one; a cut
 *   during GC may close it), the head, and one more lost to a cut (mount never appends to a sector
 *   whose tail is torn);
 * - every other sector counts for its data bytes minus one largest frame (what a sector may leave
 *   unused at its end);
 * - every live transaction keeps room for the records it may still need (outcome, reversal owed,
 *   tries, reversal result, printed); a new one must fit with its largest begin record plus that.
 */
export interface CapacityModel {
  /** Bytes live records may occupy. */
  usableBytes: number;
  /** The largest begin record (a frame of the largest payload). */
  beginBytes: number;
  /** Room kept for the later records of every live transaction. */
  followUpBytes: number;
  /** Room for counter and settle records written before the ones they replace become garbage. */
  counterBytes: number;
}

/** Payload sizes (kind byte + CBOR) of the largest follow-up records, given field limits in transaction-check.ts. */
const APPROVE_PAYLOAD = 44;
const REQUIRE_REVERSAL_PAYLOAD = 8;
const TRIED_PAYLOAD = 12;
const STAN_ONLY_PAYLOAD = 7;
const COUNTER_PAYLOAD = 12;

export function capacityModel(geometry: FlashGeometry): CapacityModel {
  const unit = geometry.programUnit;
  const sectors = geometry.size / geometry.sectorSize;
  const largestFrame = frameBytes(MAX_PAYLOAD_BYTES, unit);
  const perSector = dataEnd(geometry.sectorSize, unit) - dataStart(unit) - largestFrame;
  return {
    usableBytes: Math.max(0, (sectors - 2 - FREE_SECTORS_KEPT) * perSector),
    beginBytes: largestFrame,
    followUpBytes:
      frameBytes(APPROVE_PAYLOAD, unit) +
      frameBytes(REQUIRE_REVERSAL_PAYLOAD, unit) +
      2 * frameBytes(TRIED_PAYLOAD, unit) +
      2 * frameBytes(STAN_ONLY_PAYLOAD, unit),
    counterBytes: 2 * frameBytes(COUNTER_PAYLOAD, unit),
  };
}

function committedBytes(model: CapacityModel, liveBytes: number, liveTransactions: number): number {
  return liveBytes + liveTransactions * model.followUpBytes + model.counterBytes;
}

/** How many more transactions (each with its reversal) fit before settlement. */
export function transactionsLeft(model: CapacityModel, liveBytes: number, liveTransactions: number): number {
  const room = model.usableBytes - committedBytes(model, liveBytes, liveTransactions);
  return Math.max(0, Math.floor(room / (model.beginBytes + model.followUpBytes)));
}
