import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { replayImage } from '../../firmware/journal/replay.js';
import { erasePage } from './image-rot.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/**
 * A whole 256-byte page that reads erased (issue 10's rot sweep). At the head's tail it looks
 * exactly like space never written, so only the mount's counter margin keeps a STAN from being
 * handed out twice; at the end of a closed sector the next sector's first new record shows the gap.
 * FORMAT.md, "Counters at mount" and "Missing records".
 */
const SECTOR = 4096;
const options = { deviceKey: TEST_KEY, randomBytes: seededIvs() };

function device(): SimulatedNorFlash {
  return new SimulatedNorFlash({ size: 16 * SECTOR, sectorSize: SECTOR, programUnit: 16, seed: 9 });
}

/** The cashier's path: take a STAN and a voucher number, begin, approve, print. Returns the STAN. */
async function sell(journal: FlashJournal): Promise<number> {
  const stan = await journal.takeCounter('stan');
  const voucherNo = await journal.takeCounter('voucher');
  await journal.begin(sale(stan, { voucherNo }));
  await journal.approve(stan, APPROVAL);
  await journal.printed(stan);
  return stan;
}

/** Offset just past the last programmed byte of sector `index`'s record area. */
function dataEndOf(flash: SimulatedNorFlash, index: number): number {
  const image = flash.snapshot().image;
  let end = (index + 1) * SECTOR - 32; // before the end retire mark
  while (end > index * SECTOR && image[end - 1] === 0xff) end--;
  return end;
}

describe('a page lost to rot', () => {
  it("at the head's tail: the next STAN and voucher number are past every one handed out", async () => {
    const flash = device();
    let journal = await openJournal(flash, options);
    for (let i = 0; i < 12; i++) await sell(journal);
    // Sign-ins take STANs with no transaction record: the newest records are takes only.
    let issued = 0;
    for (let i = 0; i < 4; i++) issued = await journal.takeCounter('stan');
    erasePage(flash, dataEndOf(flash, 0) - 1);
    // What the image itself still says: the newest takes are gone, with nothing to show for it.
    const replay = replayImage(flash.snapshot().image, flash.geometry);
    expect(replay.findings).toEqual([]);
    expect(replay.state.counters.stan).toBeLessThan(issued);
    journal = await openJournal(flash, options);
    expect(await journal.takeCounter('stan')).toBeGreaterThan(issued);
    expect(await journal.takeCounter('voucher')).toBeGreaterThan(12);
  });

  it('at the end of a closed sector: mount reports the missing records (damage, not a cut)', async () => {
    const flash = device();
    const journal = await openJournal(flash, options);
    while (dataEndOf(flash, 1) <= SECTOR + 512) await sell(journal);
    // Sector 0 is closed; its last page held only records that are dead by now or live elsewhere.
    erasePage(flash, dataEndOf(flash, 0) - 1);
    const remounted = await openJournal(flash, options);
    expect(remounted.health().findings.join('\n')).toMatch(/sector 0: \d+ records after record \d+ are missing/);
  });
});

describe('a gap found at mount, over later boots', () => {
  // The missing records' numbers are known (they lie below the last one), so nothing needs
  // skipping; skipping them anyway left a new gap, reported as new damage once it fell at a sector
  // boundary, and each such report made the next skip larger.
  it('the next record follows the last one: a known gap is not skipped again', async () => {
    const flash = device();
    const first = await openJournal(flash, options);
    while (dataEndOf(flash, 1) <= SECTOR + 512) await sell(first);
    erasePage(flash, dataEndOf(flash, 0) - 1);
    const journal = await openJournal(flash, options);
    expect(journal.health().findings.join('\n')).toMatch(/records after record \d+ are missing/);
    const before = replayImage(flash.snapshot().image, flash.geometry).lastSeq;
    await journal.takeCounter('stan');
    expect(replayImage(flash.snapshot().image, flash.geometry).lastSeq).toBe(before + 1);
  });
});
