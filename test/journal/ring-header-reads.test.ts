import { describe, expect, it } from 'vitest';
import { crc32 } from '../../firmware/drivers/flash/crc32.js';
import { encodeSectorHeader, headerSlotBytes, readHeaderCopy, readRetireSlot } from '../../firmware/journal/sector-header.js';

/**
 * The reads at the bottom of mount (FORMAT.md, "Sector header" and "Bit rot"): one header copy is
 * 16 bytes and is judged on those bytes alone; a retire slot is retired from exactly 3/4 of its
 * bits read 0. Found by re-running Stryker's load-10 Timeouts in sector-header.ts at lower load.
 */
describe('readHeaderCopy', () => {
  it('a blank copy is blank whatever the byte after it holds (the other copy, programmed with it)', () => {
    const bytes = new Uint8Array(32).fill(0xff);
    bytes[16] = 0x00;
    expect(readHeaderCopy(bytes, 0)).toEqual({ kind: 'blank' });
  });

  it('a copy with another magic is damaged even when its CRC matches its bytes', () => {
    const header = encodeSectorHeader(5, 2, 1);
    expect(readHeaderCopy(header, 0)).toMatchObject({ kind: 'valid', seq: 5, eraseCount: 2 });
    header[0] ^= 0x01;
    new DataView(header.buffer).setUint32(12, crc32(header, 0, 12), true);
    expect(readHeaderCopy(header, 0)).toEqual({ kind: 'damaged' });
  });
});

describe('readRetireSlot', () => {
  it('exactly 3/4 of the bits 0 is retired; one bit fewer is spoiled', () => {
    const size = headerSlotBytes(16);
    const slot = new Uint8Array(size).fill(0xff);
    const quarterOnes = (2 * size) / 8; // bytes left 0xff so that 1/4 of the bits read 1
    slot.fill(0x00, 0, size - quarterOnes);
    expect(readRetireSlot(slot, 0, 16)).toBe('retired');
    slot[0] = 0x01;
    expect(readRetireSlot(slot, 0, 16)).toBe('spoiled');
  });
});
