import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { invokeJournal, type JournalCall } from '../../firmware/journal/journal-call.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { adoptMount, applyCall, canonical, emptyModel, type ModelState } from '../../tools/powerloss/journal-model.js';
import { journalSale } from '../../tools/powerloss/journal-sale.js';
import { APPROVAL, TEST_KEY, seededIvs } from './sample-transactions.js';

/** format-2.json: an image format 2 wrote (generate-format-2.ts beside it says how), and its calls. */
interface Fixture {
  format: number;
  geometry: { size: number; sectorSize: number; programUnit: number };
  calls: JournalCall[];
  image: { offset: number; hex: string }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/journal/format-2.json', import.meta.url), 'utf8')) as Fixture;
const formatOf = (image: Uint8Array, sector: number): number => image[sector * fixture.geometry.sectorSize + 2]!;

describe('journal format versions', () => {
  it('mounts a format 2 image as the oracle says, appends after it, and opens format 3 sectors', async () => {
    expect(fixture.format).toBe(2);
    const flash = new SimulatedNorFlash({ ...fixture.geometry, seed: 1 });
    for (const run of fixture.image) await flash.program(run.offset, Buffer.from(run.hex, 'hex'));
    await flash.sync();
    let model: ModelState = emptyModel();
    for (const call of fixture.calls) model = applyCall(model, call);
    const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };
    let journal = await openJournal(flash, options);
    expect(journal.health().findings).toEqual([]);
    const mounted = adoptMount(canonical(journal.view()), model);
    expect(mounted).toBeDefined();
    model = mounted!;
    expect(model.transactions.map((t) => [t.stan, t.voucherNo, t.status])).toContainEqual([9, 9, 'reversal-pending']);

    const image = (): Uint8Array => flash.snapshot().image;
    const sectorsInUse = (): number[] => [0, 1, 2, 3, 4, 5].filter((s) => formatOf(image(), s) !== 0xff);
    const formatTwoSectors = sectorsInUse();
    expect(formatTwoSectors.map((s) => formatOf(image(), s))).toEqual(formatTwoSectors.map(() => 2));
    const run = async (call: JournalCall, workloadTx?: number): Promise<void> => {
      await invokeJournal(journal, call);
      model = applyCall(model, call, workloadTx);
    };
    while (sectorsInUse().length === formatTwoSectors.length) {
      if (journal.capacity().transactionsLeft === 0) await run({ method: 'settle', batchNo: model.counters.batch });
      await run({ method: 'takeCounter', name: 'stan' });
      const stan = model.issued.stan;
      await run({ method: 'begin', tx: journalSale(stan, model.counters.batch, 4200) }, stan);
      await run({ method: 'approve', stan, approval: APPROVAL });
      await run({ method: 'printed', stan });
    }
    const opened = sectorsInUse().filter((s) => !formatTwoSectors.includes(s));
    expect(opened.map((s) => formatOf(image(), s))).toEqual([3]);
    expect(formatTwoSectors.map((s) => formatOf(image(), s))).toEqual(formatTwoSectors.map(() => 2));

    journal = await openJournal(flash, options);
    expect(journal.health().findings).toEqual([]);
    expect(adoptMount(canonical(journal.view()), model)).toBeDefined();
  });
});
