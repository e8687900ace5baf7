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
 * What capacity() promises (FORMAT.md, "Capacity"): four sectors held back, every other sector less
 * one largest frame; each live transaction holds its begin and room for the records it may still
 * write (the ones it writes are drawn from it), the counters room for every record of theirs that
 * may be live. What it promises, begin lets in.
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
    it(`keeps room for the longest run of records a begun transaction may still write, and for every counter record that may be live (program unit ${programUnit})`, () => {
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
      // Each counter's newest writer, the newest settle record after a batch counter record took
      // the batch number over, and a settle record (the largest) written before its predecessor is garbage.
      const counters: JournalRecord[] = [
        { kind: 'counter', counter: 'stan', value: 999999 },
        { kind: 'counter', counter: 'voucher', value: 999999 },
        { kind: 'counter', counter: 'batch', value: 999999 },
        { kind: 'settle', batchNo: 999998, nextBatch: 999999 },
        { kind: 'settle', batchNo: 999999, nextBatch: 1 },
      ];
      expect(bytesOf(counters, programUnit)).toBeLessThanOrEqual(model.counterBytes);
    });
  }

  it('promises k more transactions exactly while the room covers the counters, what the live transactions hold, and k of the largest with their follow-up room', () => {
    const model = capacityModel(EEPROM_16_X_2K);
    const each = model.beginBytes + model.followUpBytes;
    // Room held by live transactions that leaves exactly 5 more.
    const held = model.usableBytes - model.counterBytes - 5 * each;
    expect(transactionsLeft(model, held)).toBe(5);
    expect(transactionsLeft(model, held + 1)).toBe(4);
    expect(transactionsLeft(model, held - each)).toBe(6);
    expect(transactionsLeft(model, model.usableBytes)).toBe(0);
  });
});

describe('capacity() of a journal', () => {
  // The worst case for a promise: begin records as large as the input checks allow, each followed
  // by the longest run of records capacity keeps room for. The Uno's EEPROM (program unit 1), the
  // tests' NOR (16) and a NOR with 256-byte pages (a largest frame is two units, so a follow-up
  // record's frame is mostly padding); and the smallest journal there is (six sectors).
  for (const g of [EEPROM_16_X_2K, geometry(16, 2048, 16), geometry(16, 4096, 256), geometry(6, 2048, 16)]) {
    it(`lets in at least as many transactions as it promised, each one costing at most one, all on flash; then JournalFull (${g.size / g.sectorSize} sectors of ${g.sectorSize}, program unit ${g.programUnit})`, async () => {
      const flash = new SimulatedNorFlash({ size: g.size, sectorSize: g.sectorSize, programUnit: g.programUnit, seed: 2 });
      const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };
      const journal = await openJournal(flash, options);
      await journal.raiseCounter('batch', 1);
      const promised = journal.capacity().transactionsLeft;
      let taken = 0;
      // As the engine does it (ensureRoom, then a STAN, then begin): room is asked before the
      // counter record, so neither that record nor any record of a live transaction may take it.
      while (journal.capacity().transactionsLeft > 0) {
        const left = journal.capacity().transactionsLeft;
        const stan = await journal.takeCounter('stan');
        await journal.begin(largestTransaction(stan, 1));
        taken++;
        await journal.approve(stan, LARGEST_APPROVAL);
        await journal.requireReversal(stan, '96');
        await journal.reversalTried(stan, 254);
        await journal.reversalTried(stan, 255);
        await journal.reversalFailed(stan);
        await journal.printed(stan);
        expect.soft(journal.capacity().transactionsLeft, `after transaction ${taken}`).toBeGreaterThanOrEqual(left - 1);
      }
      expect(taken, `promised ${promised}`).toBeGreaterThanOrEqual(promised);
      await expect(journal.begin(largestTransaction(999_000, 1))).rejects.toBeInstanceOf(JournalFull);
      const again = await openJournal(flash, options);
      expect(again.view().transactions.map((t) => [t.stan, t.status, t.printed])).toEqual(
        journal.view().transactions.map((t) => [t.stan, 'reversal-failed', true]),
      );
      expect(again.view().transactions).toHaveLength(taken);
    });
  }
});
