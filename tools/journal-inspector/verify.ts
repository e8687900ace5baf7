import type { FlashGeometry } from '../../firmware/drivers/flash/flash-device.js';
import { scanImage } from '../../firmware/journal/log-scan.js';
import { decodeRecord } from '../../firmware/journal/record-codec.js';

/**
 * Checks every CRC in the log (sector headers and frames) and that every intact record decodes.
 * Sectors outside the log (erased, retired, half-erased by a cut) are listed, not judged.
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
  let scan;
  try {
    scan = scanImage(image, geometry);
  } catch (error) {
    return { ok: false, records: 0, activeSectors: 0, problems: [String((error as Error).message)], notes };
  }
  for (const sector of scan.sectors) {
    if (sector.state === 'active' && sector.damagedUnits > 0) {
      problems.push(`sector ${sector.index}: ${sector.damagedUnits} program units fail their frame CRC (a torn write from a power cut, or corruption)`);
    }
    if (sector.state === 'dirty') notes.push(`sector ${sector.index}: ${sector.retired ? 'retired by GC, not yet erased' : 'not in the log (damaged header or half-erased)'}`);
  }
  for (const frame of scan.frames) {
    try {
      decodeRecord(frame.payload);
    } catch (error) {
      problems.push(`record ${frame.seq} at offset ${frame.offset}: ${(error as Error).message}`);
    }
  }
  return {
    ok: problems.length === 0,
    records: scan.frames.length,
    activeSectors: scan.sectors.filter((s) => s.state === 'active').length,
    problems,
    notes,
  };
}
