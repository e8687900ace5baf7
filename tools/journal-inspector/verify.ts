import type { FlashGeometry } from '../../firmware/drivers/flash/flash-device.js';
import { replayImage } from '../../firmware/journal/replay.js';

/**
 * Checks every CRC in the log (sector headers and frames), that every intact record decodes, and
 * that everything else in the image is what a power cut leaves (a torn last write, a torn erase, a
 * retired sector): anything the format cannot account for is a problem (exit non-zero).
 */
export interface VerifyResult {
  ok: boolean;
  records: number;
  activeSectors: number;
  problems: string[];
  notes: string[];
}

export function verifyImage(image: Uint8Array, geometry: FlashGeometry): VerifyResult {
  const problems: string[] = [];
  const notes: string[] = [];
  let replay;
  try {
    replay = replayImage(image, geometry);
  } catch (error) {
    return { ok: false, records: 0, activeSectors: 0, problems: [String((error as Error).message)], notes };
  }
  const scan = replay.scan;
  problems.push(...replay.findings);
  if (replay.recordsPossiblyLost > 0) problems.push(`up to ${replay.recordsPossiblyLost} records may be lost: counters jump ahead at the next mount`);
  for (const sector of scan.sectors) {
    if (sector.state === 'active' && sector.tornTail && sector.damagedUnits === sector.tailUnits) {
      notes.push(`sector ${sector.index}: its last write was torn by a power cut (${sector.tailUnits} program units skipped)`);
    }
    if (sector.state === 'dirty') notes.push(`sector ${sector.index}: ${sector.retired ? 'retired by GC, not yet erased' : 'not in the log (half-erased or a torn header)'}`);
  }
  return {
    ok: problems.length === 0,
    records: scan.frames.length,
    activeSectors: scan.sectors.filter((s) => s.state === 'active').length,
    problems,
    notes,
  };
}
