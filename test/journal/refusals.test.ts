import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { JournalError, JournalFull, type CounterName, type ReversalReason } from '../../firmware/journal/journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/**
 * What the journal refuses, what the refusal says (the shell logs `String(error)`), and that a
 * refused call writes nothing.
 */
function device(): SimulatedNorFlash {
  return new SimulatedNorFlash({ size: 8 * 4096, sectorSize: 4096, programUnit: 16, seed: 3 });
}
const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };

/** The rejection of `call`, after checking it wrote nothing to `flash`. */
async function refusal(flash: SimulatedNorFlash, call: () => Promise<unknown>): Promise<string> {
  const programs = flash.counters().programs;
  const error = await call().then(
    () => expect.fail('the call was not refused'),
    (e: unknown) => e,
  );
  expect(flash.counters().programs).toBe(programs);
  expect(error).toBeInstanceOf(JournalError);
  return String(error);
}

describe('journal refusals', () => {
  it('an unknown counter name', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    const bogus = 'receipt' as CounterName;
    expect(await refusal(flash, () => journal.takeCounter(bogus))).toBe('JournalError: unknown counter receipt');
    expect(await refusal(flash, () => journal.raiseCounter(bogus, 3))).toBe('JournalError: unknown counter receipt');
  });

  it('an unknown reversal reason', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.begin(sale(1));
    expect(await refusal(flash, () => journal.requireReversal(1, '05' as ReversalReason))).toBe('JournalError: unknown reversal reason 05');
    expect(journal.find(1)?.status).toBe('pending');
  });

  it('settling a batch older than the last one settled', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    await journal.settle(4);
    expect(await refusal(flash, () => journal.settle(3))).toBe('JournalError: batch 3 is older than batch 4, already settled');
    await journal.settle(4);
    expect((await openJournal(flash, options)).view().counters.batch).toBe(5);
  });

  it('any call after close, while calls made before it finish', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    const before = journal.begin(sale(1));
    await journal.close();
    await before;
    expect(await refusal(flash, () => journal.begin(sale(2)))).toBe('JournalError: journal is closed');
    expect(await refusal(flash, () => journal.housekeep())).toBe('JournalError: journal is closed');
    expect((await openJournal(flash, options)).view().transactions.map((t) => t.stan)).toEqual([1]);
  });

  it('a begin with no room: JournalFull says to settle first', async () => {
    const flash = new SimulatedNorFlash({ size: 6 * 2048, sectorSize: 2048, programUnit: 16, seed: 3 });
    const journal = await openJournal(flash, options);
    let stan = 0;
    while (journal.capacity().transactionsLeft > 0) await journal.begin(sale(++stan));
    const error = await journal.begin(sale(++stan)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalFull);
    expect(String(error)).toBe('JournalFull: journal full: settle the batch before new transactions');
    expect((error as JournalFull).transactionsLeft).toBe(0);
  });
});
