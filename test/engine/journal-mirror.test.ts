import { describe, expect, it } from 'vitest';
import type { JournalCall } from '../../firmware/app/engine-io.js';
import { buildFinancialRequest } from '../../firmware/app/iso-requests.js';
import { JournalMirror } from '../../firmware/app/journal-mirror.js';
import { defaultSettings } from '../../firmware/app/settings.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import type { FinancialType, NewTransaction } from '../../firmware/journal/journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { CARD } from './doubles/engine-driver.js';

function newTx(type: FinancialType, stan: number, original?: { voucherNo: number; batchNo: number }): NewTransaction {
  const { reversal } = buildFinancialRequest({ entry: 'swipe', type, amountFen: 100 + stan, stan, batchNo: 1, card: CARD, withPin: false, settings: defaultSettings(), wall: new Date(2026, 10, 22) });
  return { type, stan, voucherNo: stan, batchNo: 1, amountFen: 100 + stan, operator: '01', reversible: true, request: reversal, ...(original ? { original } : {}) };
}

describe('JournalMirror', () => {
  it('matches journal.view() after every kind of call, voids and STAN reuse included', async () => {
    const rng = new SeededRandom(4);
    const flash = new SimulatedNorFlash({ size: 16 * 4096, sectorSize: 4096, programUnit: 16, seed: 1 });
    const journal = await openJournal(flash, { deviceKey: new Uint8Array(32).fill(3), randomBytes: (n) => rng.bytes(n) });
    const mirror = new JournalMirror(journal);
    const approval = { authCode: '123456', rrn: '000000000001', hostDate: '1122', hostTime: '101010' };
    const run = async (request: JournalCall) => {
      let value: number | undefined;
      const j = journal;
      switch (request.method) {
        case 'takeCounter': value = await j.takeCounter(request.name); break;
        case 'raiseCounter': await j.raiseCounter(request.name, request.atLeast); break;
        case 'begin': await j.begin(request.tx); break;
        case 'approve': await j.approve(request.stan, request.approval); break;
        case 'declined': await j.declined(request.stan, request.responseCode); break;
        case 'requireReversal': await j.requireReversal(request.stan, request.reason); break;
        case 'reversalTried': await j.reversalTried(request.stan, request.tries); break;
        case 'reversalAcked': await j.reversalAcked(request.stan); break;
        case 'reversalFailed': await j.reversalFailed(request.stan); break;
        case 'outcomeUnknown': await j.outcomeUnknown(request.stan); break;
        case 'printed': await j.printed(request.stan); break;
        case 'settle': await j.settle(request.batchNo); break;
      }
      expect(mirror.afterSuccess(request, value), request.method).toEqual(journal.view());
    };
    await run({ method: 'takeCounter', name: 'batch' });
    await run({ method: 'raiseCounter', name: 'batch', atLeast: 1 });
    for (let stan = 1; stan <= 4; stan++) {
      await run({ method: 'takeCounter', name: 'stan' });
      await run({ method: 'begin', tx: newTx('sale', stan) });
    }
    await run({ method: 'approve', stan: 1, approval });
    await run({ method: 'printed', stan: 1 });
    await run({ method: 'declined', stan: 2, responseCode: '51' });
    await run({ method: 'requireReversal', stan: 3, reason: '98' });
    await run({ method: 'reversalTried', stan: 3, tries: 1 });
    await run({ method: 'reversalAcked', stan: 3 });
    await run({ method: 'requireReversal', stan: 4, reason: 'A0' });
    await run({ method: 'reversalFailed', stan: 4 });
    await run({ method: 'begin', tx: newTx('void', 5, { voucherNo: 1, batchNo: 1 }) });
    await run({ method: 'approve', stan: 5, approval });
    expect(mirror.view.transactions.find((t) => t.stan === 1)!.voidedBy).toBeDefined();
    await run({ method: 'begin', tx: { ...newTx('refund', 6), reversible: false } });
    await run({ method: 'outcomeUnknown', stan: 6 });
    await run({ method: 'settle', batchNo: 1 });
    // STAN 4 (reversal failed) may still be held; a new record with a reused STAN replaces it.
    await run({ method: 'begin', tx: { ...newTx('sale', 7), stan: 4 } });
    expect(mirror.view.transactions.at(-1)!.stan).toBe(4);
  });
});
