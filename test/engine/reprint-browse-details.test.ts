/**
 * 6 重打印 and 7 交易查询 (firmware/app/flows/reprint-browse.ts) in detail, on the pure engine:
 * which record each reprint picks (only approved ones), the 重打印 mark, the skipped cardholder
 * copies 6-5 hands out, and the browse screens with their paging keys.
 */
import { describe, expect, it } from 'vitest';
import type { PrintJob, TransactionReceipt } from '../../firmware/drivers/printer/print-job.js';
import { defaultSettings } from '../../firmware/app/settings.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

const MASKED = '622202*********0123';
const IDLE = 'OPER 01 READY';

async function signedIn(): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(), defaultSettings());
  await d.start();
  await d.signIn();
  return d;
}

const receipts = (jobs: PrintJob[]) => jobs.filter((j): j is TransactionReceipt => j.kind === 'transaction');
const voucherOf = (d: EngineDriver, amountFen: number) => d.journal.view().transactions.find((tx) => tx.amountFen === amountFen)!.voucherNo;

/** From the idle screen: a sale the host declines (51), back at the idle screen. */
async function declinedSale(d: EngineDriver, amountFen: number): Promise<void> {
  await d.saleKeys(amountFen);
  await d.reply({ 39: '51' });
  await d.advance(10_000);
}

/** From the idle screen: an approved sale whose cardholder copy is skipped at 撕下. */
async function saleSkippingCardholderCopy(d: EngineDriver, amountFen: number): Promise<void> {
  await d.saleKeys(amountFen);
  await d.reply({ 39: '00', 37: '111111111111', 38: '111111' });
  await d.print();
  await d.keys('CANCEL', 'ENTER');
  expect(d.screen).toContain(IDLE);
}

/** Prints every job the engine asks for until it waits for something else; returns them. */
async function printAll(d: EngineDriver): Promise<PrintJob[]> {
  const jobs: PrintJob[] = [];
  while (d.waiting.op === 'print') {
    jobs.push(d.waiting.job);
    await d.print();
    // Between copies: 撕下, ENTER prints the next.
    const next: string = d.waiting.op;
    if (next === 'input' && d.screen.includes('TEAR OFF')) await d.keys('ENTER');
  }
  return jobs;
}

