import { describe, expect, it } from 'vitest';
import type { FlashGeometry } from '../../firmware/drivers/flash/flash-device.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { capacityModel, transactionsLeft } from '../../firmware/journal/capacity.js';
import { frameBytes } from '../../firmware/journal/frame.js';
import { JournalFull } from '../../firmware/journal/journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { encodeRecord, type JournalRecord } from '../../firmware/journal/record-codec.js';
import { largestTransaction, TEST_KEY, seededIvs } from './sample-transactions.js';

/**
 * What capacity() promises (FORMAT.md, "Capacity"): room counted from live bytes, four sectors held
 * back, every other sector less one largest frame; each live transaction keeps room for the records
 * it may still write, and the counters for a new record written before the old one is garbage.
 */
function geometry(sectors: number, sectorSize: number, programUnit: number): FlashGeometry {
  return { size: sectors * sectorSize, sectorSize, programUnit, erasedValue: 0xff, needsErase: false };
}
/** The journal on the Uno board's AT24C256 (README, "uno-firmata.json"). */
const EEPROM_16_X_2K = geometry(16, 2048, 1);
const LARGEST_APPROVAL = { authCode: 'ABCDEF', rrn: 'ABCDEFGHIJKL', hostDate: '1231', hostTime: '235959' };

/** Flash bytes of `records` as the journal frames them. */
function bytesOf(records: JournalRecord[], programUnit: number): number {
  return records.reduce((sum, record) => sum + frameBytes(encodeRecord(record).length, programUnit), 0);
}

describe('capacity model', () => {
  it("usable bytes are README's figures: 16 sectors of 2 KiB hold 20,460, 32 of 1 KiB 19,068 (four sectors held back, one largest frame lost per sector)", () => {
    expect(capacityModel(EEPROM_16_X_2K).usableBytes).toBe(20_460);
    expect(capacityModel(geometry(32, 1024, 1)).usableBytes).toBe(19_068);
  });

  for (const programUnit of [1, 16]) {
    it(`keeps room for the longest run of records a begun transaction may still write, and for two counter records (program unit ${programUnit})`, () => {
      const model = capacityModel(geometry(16, 2048, programUnit));
      const stan = 999999;
      // The outcome, the reversal owed, a tries record written while the one it replaces is still
      // live, the reversal's result, the receipt printed: every field at its longest.
      const followUps: JournalRecord[] = [
        { kind: 'approve', stan, approval: LARGEST_APPROVAL, voidsStan: stan },
        { kind: 'require-reversal', stan, reason: '06' },
        { kind: 'reversal-tried', stan, tries: 254 },
        { kind: 'reversal-tried', stan, tries: 255 },
        { kind: 'reversal-failed', stan },
        { kind: 'printed', stan },
      ];
      expect(bytesOf(followUps, programUnit)).toBeLessThanOrEqual(model.followUpBytes);
      // A settle record (the largest counter writer) lands before the one it replaces is garbage.
      const settles: JournalRecord[] = [
        { kind: 'settle', batchNo: 999998, nextBatch: 999999 },
        { kind: 'settle', batchNo: 999999, nextBatch: 1 },
      ];
      expect(bytesOf(settles, programUnit)).toBeLessThanOrEqual(model.counterBytes);
    });
  }

  it('promises k more transactions exactly while the room covers live bytes, the follow-ups of every live transaction, the counters, and k of the largest with theirs', () => {
    const model = capacityModel(EEPROM_16_X_2K);
    const each = model.beginBytes + model.followUpBytes;
    const live = 3;
    // Live bytes that leave room for exactly 5 more.
    const liveBytes = model.usableBytes - live * model.followUpBytes - model.counterBytes - 5 * each;
    expect(transactionsLeft(model, liveBytes, live)).toBe(5);
    expect(transactionsLeft(model, liveBytes + 1, live)).toBe(4);
    expect(transactionsLeft(model, model.usableBytes, 0)).toBe(0);
  });
});

describe('capacity() of a journal', () => {
  it('everything capacity() lets in, with its longest records, is on flash; then JournalFull', async () => {
    const flash = new SimulatedNorFlash({ size: 6 * 2048, sectorSize: 2048, programUnit: 16, seed: 1 });
    const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };
    const journal = await openJournal(flash, options);
    await journal.raiseCounter('batch', 1);
    let stan = 0;
    while (journal.capacity().transactionsLeft > 0) {
      stan = await journal.takeCounter('stan');
      await journal.begin(largestTransaction(stan, 1));
      await journal.approve(stan, LARGEST_APPROVAL);
      await journal.requireReversal(stan, '96');
      await journal.reversalTried(stan, 1);
      await journal.reversalTried(stan, 2);
      await journal.reversalFailed(stan);
      await journal.printed(stan);
    }
    expect(stan).toBeGreaterThan(3);
    await expect(journal.begin(largestTransaction(stan + 1, 1))).rejects.toBeInstanceOf(JournalFull);
    const again = await openJournal(flash, options);
    expect(again.view().transactions.map((t) => [t.stan, t.status, t.printed])).toEqual(
      journal.view().transactions.map((t) => [t.stan, 'reversal-failed', true]),
    );
  });
});
