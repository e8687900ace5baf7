import type { FlashDevice } from '../drivers/flash/flash-device.js';
import { createPanCipher } from '../security/pan-at-rest.js';
import { frameBytes, MAX_PAYLOAD_BYTES } from './frame.js';
import { FlashJournal } from './flash-journal.js';
import { JournalError, type JournalHealth } from './journal.js';
import { LogRing } from './log-ring.js';
import { readForMount } from './mount-read.js';
import { replayImage } from './replay.js';
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
  const health: JournalHealth = { findings: replay.findings, countersAdvanced: {} };
  if (replay.recordsPossiblyLost > 0) {
    health.countersAdvanced = replay.state.advanceAfterLoss(replay.lastSeq, replay.recordsPossiblyLost);
  }
  const ring = LogRing.fromScan(device, replay.scan, replay.effects, {
    isLive: (entry) => replay.state.isLive(entry.seq, entry.effect),
    decidesRemovedStatus: (entry) => replay.state.decidesRemovedStatus(entry.effect),
  }, unverifiedErased);
  // Records lost to damage may have had sequence numbers above the last intact one: skip past them.
  return new FlashJournal(device, replay.state, ring, cipher, replay.lastSeq + 1 + replay.recordsPossiblyLost, health);
}