describe('6 重打印: which record', () => {
  it('CANCEL at the reprint menu goes back to the idle screen', async () => {
    const d = await signedIn();
    await d.keys('6');
    expect(d.screen).toContain('1LAST 2VOUCHER');
    await d.keys('CANCEL');
    expect(d.screen).toContain(IDLE);
  });

  it('6-1 on an empty batch: NO TRANSACTIONS, nothing printed', async () => {
    const d = await signedIn();
    await d.keys('6', '1');
    expect(d.screen).toBe('REPRINT\nNO TRANSACTIONS\n\n');
    expect(d.printed).toEqual([]);
  });

  it('6-2: CANCEL at the voucher prompt goes straight back to the idle screen', async () => {
    const d = await signedIn();
    await d.approvedSale(1100);
    await d.keys('6', '2');
    expect(d.screen).toContain('VOUCHER NO:');
    await d.keys('CANCEL');
    expect(d.screen).toContain(IDLE);
    expect(d.allScreens).not.toContain('NOT FOUND');
  });

  it('6-3 before any settlement: NO REPORT, nothing printed', async () => {
    const d = await signedIn();
    await d.keys('6', '3');
    expect(d.screen).toBe('REPRINT\nNO REPORT\n\n');
    expect(d.printed).toEqual([]);
  });

  it('6-3 after a settlement reprints its report, marked 重打印 where the first print was not', async () => {
    const d = await signedIn();
    await d.approvedSale(8800);
    await d.keys('8', 'ENTER');
    await d.reply({ 39: '00', 48: d.settlementVerdict('1') });
    await d.print();
    await d.keys('ENTER');
    await d.keys('6', '3');
    const [first, reprint] = d.printed.filter((j) => j.kind === 'settlement');
    expect(first).toMatchObject({ kind: 'settlement', batchNo: '000001', reprint: false });
    expect(reprint).toEqual({ ...first, reprint: true });
  });

  it('6-4 with nobody signed in (after 9-2 sign-off) prints the list under operator 00', async () => {
    const d = await signedIn();
    await d.approvedSale(1100);
    await d.keys('9', '2');
    await d.reply({ 39: '00' });
    await d.keys('ENTER');
    expect(d.engine.operator).toBeUndefined();
    await d.keys('6', '4');
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'transaction-list', operator: '00' } });
  });

  it('6-1 reprints the last approved transaction, skipping a later decline; marked 重打印', async () => {
    const d = await signedIn();
    await d.approvedSale(1100);
    await declinedSale(d, 2200);
    await d.keys('6', '1');
    const jobs = receipts(await printAll(d));
    expect(jobs.map((j) => [j.copy, j.amountFen, j.reprint])).toEqual([['merchant', 1100, true], ['cardholder', 1100, true]]);
  });

  it('6-1 across the STAN wrap reprints the sale made last (voucher 000001), not the highest voucher number (999999)', async () => {
    const d = await signedIn();
    await d.journal.raiseCounter('stan', 999998);
    await d.journal.raiseCounter('voucher', 999998);
    await d.approvedSale(1100);
    await d.approvedSale(2200);
    expect(d.journal.view().transactions.map((tx) => [tx.voucherNo, tx.amountFen])).toEqual([[999999, 1100], [1, 2200]]);
    await d.keys('6', '1');
    expect(receipts(await printAll(d)).map((j) => [j.copy, j.amountFen, j.reprint])).toEqual([['merchant', 2200, true], ['cardholder', 2200, true]]);
  });

  it('6-2 reprints the voucher asked for; a declined voucher is NOT FOUND', async () => {
    const d = await signedIn();
    await d.approvedSale(1100);
    await d.approvedSale(3300);
    await declinedSale(d, 2200);
    await d.keys('6', '2');
    await d.type(String(voucherOf(d, 3300)));
    await d.keys('ENTER');
    expect(receipts(await printAll(d)).map((j) => j.amountFen)).toEqual([3300, 3300]);
    await d.keys('6', '2');
    await d.type(String(voucherOf(d, 2200)));
    await d.keys('ENTER');
    expect(d.screen).toBe('REPRINT\nNOT FOUND\n\n');
  });
});

describe('6-5 the cardholder copy', () => {
  it('by voucher no.: that transaction\'s copy, marked 重打印; an unknown or declined voucher is NOT FOUND', async () => {
    const d = await signedIn();
    await d.approvedSale(1100);
    await d.approvedSale(3300);
    await declinedSale(d, 2200);
    await d.keys('6', '5');
    await d.type(String(voucherOf(d, 3300)));
    await d.keys('ENTER');
    expect(receipts(await printAll(d)).map((j) => [j.copy, j.amountFen, j.reprint])).toEqual([['cardholder', 3300, true]]);
    for (const voucher of [voucherOf(d, 2200), 999]) {
      await d.keys('6', '5');
      await d.type(String(voucher));
      await d.keys('ENTER');
      expect(d.screen).toBe('REPRINT\nNOT FOUND\n\n');
      await d.advance(10_000);
    }
  });

  it('CANCEL at the voucher prompt goes back to the idle screen', async () => {
    const d = await signedIn();
    await d.approvedSale(1100);
    await d.keys('6', '5');
    await d.keys('CANCEL');
    expect(d.screen).toContain(IDLE);
  });

  it('ENTER alone is refused when no copy was skipped', async () => {
    const d = await signedIn();
    await d.approvedSale(1100);
    const printedBefore = d.printed.length;
    await d.keys('6', '5');
    const prompt = d.screen;
    await d.keys('ENTER');
    expect(d.screen).toBe(prompt);
    expect(d.printed.length).toBe(printedBefore);
  });

  it('ENTER alone hands out the skipped copies newest first, unmarked, each once', async () => {
    const d = await signedIn();
    await saleSkippingCardholderCopy(d, 1100);
    await saleSkippingCardholderCopy(d, 3300);
    await d.keys('6', '5', 'ENTER');
    expect(receipts(await printAll(d)).map((j) => [j.copy, j.amountFen, j.reprint])).toEqual([['cardholder', 3300, false]]);
    await d.keys('6', '5', 'ENTER');
    expect(receipts(await printAll(d)).map((j) => [j.copy, j.amountFen, j.reprint])).toEqual([['cardholder', 1100, false]]);
    // None left: ENTER alone is refused now.
    await d.keys('6', '5');
    const prompt = d.screen;
    await d.keys('ENTER');
    expect(d.screen).toBe(prompt);
  });
});

