/**
 * The host simulator keeps its batches in memory, so a fresh one expects batch 000001, while the
 * simulated terminal's journal (a file image under var/) may be on a later batch after earlier runs
 * and settlements — and the engine never steps its batch back (it would reuse batch numbers), so
 * every request would be refused with 77. The host starts on the journal's batch instead
 * (startHostSimulator's firstBatch), as a real acquirer that remembers the terminal would.
 */
import { existsSync } from 'node:fs';
import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';
import { replayImage } from '../../firmware/journal/replay.js';

/** The batch the journal in `imagePath` trades on (0 when there is no image or no batch yet). */
export async function journalBatch(imagePath: string): Promise<number> {
  if (!existsSync(imagePath)) return 0;
  const geometry = await FileImageFlash.readGeometry(imagePath);
  const flash = await FileImageFlash.open({ path: imagePath, ...geometry, readOnly: true });
  try {
    return replayImage(await flash.read(0, geometry.size), flash.geometry).state.counters.batch;
  } finally {
    await flash.close();
  }
}
