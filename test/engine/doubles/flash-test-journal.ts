/**
 * The engine tests' journal: the real FlashJournal on simulated NOR flash (one journal, no
 * stand-in with its own semantics: duplicate-STAN check, STAN wrap, reversal reason cleared on
 * approval all come from the real code). `failNext` makes the next call of a kind throw, to test
 * how the engine handles a journal that fails.
 */
import { SimulatedNorFlash } from '../../../firmware/drivers/flash/simulated-nor.js';
import type { FlashJournal } from '../../../firmware/journal/flash-journal.js';
import { JournalError, type Journal, type JournalCapacity, type JournalView } from '../../../firmware/journal/journal.js';
import { openJournal } from '../../../firmware/journal/open-journal.js';
import { APPROVAL, sale, seededIvs, TEST_KEY } from '../../journal/sample-transactions.js';

type Call = Exclude<keyof Journal, 'view' | 'capacity' | 'find' | 'close'>;

export class FailingJournal implements Journal {
  private readonly failing = new Set<Call>();

  constructor(readonly inner: FlashJournal) {}

  failNext(call: Call): void {
    this.failing.add(call);
  }

  private enter(call: Call): void {
    if (this.failing.delete(call)) throw new JournalError(`injected failure of ${call}`);
  }

  view(): JournalView {
    return this.inner.view();
  }
  capacity(): JournalCapacity {
    return this.inner.capacity();
  }
  find(stan: number) {
    return this.inner.find(stan);
  }
  async takeCounter(...args: Parameters<Journal['takeCounter']>) {
    this.enter('takeCounter');
    return this.inner.takeCounter(...args);
  }
  async raiseCounter(...args: Parameters<Journal['raiseCounter']>) {
    this.enter('raiseCounter');
    return this.inner.raiseCounter(...args);
  }
  async begin(...args: Parameters<Journal['begin']>) {
    this.enter('begin');
    return this.inner.begin(...args);
  }
  async approve(...args: Parameters<Journal['approve']>) {
    this.enter('approve');
    return this.inner.approve(...args);
  }
  async declined(...args: Parameters<Journal['declined']>) {
    this.enter('declined');
    return this.inner.declined(...args);
  }
  async requireReversal(...args: Parameters<Journal['requireReversal']>) {
    this.enter('requireReversal');
    return this.inner.requireReversal(...args);
  }
  async reversalTried(...args: Parameters<Journal['reversalTried']>) {
    this.enter('reversalTried');
    return this.inner.reversalTried(...args);
  }
  async reversalAcked(...args: Parameters<Journal['reversalAcked']>) {
    this.enter('reversalAcked');
    return this.inner.reversalAcked(...args);
  }
  async reversalFailed(...args: Parameters<Journal['reversalFailed']>) {
    this.enter('reversalFailed');
    return this.inner.reversalFailed(...args);
  }
  async outcomeUnknown(...args: Parameters<Journal['outcomeUnknown']>) {
    this.enter('outcomeUnknown');
    return this.inner.outcomeUnknown(...args);
  }
  async printed(...args: Parameters<Journal['printed']>) {
    this.enter('printed');
    return this.inner.printed(...args);
  }
  async settle(...args: Parameters<Journal['settle']>) {
    this.enter('settle');
    return this.inner.settle(...args);
  }
  async housekeep() {
    this.enter('housekeep');
    return this.inner.housekeep();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * A fresh real journal on 16 sectors of simulated NOR. `transactionsLeft`: filled first with
 * approved, printed sales of batch 1 until it has room for only that many more.
 */
export async function flashTestJournal(options: { transactionsLeft?: number } = {}): Promise<FailingJournal> {
  const flash = new SimulatedNorFlash({ size: 16 * 4096, sectorSize: 4096, programUnit: 16, seed: 3 });
  const journal = await openJournal(flash, { deviceKey: TEST_KEY, randomBytes: seededIvs() });
  if (options.transactionsLeft !== undefined) {
    await journal.takeCounter('batch');
    while (journal.capacity().transactionsLeft > options.transactionsLeft) {
      const stan = await journal.takeCounter('stan');
      await journal.begin(sale(stan));
      await journal.approve(stan, APPROVAL);
      await journal.printed(stan);
    }
  }
  return new FailingJournal(journal);
}
