import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import type { FinancialType } from '../../firmware/journal/journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/**
 * Which original an approved void marks (voidedBy: the receipt reprint and the settlement totals
 * read it), and which transactions a settlement removes.
 */
function device(): SimulatedNorFlash {
  return new SimulatedNorFlash({ size: 8 * 4096, sectorSize: 4096, programUnit: 16, seed: 3 });
}
const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };

describe('voids', () => {
  const voids: [FinancialType, FinancialType][] = [
    ['void', 'sale'],
    ['preauth-void', 'preauth'],
    ['completion-void', 'completion'],
  ];
  for (const [voidType, originalType] of voids) {
    it(`an approved ${voidType} marks its ${originalType} voided, on flash too`, async () => {
      const flash = device();
      const journal = await openJournal(flash, options);
      await journal.begin(sale(1, { type: originalType }));
      await journal.approve(1, APPROVAL);
      await journal.begin(sale(2, { type: voidType, original: { voucherNo: 1, batchNo: 1 } }));
      await journal.approve(2, APPROVAL);
      expect(journal.find(1)?.voidedBy).toBe(2);
      expect((await openJournal(flash, options)).find(1)?.voidedBy).toBe(2);
    });
  }

  it('a void naming a batch marks the sale with its voucher number in that batch', async () => {
    const journal = await openJournal(device(), options);
    // Voucher numbers wrap at 999999: a reversal owed from an earlier batch, kept by its settlement,
    // may hold the number a sale of the open batch holds.
    await journal.begin(sale(11, { voucherNo: 7, batchNo: 1 }));
    await journal.begin(sale(12, { voucherNo: 7, batchNo: 2 }));
    await journal.begin(sale(13, { type: 'void', voucherNo: 8, batchNo: 2, original: { voucherNo: 7, batchNo: 2 } }));
    await journal.approve(13, APPROVAL);
    expect(journal.view().transactions.filter((t) => t.voidedBy === 8).map((t) => t.stan)).toEqual([12]);
  });

  it('a void naming only a voucher number marks the sale with it', async () => {
    const journal = await openJournal(device(), options);
    await journal.begin(sale(11, { voucherNo: 6, batchNo: 2 }));
    await journal.begin(sale(12, { voucherNo: 7, batchNo: 2 }));
    await journal.begin(sale(13, { type: 'void', voucherNo: 8, batchNo: 2, original: { voucherNo: 7 } }));
    await journal.approve(13, APPROVAL);
    expect(journal.view().transactions.filter((t) => t.voidedBy === 8).map((t) => t.stan)).toEqual([12]);
  });
});

describe('settlement', () => {
  it('removes its batch and earlier ones, and keeps a later batch and owed reversals', async () => {
    const journal = await openJournal(device(), options);
    await journal.begin(sale(1, { batchNo: 1 }));
    await journal.approve(1, APPROVAL);
    await journal.begin(sale(2, { batchNo: 2 }));
    await journal.approve(2, APPROVAL);
    await journal.begin(sale(3, { batchNo: 2 }));
    await journal.begin(sale(4, { batchNo: 3 }));
    await journal.approve(4, APPROVAL);
    await journal.settle(2);
    expect(journal.view().transactions.map((t) => [t.stan, t.status])).toEqual([
      [3, 'pending'],
      [4, 'approved'],
    ]);
  });
});