describe('7 交易查询', () => {
  it('an empty batch: NO TRANSACTIONS', async () => {
    const d = await signedIn();
    await d.keys('7');
    expect(d.screen).toBe('BROWSE\nNO TRANSACTIONS\n\n');
  });

  it('newest first, n/total in the title, voucher and status, amount, masked PAN; a voided sale says VOIDED', async () => {
    const d = await signedIn();
    await d.approvedSale(1100);
    await declinedSale(d, 2200);
    const sale = voucherOf(d, 1100);
    await d.keys('2');
    await d.type('123456');
    await d.keys('ENTER');
    await d.type(String(sale));
    await d.keys('ENTER');
    await d.swipe();
    await d.keys('ENTER');
    await d.reply({ 39: '00', 37: '222222222222', 38: '222222' });
    await printAll(d);
    const voidNo = d.journal.view().transactions.at(-1)!.voucherNo;
    const declined = voucherOf(d, 2200);
    const pad6 = (n: number) => String(n).padStart(6, '0');
    await d.keys('7');
    expect(d.screen).toBe(`VOID 1/3\n${pad6(voidNo)} OK\n11.00\n${MASKED}`);
    await d.keys('DOWN');
    expect(d.screen).toBe(`SALE 2/3\n${pad6(declined)} DECLINED\n22.00\n${MASKED}`);
    await d.keys('DOWN');
    expect(d.screen).toBe(`SALE 3/3\n${pad6(sale)} VOIDED\n11.00\n${MASKED}`);
  });

  it('DOWN and UP move one at a time and stop at the ends; other keys do not move', async () => {
    const d = await signedIn();
    await d.approvedSale(100);
    await d.approvedSale(200);
    await d.approvedSale(300);
    const at = () => d.screen.split('\n')[0];
    await d.keys('7');
    expect(at()).toBe('SALE 1/3');
    await d.keys('UP');
    expect(at()).toBe('SALE 1/3');
    await d.keys('DOWN');
    expect(at()).toBe('SALE 2/3');
    await d.keys('5');
    expect(at()).toBe('SALE 2/3');
    await d.keys('DOWN');
    expect(at()).toBe('SALE 3/3');
    await d.keys('DOWN');
    expect(at()).toBe('SALE 3/3');
    await d.keys('UP');
    expect(at()).toBe('SALE 2/3');
    await d.keys('UP');
    expect(at()).toBe('SALE 1/3');
  });

  it('ENTER leaves; so does the idle timeout', async () => {
    const d = await signedIn();
    await d.approvedSale(100);
    await d.keys('7');
    await d.keys('ENTER');
    expect(d.screen).toContain(IDLE);
    await d.keys('7');
    expect(d.screen).toContain('SALE 1/1');
    await d.advance(defaultSettings().idleTimeoutMs);
    expect(d.screen).toContain(IDLE);
  });
});
