import { describe, expect, it } from 'vitest';
import { dataStart, headerSlotBytes } from '../../firmware/journal/sector-header.js';
import { sale } from './sample-transactions.js';
import { CountingEeprom, mount, sales } from './counting-eeprom.js';

/**
 * The boot screen shows the mount's progress (firmware/main.ts: STARTING n%), which on the Uno's
 * EEPROM takes seconds. It must not say 100 % while reads remain, and must move while they run:
 * once the headers are read, the only thing mount does not know is how far the head is written.
 */
describe('mount progress on an EEPROM', () => {
  for (const pipelined of [false, true]) {
    it(`follows the bytes read: never ahead, 100 % only at the end, behind by no more than the head's unread part (${pipelined ? 'readMany' : 'one read per range'})`, async () => {
      const device = new CountingEeprom({ pipelined });
      const journal = await mount(device);
      await sales(journal, 1, 30);
      await journal.begin(sale(31));
      // Sector 1's header copies rotted: an orphan, read whole.
      device.bytes[1024 + 4] ^= 0x01;
      device.bytes[1024 + headerSlotBytes(1) + 4] ^= 0x01;
      let head = 0;
      while (device.bytes[(head + 1) * 1024] !== 0xff) head++;
      device.resetCounts();
      const seen: { fraction: number; bytesRead: number }[] = [];
      const remounted = await mount(device, (fraction) => seen.push({ fraction, bytesRead: device.bytesRead }));
      expect(remounted.health().findings.join('\n')).toMatch(/sector 1: both header copies are unreadable/);
      const total = device.bytesRead;
      const unreadOfHead = 1024 - dataStart(1) - device.readIn(head * 1024 + dataStart(1), (head + 1) * 1024);
      expect(total).toBeGreaterThan(4 * 1024);
      expect(seen.at(-1)?.fraction).toBe(1);
      seen.forEach(({ fraction, bytesRead }, i) => {
        const where = `at ${bytesRead} of ${total} bytes`;
        expect(fraction, where).toBeLessThanOrEqual(bytesRead / total);
        if (i > 0) expect(fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
        if (bytesRead > 32 * 2 * headerSlotBytes(1)) expect(fraction, where).toBeGreaterThanOrEqual(bytesRead / (total + unreadOfHead) - 1e-12);
      });
      expect(seen.filter(({ fraction }) => fraction > 0 && fraction < 1).length).toBeGreaterThan(3);
    });
  }
});
