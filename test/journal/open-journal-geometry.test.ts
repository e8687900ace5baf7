import { describe, expect, it } from 'vitest';
import { frameBytes, MAX_PAYLOAD_BYTES } from '../../firmware/journal/frame.js';
import { dataEnd, dataStart } from '../../firmware/journal/sector-header.js';
import { CountingEeprom, mount } from './counting-eeprom.js';

/** Geometries the journal refuses before reading anything, and what the refusal says (the shell logs it). */
async function refusal(device: CountingEeprom): Promise<string> {
  const error = await mount(device).then(
    () => expect.fail('the device was accepted'),
    (e: unknown) => e,
  );
  expect(device.bytesRead).toBe(0);
  return String(error);
}

describe('openJournal refuses a device it cannot hold the journal on', () => {
  it('fewer than six sectors', async () => {
    expect(await refusal(new CountingEeprom({ size: 5 * 1024 }))).toBe('JournalError: journal needs at least 6 sectors, device has 5');
  });

  it('a sector that cannot hold two largest frames; one that holds exactly two is taken', async () => {
    // Program unit 1: two largest frames are 526 bytes, the slots take 80.
    const fits = dataStart(1) + 2 * frameBytes(MAX_PAYLOAD_BYTES, 1) + (1024 - dataEnd(1024, 1));
    expect(await refusal(new CountingEeprom({ size: 8 * (fits - 1), sectorSize: fits - 1 }))).toBe(
      `JournalError: sector size ${fits - 1} is too small for journal records (program unit 1)`,
    );
    const journal = await mount(new CountingEeprom({ size: 8 * fits, sectorSize: fits }));
    expect(journal.view().transactions).toEqual([]);
  });

  it('an erased value other than 0xFF', async () => {
    expect(await refusal(new CountingEeprom({ erasedValue: 0 }))).toBe('JournalError: journal needs an erased value of 0xFF, device has 0');
  });
});
