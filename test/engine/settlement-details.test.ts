/**
 * 8 结算 in detail (firmware/app/flows/settlement.ts), on the pure engine: the totals on a narrow
 * display, what each failed 0500 shows, the screens held while the 0500, the 0320s and the report
 * are outstanding, what is logged, and what stops a settlement before anything is sent (no
 * confirmation, no paper, a reversal round that cannot finish).
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../firmware/app/settings.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

type Display = { cols: number; rows: number; chinese: boolean };

async function signedIn(display?: Display): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(), defaultSettings(), display);
  await d.start();
  await d.signIn();
  return d;
}

/** A signed-in terminal with one approved sale of 88.00, at 8 结算 with ENTER pressed: the 0500 is outstanding. */
async function at0500(): Promise<EngineDriver> {
  const d = await signedIn();
  await d.approvedSale(8800);
  await d.keys('8', 'ENTER');
  expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0500' }, mac: false });
  return d;
}

const events = (d: EngineDriver, name: string) => d.logs.filter((l) => l.event === name);
const mtis = (d: EngineDriver) => d.sent.map((m) => m.mti);

describe('8 结算: the totals before anything is sent', () => {
  it('16 columns: a total too wide for one line takes two, the amount right-aligned', async () => {
    const d = await signedIn({ cols: 16, rows: 4, chinese: false });
    await d.approvedSale(123_456_789);
    await d.keys('8');
    expect(d.screen).toBe('SETTLEMENT\nENTER: SETTLE\nDOM DEBIT 1\n      1234567.89');
  });

  it('CANCEL: logged as not confirmed, nothing sent', async () => {
    const d = await signedIn();
    await d.approvedSale(8800);
    const sent = d.sent.length;
    await d.keys('8', 'CANCEL');
    expect(events(d, 'settlement.not-confirmed')).toEqual([{ event: 'settlement.not-confirmed' }]);
    expect(d.sent.length).toBe(sent);
  });

  it('no paper and CANCEL at LOAD PAPER: nothing sent', async () => {
    const d = await signedIn();
    await d.approvedSale(8800);
    const sent = d.sent.length;
    d.paperPresent = false;
    await d.keys('8', 'ENTER');
    expect(d.screen).toBe('PAPER OUT\nLOAD PAPER\nTHEN PRESS ENTER\n');
    await d.keys('CANCEL');
    expect(d.sent.length).toBe(sent);
  });

  it('a reversal round that cannot finish stops it: PROCESSING, then REVERSAL PENDING, no 0500', async () => {
    const d = await signedIn();
    // A sale declined while the journal could not record it: left pending, a 98 is owed.
    await d.saleKeys(1500);
    d.journal.failNext('declined');
    await d.reply({ 39: '51' });
    await d.advance(10_000);
    const sent = d.sent.length;
    const shown = d.screens.length;
    d.journal.failNext('requireReversal');
    await d.keys('8', 'ENTER');
    expect(d.screens.slice(shown).map((s) => s.join('\n'))).toContain('SETTLEMENT\nPROCESSING...\n\n');
    expect(d.screen).toBe('REVERSING...\nREVERSAL PENDING\nHOST UNREACHABLE\n');
    await d.advance(3000);
    expect(d.sent.length).toBe(sent);
  });
});

describe('8 结算: a 0500 that fails', () => {
  it('CONNECTING... is shown while the 0500 is outstanding', async () => {
    const d = await at0500();
    expect(d.screen).toBe('SETTLEMENT\nCONNECTING...\n\n');
  });

  it.each([
    ['malformed', 'BAD RESPONSE'],
    ['timeout', 'NO HOST RESPONSE'],
  ] as const)('a %s answer: %s', async (kind, shows) => {
    const d = await at0500();
    await d.host({ ok: false, kind, requestSent: true, detail: kind });
    expect(d.screen).toBe(`SETTLEMENT\n${shows}\n\n`);
  });

  it('a response that fails its MAC check: MAC ERROR', async () => {
    const d = await at0500();
    await d.reply({ 39: '00', 48: d.settlementVerdict('1') }, false);
    expect(d.screen).toBe('SETTLEMENT\nMAC ERROR\n\n');
    expect(events(d, 'settlement.done')).toEqual([]);
  });

  it('a decline shows its code and meaning', async () => {
    const d = await at0500();
    await d.reply({ 39: '94' });
    expect(d.screen).toMatch(/^SETTLEMENT\nDECLINED 94\n\S/);
  });

  it('a response without F39 is a decline with no code', async () => {
    const d = await at0500();
    await d.reply({});
    expect(d.screen).toBe('SETTLEMENT\nDECLINED \nCODE \n');
  });
});

describe('8 结算: done', () => {
  it('balanced: logged, BALANCED while the report prints, SETTLED after', async () => {
    const d = await at0500();
    await d.reply({ 39: '00', 48: d.settlementVerdict('1') });
    expect(events(d, 'settlement.done')).toEqual([{ event: 'settlement.done', fields: { batchNo: 1, balanced: true, uploaded: false } }]);
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'settlement', balanced: true } });
    // The verdict stays on the glass while the report prints (until now it was replaced at once by PRINTING alone).
    expect(d.screen).toBe('UnionPay POS\nBALANCED\nPRINTING...\n');
    await d.print();
    expect(d.screen).toBe('SETTLEMENT\nSETTLED\n\n');
  });

  it('paper out while the report prints: the verdict stays above PAPER OUT', async () => {
    const d = await at0500();
    await d.reply({ 39: '00', 48: d.settlementVerdict('1') });
    await d.print({ ok: false, reason: 'paper-out', linesPrinted: 3 });
    expect(d.screen).toBe('BALANCED\nPAPER OUT\nLOAD PAPER+ENTER\n');
    await d.keys('ENTER');
    expect(d.screen).toBe('UnionPay POS\nBALANCED\nPRINTING...\n');
  });

  it('unbalanced: UNBALANCED and BATCH UPLOAD while the 0320s are out; logged as uploaded', async () => {
    const d = await at0500();
    await d.reply({ 39: '00', 48: d.settlementVerdict('2') });
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0320' } });
    expect(d.screen).toBe('SETTLEMENT\nUNBALANCED\nBATCH UPLOAD...\n');
    await d.reply({ 39: '00' });
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0320', fields: { 48: '0001' } } });
    await d.reply({ 39: '00' });
    expect(mtis(d).slice(-3)).toEqual(['0500', '0320', '0320']);
    expect(events(d, 'settlement.done')).toEqual([{ event: 'settlement.done', fields: { batchNo: 1, balanced: false, uploaded: true } }]);
    expect(d.screen).toBe('UnionPay POS\nUNBALANCED\nPRINTING...\n');
  });

  it('a batch the journal cannot close: STORAGE ERROR after the report', async () => {
    const d = await at0500();
    await d.reply({ 39: '00', 48: d.settlementVerdict('1') });
    d.journal.failNext('settle');
    await d.print();
    expect(d.screen).toBe('SETTLEMENT\nSTORAGE ERROR\n\n');
  });
});
