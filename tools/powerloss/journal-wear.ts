import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { journalSale } from './journal-sale.js';

/**
 * Wear levelling: simulated sales (counters, pending, approved or declined, printed, settlement
 * when the journal asks for it; now and then a reversal owed across 1-8 settlements, so GC copies
 * it forward lap after lap) on a small flash, then the ratio of the most to the least erased sector.
 */
export interface WearOptions {
  sales: number;
  seed: number;
  geometry?: { size: number; sectorSize: number; programUnit: number };
}

export interface WearResult {
  sales: number;
  erases: number;
  maxErases: number;
  minErases: number;
  ratio: number;
  /** Records GC copied forward. */
  gcCopies: number;
}

export async function runWearTest(options: WearOptions): Promise<WearResult> {
  const geometry = options.geometry ?? { size: 8 * 2048, sectorSize: 2048, programUnit: 16 };
  const flash = new SimulatedNorFlash({ ...geometry, seed: options.seed });
  const random = new SeededRandom(options.seed);
  const journal = await openJournal(flash, { deviceKey: new Uint8Array(32).fill(1), randomBytes: (n) => random.bytes(n) });
  await journal.raiseCounter('batch', 1);
  let batchNo = 1;
  /** Owed reversals and the settlements each stays owed across. */
  let owed: { stan: number; settlements: number }[] = [];
  for (let sale = 0; sale < options.sales; sale++) {
    if (journal.capacity().transactionsLeft === 0) {
      await journal.settle(batchNo++);
      for (const o of owed) if (--o.settlements === 0) await journal.reversalAcked(o.stan);
      owed = owed.filter((o) => o.settlements > 0);
    }
    const stan = await journal.takeCounter('stan');
    await journal.begin(journalSale(stan, batchNo, random.int(1, 200000)));
    const roll = random.next();
    if (roll < 0.9) {
      await journal.approve(stan, { authCode: '123456', rrn: String(stan).padStart(12, '0'), hostDate: '1122', hostTime: '120000' });
      await journal.printed(stan);
    } else if (roll < 0.99 || owed.length >= 3) {
      await journal.declined(stan, '51');
    } else {
      await journal.requireReversal(stan, '98');
      owed.push({ stan, settlements: random.int(1, 8) });
    }
  }
  const perSector = flash.counters().eraseCountPerSector;
  const maxErases = Math.max(...perSector);
  const minErases = Math.min(...perSector);
  return {
    sales: options.sales,
    erases: flash.counters().erases,
    maxErases,
    minErases,
    ratio: maxErases / Math.max(1, minErases),
    gcCopies: journal.gcCopies(),
  };
}
