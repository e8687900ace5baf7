import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { JournalError, JournalFull } from '../../firmware/journal/journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';
import { expectRemountOf } from './remount-view.js';

function device(sectors = 8, sectorSize = 4096): SimulatedNorFlash {
  return new SimulatedNorFlash({ size: sectors * sectorSize, sectorSize, programUnit: 16, seed: 3 });
}
const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };

describe('journal on simulated NOR', () => {
  it('records a sale through approve and printed, and a remount sees the same', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    expect(await journal.takeCounter('stan')).toBe(1);
    await journal.begin(sale(1));
    expect(journal.find(1)?.status).toBe('pending');
    await journal.approve(1, APPROVAL);
    await journal.printed(1);
    const tx = journal.find(1)!;
    expect(tx.status).toBe('approved');
    expect(tx.approval).toEqual(APPROVAL);
    expect(tx.printed).toBe(true);
    expect(tx.request.pan).toBe('6222021234567890123');
    const again = await openJournal(flash, options);
    expectRemountOf(again.view(), journal.view());
  });

  it('shows a transaction exactly as a remount reads it back, optional request fields present or absent', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.begin(sale(1));
    const voidRequest = { ...sale(2).request, authCode: '654321', originalRrn: '332211445566', field61: '000001000123' };
    await journal.begin(sale(2, { type: 'void', original: { voucherNo: 1, batchNo: 1 }, request: voidRequest }));
    expect(journal.find(2)?.request).toMatchObject({ authCode: '654321', originalRrn: '332211445566', field61: '000001000123' });
    const again = await openJournal(flash, options);
    for (const stan of [1, 2]) expect(again.find(stan)).toStrictEqual(journal.find(stan));
  });

  it('keeps a fallback read as fallback, live and after a remount', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.begin(sale(1, { entryMode: 'fallback' }));
    await journal.begin(sale(2));
    expect(journal.find(1)?.entryMode).toBe('fallback');
    expect(journal.view().transactions.map((tx) => tx.entryMode)).toEqual(['fallback', undefined]);
    const again = await openJournal(flash, options);
    expect(again.find(1)?.entryMode).toBe('fallback');
    expect(again.find(2)?.entryMode).toBeUndefined();
  });

  it('hands out copies: changing what find() or view() returned changes nothing in the journal', async () => {
    const journal = await openJournal(device(), options);
    await journal.begin(sale(1));
    await journal.approve(1, APPROVAL);
    await journal.begin(sale(2, { type: 'void', original: { voucherNo: 1, batchNo: 1 } }));
    const [shown1, shown2] = journal.view().transactions;
    shown1!.approval!.authCode = '999999';
    shown2!.original!.voucherNo = 99;
    shown2!.request.pan = '4000000000000002';
    const found = journal.find(2)!;
    found.original!.batchNo = 99;
    expect(journal.find(1)?.approval).toEqual(APPROVAL);
    expect(journal.find(2)?.original).toEqual({ voucherNo: 1, batchNo: 1 });
    expect(journal.find(2)?.request.pan).toBe('6222021234567890123');
  });

  it('never writes the PAN in clear', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.begin(sale(1));
    const image = Buffer.from(flash.snapshot().image);
    expect(image.includes(Buffer.from('6222021234567890123'))).toBe(false);
    expect(image.includes(Buffer.from('62220212', 'hex'))).toBe(false);
  });

  it('approve clears the owed reversal and sets voidedBy on the voided original in one record', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.begin(sale(1));
    await journal.requireReversal(1, '98');
    expect(journal.find(1)?.status).toBe('reversal-pending');
    await journal.approve(1, APPROVAL);
    expect(journal.find(1)?.reversalReason).toBeUndefined();
    const programsBefore = flash.counters().programs;
    await journal.begin(sale(2, { type: 'void', voucherNo: 2, original: { voucherNo: 1, batchNo: 1 } }));
    await journal.approve(2, APPROVAL);
    expect(flash.counters().programs - programsBefore).toBe(2);
    expect(journal.find(1)?.voidedBy).toBe(2);
    expect((await openJournal(flash, options)).find(1)?.voidedBy).toBe(2);
  });

  it('walks the reversal states and keeps owed reversals across settlement', async () => {
    const journal = await openJournal(device(), options);
    await journal.raiseCounter('batch', 1);
    for (const stan of [1, 2, 3, 4, 5]) await journal.begin(sale(stan));
    await journal.declined(1, '51');
    await journal.requireReversal(2, '98');
    await journal.reversalTried(2, 3);
    await journal.reversalFailed(2);
    await journal.requireReversal(3, 'A0');
    await journal.reversalAcked(3);
    await journal.outcomeUnknown(4);
    expect(journal.view().transactions.map((t) => t.status)).toEqual(['declined', 'reversal-failed', 'reversed', 'unknown', 'pending']);
    expect(journal.find(2)?.reversalTries).toBe(3);
    await journal.settle(1);
    expect(journal.view().counters.batch).toBe(2);
    expect(journal.view().transactions.map((t) => t.stan)).toEqual([5]);
  });

  it('hands out counters that never repeat, wrapping 999999 to 1', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.raiseCounter('stan', 999998);
    expect(await journal.takeCounter('stan')).toBe(999999);
    expect(await journal.takeCounter('stan')).toBe(1);
    await journal.raiseCounter('voucher', 5);
    await journal.raiseCounter('voucher', 3);
    // A remount moves both past what a lost page at the head could hide; 999999 wraps to 1 still.
    expectRemountOf((await openJournal(flash, options)).view(), { counters: { stan: 1, voucher: 5, batch: 0 }, transactions: [] });
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await expect(journal.approve(9, APPROVAL)).rejects.toThrow(/no transaction with STAN 9/);
    await expect(journal.begin(sale(1, { amountFen: -1 }))).rejects.toThrow(JournalError);
    await expect(journal.begin({ ...sale(1), request: { ...sale(1).request, pan: '12ab' } })).rejects.toThrow(/pan/);
    await journal.begin(sale(1));
    await expect(journal.begin(sale(1))).rejects.toThrow(/already/);
    await expect(journal.raiseCounter('stan', 0)).rejects.toThrow(/1 to 999999/);
    expect(flash.counters().programs).toBe(2);
  });

  it('runs calls made without waiting one at a time, in the order made, a rejected one stopping none after it', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    const order: string[] = [];
    const calls = [
      journal.begin(sale(1)).then(() => order.push('begin 1')),
      journal.approve(1, APPROVAL).then(() => order.push('approve 1')),
      journal.approve(2, APPROVAL).catch(() => order.push('approve 2 refused')),
      journal.begin(sale(2)).then(() => order.push('begin 2')),
      journal.printed(1).then(() => order.push('printed 1')),
    ];
    // Each ran after the one before it was durable: approve 1 found begin 1, approve 2 did not find begin 2.
    await Promise.all(calls);
    expect(order).toEqual(['begin 1', 'approve 1', 'approve 2 refused', 'begin 2', 'printed 1']);
    expect(journal.find(1)).toMatchObject({ status: 'approved', printed: true });
    expect(journal.find(2)?.status).toBe('pending');
    expect(flash.counters().programs).toBe(5); // the first sector's header, then four records
  });

  it('fills up, throws JournalFull with nothing overwritten, and takes transactions again after settlement', async () => {
    const flash = device(6, 2048);
    const journal = await openJournal(flash, options);
    expect(journal.capacity().transactionsLeft).toBeGreaterThan(3);
    let taken = 0;
    while (journal.capacity().transactionsLeft > 0) {
      taken++;
      await journal.begin(sale(taken));
      await journal.approve(taken, APPROVAL);
      await journal.printed(taken);
    }
    await expect(journal.begin(sale(taken + 1))).rejects.toBeInstanceOf(JournalFull);
    expect((await openJournal(flash, options)).view().transactions).toHaveLength(taken);
    await journal.settle(1);
    const afterSettle = journal.capacity().transactionsLeft;
    expect(afterSettle).toBeGreaterThan(3);
    for (let stan = taken + 1; stan <= taken + 20 * afterSettle; stan++) {
      await journal.begin(sale(stan, { batchNo: 2 }));
      await journal.approve(stan, APPROVAL);
      if (journal.capacity().transactionsLeft === 0) await journal.settle(2);
    }
    expect(flash.counters().erases).toBeGreaterThan(6);
  });
});
