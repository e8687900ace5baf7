import type { FlashDevice } from '../drivers/flash/flash-device.js';
import { createPanCipher } from '../security/pan-at-rest.js';
import { frameBytes, MAX_PAYLOAD_BYTES } from './frame.js';
import { FlashJournal } from './flash-journal.js';
import { JournalError, type CounterName, type JournalHealth } from './journal.js';
import { LogRing } from './log-ring.js';
import { readForMount } from './mount-read.js';
import { replayImage, type Replay } from './replay.js';
import { dataEnd, dataStart } from './sector-header.js';

export interface JournalOptions {
  /** 32-byte AES-256 key that seals PANs at rest (security/device-key.ts loads it). */
  deviceKey: Uint8Array;
  /** IV source for sealing; tests pass a seeded one. Defaults to node:crypto randomBytes (pooled). */
  randomBytes?: (n: number) => Uint8Array;
  /** Told how far the mount's reads have got (0-1), for a progress screen during a slow mount. */
  onProgress?: (fraction: number) => void;
}

const MIN_SECTORS = 6;

/**
 * Mounts the journal on a device. Mount is recovery: a read of what the format needs
 * (mount-read.ts; the whole area on NOR), one linear scan, a replay in sequence order. It writes nothing; the first write after a cut goes to a fresh sector
 * whenever the head's tail is not provably erased.
 */
export async function openJournal(device: FlashDevice, options: JournalOptions): Promise<FlashJournal> {
  const g = device.geometry;
  if (g.size / g.sectorSize < MIN_SECTORS) {
    throw new JournalError(`journal needs at least ${MIN_SECTORS} sectors, device has ${g.size / g.sectorSize}`);
  }
  if (dataEnd(g.sectorSize, g.programUnit) - dataStart(g.programUnit) < 2 * frameBytes(MAX_PAYLOAD_BYTES, g.programUnit)) {
    throw new JournalError(`sector size ${g.sectorSize} is too small for journal records (program unit ${g.programUnit})`);
  }
  if (g.erasedValue !== 0xff) throw new JournalError(`journal needs an erased value of 0xFF, device has ${g.erasedValue}`);
  const cipher = createPanCipher(options.deviceKey, options.randomBytes);
  const { image, unverifiedErased } = await readForMount(device, options.onProgress);
  const replay = replayImage(image, g);
  const health: JournalHealth = { findings: replay.findings, countersAdvanced: advanceCountersAtMount(replay) };
  const ring = LogRing.fromScan(device, replay.scan, replay.effects, {
    isLive: (entry) => replay.state.isLive(entry.seq, entry.effect),
    decidesRemovedStatus: (entry) => replay.state.decidesRemovedStatus(entry.effect),
  }, unverifiedErased);
  // Records lost to damage may have had sequence numbers above the last intact one: skip past them
  // (not past records missing between sectors, whose numbers lie below it).
  const skipped = replay.recordsPossiblyLost - replay.scan.recordsMissing;
  return new FlashJournal(device, replay.state, ring, cipher, replay.lastSeq + 1 + skipped, health);
}

/** Records one lost 256-byte page at the head's tail can hold (the smallest frame is 16 bytes). */
const TAIL_RECORDS_AT_RISK = 16;

/**
 * The newest records sit at the head's tail, where a lost page reads exactly like space never
 * written: no format can see that loss. So every mount moves the STAN and voucher counters past
 * what such a loss could hide, and past whatever damage it did see (FORMAT.md, "Counters at
 * mount"). Returns the old values. Nothing is written: a value is durable only once taken.
 */
export function advanceCountersAtMount(replay: Replay): Partial<Record<CounterName, number>> {
  // A journal that never opened a sector has no tail to lose (a new terminal starts at STAN 1).
  if (!replay.scan.sectors.some((s) => s.state === 'active')) return {};
  return replay.state.advanceAfterLoss(replay.recordsPossiblyLost + TAIL_RECORDS_AT_RISK);
}
