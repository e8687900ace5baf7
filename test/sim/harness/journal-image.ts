/**
 * The oracle's own reading of the journal: it takes the raw flash image (before the terminal mounts
 * it, so whatever boot recovery then does cannot hide what was on flash) and folds it with the
 * format's pure replay, writing nothing. It also follows records between sectors: a record that
 * turns up in another sector than where it was last seen was copied by GC, which the soak counts
 * without asking the journal.
 */
import type { FlashGeometry } from '../../../firmware/drivers/flash/flash-device.js';
import type { JournalTransaction } from '../../../firmware/journal/journal.js';
import { replayImage } from '../../../firmware/journal/replay.js';
import type { PanCipher } from '../../../firmware/security/pan-at-rest.js';

export class JournalImageReader {
  /** Record sequence number -> the sector it was last seen in. */
  private readonly sectorOf = new Map<number, number>();
  /** Records seen to move to another sector (GC copies), counted once per move. */
  gcCopies = 0;

  /** `cipher` opens sealed PANs (the harness knows the simulated terminal's device key). */
  constructor(
    private readonly geometry: FlashGeometry,
    private readonly cipher: PanCipher,
  ) {}

  read(image: Uint8Array): JournalTransaction[] {
    const replay = replayImage(image, this.geometry);
    const present = new Map<number, Set<number>>();
    for (const frame of replay.scan.frames) {
      const sectors = present.get(frame.seq) ?? new Set<number>();
      sectors.add(frame.sector);
      present.set(frame.seq, sectors);
    }
    for (const [seq, sectors] of present) {
      const before = this.sectorOf.get(seq);
      const now = [...sectors].find((s) => s !== before) ?? before!;
      if (before !== undefined && now !== before) this.gcCopies += 1;
      this.sectorOf.set(seq, now);
    }
    return [...replay.state.transactions.values()].map(({ tx }) => {
      const { sealedPan, ...request } = tx.request;
      return structuredClone({ ...tx, request: { ...request, pan: this.cipher.open(sealedPan) } });
    });
  }
}
