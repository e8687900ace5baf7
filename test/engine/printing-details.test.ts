/**
 * Printing (firmware/app/flows/printing.ts) in detail, on the pure engine: the screens through a
 * paper-out or printer fault and which events end the wait, paper before money (LOAD PAPER), the
 * 撕下 / skip-cardholder-copy prompts, REPRINT screens, and when the journal learns a receipt printed.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../firmware/app/settings.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

const WIDE = { cols: 20, rows: 4, chinese: false };
const IDLE_20X4 = 'POS MERCHANT\nOPER 01 READY\nENTER: MENU\n';
const APPROVAL = { 39: '00', 37: '111111111111', 38: '111111' };
const paperOut = { ok: false, reason: 'paper-out', linesPrinted: 3 } as const;

async function signedIn(): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(), defaultSettings(), WIDE);
  await d.start();
  await d.signIn();
  return d;
}

const events = (d: EngineDriver, name: string) => d.logs.filter((l) => l.event === name);
const stanOf = (d: EngineDriver) => Number(d.sent.at(-1)!.fields[11]);

/** A sale approved: its merchant copy printed, the engine at 撕下 (tear off) before the cardholder copy. */
async function atTearOff(d: EngineDriver, amountFen = 8800): Promise<number> {
  await d.saleKeys(amountFen);
  const stan = stanOf(d);
  await d.reply(APPROVAL);
  await d.print();
  expect(d.screen).toBe('APPROVED\nTEAR OFF COPY\nENTER: NEXT COPY\n');
  return stan;
}

describe('a job printed without a status line (6-4 list)', () => {
  async function listPrinting(): Promise<EngineDriver> {
    const d = await signedIn();
    await d.approvedSale(8800);
    await d.keys('6', '4');
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'transaction-list' } });
    return d;
  }

  it('shows PRINTING... under the title alone', async () => {
    const d = await listPrinting();
    expect(d.screens.at(-1)).toEqual(['UnionPay POS', 'PRINTING...', '', '']);
  });

  it('paper out: PAPER OUT and LOAD PAPER, logged; only ENTER or paper loaded prints again', async () => {
    const d = await listPrinting();
    await d.print(paperOut);
    expect(d.screens.at(-1)).toEqual(['PAPER OUT', 'PAPER OUT', 'LOAD PAPER+ENTER', '']);
    expect(events(d, 'printer.fault')).toEqual([{ event: 'printer.fault', fields: { reason: 'paper-out', linesPrinted: 3, job: 'transaction-list' } }]);
    const jobs = d.printed.length;
    await d.keys('5', 'CLEAR');
    await d.feed({ kind: 'paper', present: false });
    await d.swipe();
    expect(d.printed.length).toBe(jobs);
    expect(d.screens.at(-1)).toEqual(['PAPER OUT', 'PAPER OUT', 'LOAD PAPER+ENTER', '']);
    await d.keys('ENTER');
    expect(d.printed.length).toBe(jobs + 1);
    await d.print(paperOut);
    await d.feed({ kind: 'paper', present: true });
    expect(d.printed.length).toBe(jobs + 2);
  });

  it('a fault other than paper out shows PRINTER FAULT', async () => {
    const d = await listPrinting();
    await d.print({ ok: false, reason: 'overheat', linesPrinted: 0 });
    expect(d.screens.at(-1)).toEqual(['PRINTER FAULT', 'PRINTER FAULT', 'LOAD PAPER+ENTER', '']);
  });
});

describe('an approved sale through a paper-out', () => {
  it('20x4: APPROVED and the amount stay in the title above PAPER OUT', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    await d.reply(APPROVAL);
    await d.print(paperOut);
    expect(d.screens.at(-1)).toEqual(['APPROVED 88.00', 'PAPER OUT', 'LOAD PAPER+ENTER', '']);
  });

  it('16x2: APPROVED and the amount take the first line, LOAD PAPER+ENTER the second', async () => {
    const d = new EngineDriver(await flashTestJournal(), defaultSettings(), { cols: 16, rows: 2, chinese: false });
    await d.start();
    await d.signIn();
    await d.saleKeys(8800);
    await d.reply(APPROVAL);
    await d.print(paperOut);
    expect(d.screens.at(-1)).toEqual(['APPROVED 88.00', 'LOAD PAPER+ENTER']);
  });
});

