import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../firmware/journal/frame.js';
import { sale } from './sample-transactions.js';
import { CountingEeprom, frameRun, mount, sales } from './counting-eeprom.js';

/**
 * A record whose CRC holds but whose payload this code cannot decode (FORMAT.md, "Bit rot": reported,
 * never guessed). It counts as a record possibly lost: counters move one further at mount, and the
 * sequence numbers skip past it, so the next record never shares a number with one on flash.
 */
describe('mount of a journal holding a record it cannot decode', () => {
  it('reports it by number and place, moves the counters one further, and the next record keeps a number of its own', async () => {
    const device = new CountingEeprom();
    const journal = await mount(device);
    await sales(journal, 1, 3);
    const clean = (await mount(device)).view().counters;
    const { end, lastSeq } = frameRun(device, 0);
    device.bytes.set(encodeFrame(lastSeq + 1, Uint8Array.of(0x63), 1), end);

    const damaged = await mount(device);
    expect(damaged.health().findings).toHaveLength(1);
    expect(damaged.health().findings[0]).toMatch(new RegExp(`^record ${lastSeq + 1} at offset ${end}: \\S`));
    expect(damaged.view().counters).toEqual({ ...clean, stan: clean.stan + 1, voucher: clean.voucher + 1 });

    await damaged.begin(sale(50));
    expect(frameRun(device, 0).lastSeq).toBeGreaterThan(lastSeq + 1);
    expect((await mount(device)).find(50)?.status).toBe('pending');
  });
});
