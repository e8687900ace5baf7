import type { FlashGeometry } from './flash-device.js';

/** Rejects a geometry no backend can honour, with a message that names the bad value. */
export function checkGeometry(g: FlashGeometry): void {
  const whole = (n: number): boolean => Number.isInteger(n) && n > 0;
  if (!whole(g.programUnit)) throw new RangeError(`program unit must be a positive integer, got ${g.programUnit}`);
  if (!whole(g.sectorSize) || g.sectorSize % g.programUnit !== 0) {
    throw new RangeError(`sector size ${g.sectorSize} must be a positive multiple of the program unit ${g.programUnit}`);
  }
  if (!whole(g.size) || g.size % g.sectorSize !== 0) {
    throw new RangeError(`flash size ${g.size} must be a positive multiple of the sector size ${g.sectorSize}`);
  }
  if (!Number.isInteger(g.erasedValue) || g.erasedValue < 0 || g.erasedValue > 255) {
    throw new RangeError(`erased value must be a byte, got ${g.erasedValue}`);
  }
}

export function sectorCount(g: FlashGeometry): number {
  return g.size / g.sectorSize;
}

/** Checks that a program call is aligned, whole units, and inside the device. */
export function checkProgramRange(g: FlashGeometry, offset: number, length: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset % g.programUnit !== 0) {
    throw new RangeError(`program offset ${offset} is not aligned to the ${g.programUnit}-byte program unit`);
  }
  if (length === 0 || length % g.programUnit !== 0) {
    throw new RangeError(`program length ${length} is not a whole number of ${g.programUnit}-byte units`);
  }
  if (offset + length > g.size) throw new RangeError(`program [${offset}, ${offset + length}) is past the end (${g.size})`);
}

export function checkReadRange(g: FlashGeometry, offset: number, length: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > g.size) {
    throw new RangeError(`read [${offset}, ${offset + length}) is outside the device (${g.size} bytes)`);
  }
}

export function checkSector(g: FlashGeometry, sector: number): void {
  if (!Number.isInteger(sector) || sector < 0 || sector >= sectorCount(g)) {
    throw new RangeError(`sector ${sector} does not exist (device has ${sectorCount(g)})`);
  }
}
