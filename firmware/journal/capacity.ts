import type { FlashGeometry } from '../drivers/flash/flash-device.js';
import { frameBytes, MAX_PAYLOAD_BYTES } from './frame.js';
import { FREE_SECTORS_KEPT } from './log-ring.js';
import { COUNTER_NAMES } from './record-codec.js';
import { dataEnd, dataStart } from './sector-header.js';

/**
 * Fixed capacity, decided from live transactions only (never from where records happen to sit),
 * so that GC can always make room for what capacity() promised:
 * - four sectors are held back: the two free sectors the ring keeps (GC copies into one; a cut
 *   during GC may close it), the head, and one more lost to a cut (mount never appends to a sector
 *   whose tail is torn);
 * - every other sector counts for its data bytes minus one largest frame (what a sector may leave
 *   unused at its end);
 * - every live transaction holds its begin record and room for the records it may still need
 *   (outcome, reversal owed, tries, reversal result, printed). The records it writes are drawn from
 *   that room (JournalState.transactionRoom), not counted again beside it: so a transaction costs
 *   at most one of what capacity() promised, however many of its records are on flash;
 * - the counters hold room for their records at their largest, written or not: so taking a STAN
 *   between the engine's room check and begin never takes the room it saw.
 * A new transaction must fit with its largest begin record plus its follow-up room.
 */
export interface CapacityModel {
  /** Bytes live records may occupy. */
  usableBytes: number;
  /** The largest begin record (a frame of the largest payload). */
  beginBytes: number;
  /** Room every live transaction keeps for its later records, the ones on flash included. */
  followUpBytes: number;
  /**
   * Room for the counter and settle records: the newest writer of each counter, the newest settle
   * record once a counter record has taken the batch number over (it stays live, FORMAT.md
   * "Removal"), and one more written before the one it replaces is garbage.
   */
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
    counterBytes: (COUNTER_NAMES.length + 2) * frameBytes(COUNTER_PAYLOAD, unit),
  };
}

/**
 * How many more transactions (each with its reversal) fit before settlement, given the room the
 * live transactions hold (JournalState.transactionRoom(), of a state kept with this model's followUpBytes).
 */
export function transactionsLeft(model: CapacityModel, transactionRoom: number): number {
  const room = model.usableBytes - model.counterBytes - transactionRoom;
  return Math.max(0, Math.floor(room / (model.beginBytes + model.followUpBytes)));
}
