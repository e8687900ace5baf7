import type { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';

/**
 * Damage at rest (rot, a stray page erase), applied to a simulated NOR image between boots. A
 * damaged unit counts as programmed exactly when it no longer reads erased, as after a torn
 * operation, so the device's once-per-erase rule still holds for the journal's later writes.
 */
export const PAGE = 256;

/** Replaces the bytes at `offset` with `bytes`, as rot would (not a program: bits may go either way). */
export function rewrite(flash: SimulatedNorFlash, offset: number, bytes: ArrayLike<number>): void {
  const snapshot = flash.snapshot();
  snapshot.image.set(bytes, offset);
  const unit = flash.geometry.programUnit;
  for (let u = Math.floor(offset / unit); u * unit < offset + bytes.length; u++) {
    snapshot.programmedUnits[u] = snapshot.image.subarray(u * unit, (u + 1) * unit).every((b) => b === 0xff) ? 0 : 1;
  }
  flash.restore(snapshot);
}

/** Flips bit 0 of the byte at `offset`. */
export function flipBit(flash: SimulatedNorFlash, offset: number): void {
  rewrite(flash, offset, [flash.snapshot().image[offset]! ^ 1]);
}

/** Erases the page holding byte `offset`, as rot or a stray page erase would. */
export function erasePage(flash: SimulatedNorFlash, offset: number): void {
  const start = offset - (offset % PAGE);
  rewrite(flash, start, new Uint8Array(PAGE).fill(0xff));
}