describe('paper before money', () => {
  async function atLoadPaper(): Promise<EngineDriver> {
    const d = await signedIn();
    d.paperPresent = false;
    await d.saleKeys(4200);
    expect(d.screen).toBe('PAPER OUT\nLOAD PAPER\nTHEN PRESS ENTER\n');
    expect(events(d, 'printer.no-paper-before-online')).toHaveLength(1);
    return d;
  }

  it('other keys and an empty sensor do not look again; ENTER does, and goes online once paper is in', async () => {
    const d = await atLoadPaper();
    const sent = d.sent.length;
    await d.keys('5', 'CLEAR');
    await d.feed({ kind: 'paper', present: false });
    expect(events(d, 'printer.no-paper-before-online')).toHaveLength(1);
    await d.keys('ENTER');
    expect(events(d, 'printer.no-paper-before-online')).toHaveLength(2);
    expect(d.sent.length).toBe(sent);
    d.paperPresent = true;
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0200', fields: { 4: '000000004200' } } });
  });

  it('CANCEL, or nobody there until the idle timeout, goes back to idle and nothing is sent', async () => {
    for (const leave of ['CANCEL', 'timeout'] as const) {
      const d = await atLoadPaper();
      const sent = d.sent.length;
      if (leave === 'CANCEL') await d.keys('CANCEL');
      else await d.advance(60_000);
      expect(d.screen).toBe(IDLE_20X4);
      expect(d.sent.length).toBe(sent);
    }
  });
});

describe('tear off and skipping the cardholder copy', () => {
  it('at TEAR OFF only CANCEL asks SKIP CARDHOLDER?: other keys and a swipe change nothing', async () => {
    const d = await signedIn();
    await atTearOff(d);
    await d.keys('5', 'CLEAR', 'UP');
    await d.swipe();
    await d.feed({ kind: 'paper', present: true });
    expect(d.allScreens).not.toContain('SKIP CARDHOLDER?');
    expect(d.screen).toBe('APPROVED\nTEAR OFF COPY\nENTER: NEXT COPY\n');
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'transaction', copy: 'cardholder' } });
  });

  it('at SKIP CARDHOLDER? other keys change nothing; nobody answering prints the copy', async () => {
    const d = await signedIn();
    await atTearOff(d);
    await d.keys('CANCEL');
    expect(d.screen).toBe('APPROVED\nSKIP CARDHOLDER?\nENT:YES CNCL:NO\n');
    await d.keys('5', 'CLEAR');
    await d.swipe();
    expect(d.screen).toBe('APPROVED\nSKIP CARDHOLDER?\nENT:YES CNCL:NO\n');
    const jobs = d.printed.length;
    await d.advance(60_000);
    expect(d.printed.length).toBe(jobs + 1);
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'transaction', copy: 'cardholder' } });
  });

  it('a skipped copy is logged with the voucher and the copies left unprinted', async () => {
    const d = await signedIn();
    await atTearOff(d);
    const voucherNo = d.journal.view().transactions.at(-1)!.voucherNo;
    await d.keys('CANCEL', 'ENTER');
    expect(d.screen).toBe(IDLE_20X4);
    expect(events(d, 'receipt.copy-skipped')).toEqual([{ event: 'receipt.copy-skipped', fields: { voucherNo, copies: ['cardholder'] } }]);
  });

  it('6-5 ENTER prints the copy skipped last, also when that voucher was skipped once before', async () => {
    const d = await signedIn();
    await atTearOff(d, 100);
    const first = d.journal.view().transactions.at(-1)!.voucherNo;
    await d.keys('CANCEL', 'ENTER');
    await atTearOff(d, 200);
    await d.keys('CANCEL', 'ENTER');
    // 6-2: the first sale again, its cardholder copy skipped again: it is now the last one skipped.
    await d.keys('6', '2');
    await d.type(String(first));
    await d.keys('ENTER');
    await d.print();
    await d.keys('CANCEL', 'ENTER');
    await d.keys('6', '5', 'ENTER');
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'transaction', copy: 'cardholder', amountFen: 100 } });
  });

  it('6-5 ENTER again prints the copy skipped before: every skipped voucher is kept until printed', async () => {
    const d = await signedIn();
    await atTearOff(d, 100);
    await d.keys('CANCEL', 'ENTER');
    await atTearOff(d, 200);
    await d.keys('CANCEL', 'ENTER');
    await d.keys('6', '5', 'ENTER');
    expect(d.waiting).toMatchObject({ op: 'print', job: { copy: 'cardholder', amountFen: 200 } });
    await d.print();
    await d.keys('6', '5', 'ENTER');
    expect(d.waiting).toMatchObject({ op: 'print', job: { copy: 'cardholder', amountFen: 100 } });
  });
});

describe('reprints and the printed mark', () => {
  it('6-1 shows REPRINT above PRINTING...', async () => {
    const d = await signedIn();
    await d.approvedSale(8800);
    await d.keys('6', '1');
    expect(d.waiting.op).toBe('print');
    expect(d.screens.at(-1)).toEqual(['UnionPay POS', 'REPRINT', 'PRINTING...', '']);
  });

  it('a cardholder copy alone (6-5) does not mark an unprinted approval printed', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    const stan = stanOf(d);
    await d.reply(APPROVAL);
    await d.print(paperOut);
    await d.keys('CANCEL');
    expect(d.screen).toContain('REPRINT: MENU 6');
    await d.keys('ENTER');
    const voucherNo = d.journal.find(stan)!.voucherNo;
    await d.keys('6', '5');
    await d.type(String(voucherNo));
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'print', job: { copy: 'cardholder' } });
    await d.print();
    expect(d.journal.find(stan)).toMatchObject({ status: 'approved', printed: false });
  });
});
