/** The journal image the process-kill sample's terminals live on: 16 sectors of 4 KiB, 16-byte program unit. */
import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';

export const KILL_IMAGE_GEOMETRY = { size: 16 * 4096, sectorSize: 4096, programUnit: 16 } as const;

/** The image's journal area as the last process left it, read without writing (the parent reads it between lives). */
export async function readKillImage(path: string): Promise<Uint8Array> {
  const image = await FileImageFlash.open({ path, ...KILL_IMAGE_GEOMETRY, readOnly: true });
  try {
    return await image.read(0, KILL_IMAGE_GEOMETRY.size);
  } finally {
    await image.close();
  }
}
