/**
 * The online flow (firmware/app/flows/online.ts) in detail, on the pure engine: what the cashier
 * sees, what the journal records, what reaches the acquirer, what prints, and what the operator
 * reads in the log, for the paths a whole-terminal test rarely takes (journal failures at each
 * step, reversal answers that do not clear, refunds cut off, responses that contradict themselves).
 */
import { describe, expect, it } from 'vitest';
import { echoMismatches } from '../../firmware/app/flows/online.js';
import { defaultSettings } from '../../firmware/app/settings.js';
import { CARD, EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

const MASKED = '622202*********0123';

async function signedIn(display?: { cols: number; rows: number; chinese: boolean }): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(), defaultSettings(), display);
  await d.start();
  await d.signIn();
  return d;
}

const stanOf = (d: EngineDriver) => Number(d.sent.at(-1)!.fields[11]);
const events = (d: EngineDriver, name: string) => d.logs.filter((l) => l.event === name);
const lost = { ok: false, kind: 'timeout', requestSent: true, detail: 'no response' } as const;

/** A sale whose 0200 timed out and whose reversal could not leave: the 0400 is owed. */
async function owedReversal(d: EngineDriver, amountFen: number): Promise<number> {
  await d.saleKeys(amountFen);
  const stan = stanOf(d);
  await d.host(lost);
  await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'down' });
  await d.advance(10_000);
  expect(d.journal.find(stan)?.status).toBe('reversal-pending');
  return stan;
}

/** A refund the host declined while the journal could not record it: still 'pending' on flash. */
async function interruptedRefund(d: EngineDriver): Promise<number> {
  await d.refundKeys(4000);
  const stan = stanOf(d);
  d.journal.failNext('declined');
  await d.reply({ 39: '51' });
  expect(d.screen).toBe('REFUND\nSTORAGE ERROR\n\n');
  expect(events(d, 'transaction.declined')).toEqual([]);
  await d.advance(10_000);
  expect(d.journal.find(stan)?.status).toBe('pending');
  return stan;
}

describe('online flow: records cut short are settled before the next online transaction', () => {
  it('a refund left pending becomes unknown: logged, 结果未知 slip printed, then the sale goes out', async () => {
    const d = await signedIn();
    const refund = await interruptedRefund(d);
    await d.saleKeys(8800);
    expect(d.journal.find(refund)?.status).toBe('unknown');
    expect(events(d, 'transaction.unknown')).toEqual([{ event: 'transaction.unknown', fields: { type: 'refund', stan: refund } }]);
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'outcome-unknown', voucherNo: String(refund).padStart(6, '0'), amountFen: 4000, maskedPan: MASKED } });
    await d.print();
    // Nothing is reversed for a refund: the sale is the next thing the acquirer sees.
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0200', fields: { 4: '000000008800' } } });
    expect(d.sent.filter((m) => m.mti === '0400')).toEqual([]);
  });

  it('a refund left pending whose unknown outcome cannot be recorded blocks the sale: nothing sent, no slip', async () => {
    const d = await signedIn();
    const refund = await interruptedRefund(d);
    const sentBefore = d.sent.length;
    d.journal.failNext('outcomeUnknown');
    await d.saleKeys(8800);
    expect(d.sent.length).toBe(sentBefore);
    expect(d.printed).toEqual([]);
    expect(events(d, 'transaction.unknown')).toEqual([]);
    expect(d.journal.find(refund)?.status).toBe('pending');
    expect(d.screen).toBe('REVERSING...\nREVERSAL PENDING\nHOST UNREACHABLE\n');
  });

  it('a sale left pending whose reversal cannot be recorded blocks the next sale: nothing sent', async () => {
    const d = await signedIn();
    const first = await d.saleLeftPending(1500);
    expect(d.journal.find(first)?.status).toBe('pending');
    const sentBefore = d.sent.length;
    d.journal.failNext('requireReversal');
    await d.saleKeys(8800);
    expect(d.sent.length).toBe(sentBefore);
    expect(d.screen).toBe('REVERSING...\nREVERSAL PENDING\nHOST UNREACHABLE\n');
    // With the journal back, the next round owes it a 98 before the sale leaves.
    await d.advance(10_000);
    await d.saleKeys(8800);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400', fields: { 11: String(first).padStart(6, '0'), 39: '98' } } });
  });
});

describe('online flow: reversal answers', () => {
  it.each(['00', '12', '25'])('a 0410 with %s clears the reversal: logged, 冲正成功 with amount, voucher and PRESS ANY KEY on 20x4', async (code) => {
    const d = await signedIn();
    const stan = await owedReversal(d, 1234);
    await d.saleKeys(700);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400' } });
    await d.reply({ 39: code });
    expect(d.journal.find(stan)?.status).toBe('reversed');
    expect(events(d, 'reversal.cleared')).toEqual([{ event: 'reversal.cleared', fields: { stan, reason: '98' } }]);
    expect(d.screen).toBe(`SALE\nREVERSAL DONE\n12.34 NO.${String(stan).padStart(6, '0')}\nPRESS ANY KEY`);
  });

  it('a 0410 with another code, or a 00 under another MTI, is a failed try: counted and sent again', async () => {
    const d = await signedIn();
    const stan = await owedReversal(d, 1234);
    await d.saleKeys(700);
    await d.reply({ 39: '96' });
    expect(d.journal.find(stan)).toMatchObject({ status: 'reversal-pending', reversalTries: 1 });
    const rev = d.waiting;
    expect(rev).toMatchObject({ op: 'host', request: { mti: '0400' } });
    if (rev.op !== 'host') throw new Error('no 0400');
    await d.host({ ok: true, macOk: true, response: { mti: '0210', fields: { 11: rev.request.fields[11], 41: rev.request.fields[41], 39: '00' } } });
    expect(d.journal.find(stan)).toMatchObject({ status: 'reversal-pending', reversalTries: 2 });
    expect(events(d, 'reversal.cleared')).toEqual([]);
  });

  it('a cleared reversal the journal cannot record is not announced: still owed, nothing else goes out', async () => {
    const d = await signedIn();
    const stan = await owedReversal(d, 1234);
    await d.saleKeys(700);
    const sentBefore = d.sent.length;
    d.journal.failNext('reversalAcked');
    await d.reply({ 39: '00' });
    expect(d.journal.find(stan)?.status).toBe('reversal-pending');
    expect(events(d, 'reversal.cleared')).toEqual([]);
    expect(d.allScreens).not.toContain('REVERSAL DONE');
    expect(d.screen).toBe('REVERSING...\nREVERSAL PENDING\nHOST UNREACHABLE\n');
    expect(d.sent.length).toBe(sentBefore);
  });

  it('a failed try the journal cannot count stops the round: no further 0400 until the next one', async () => {
    const d = await signedIn();
    const stan = await owedReversal(d, 1234);
    await d.saleKeys(700);
    const sentBefore = d.sent.length;
    d.journal.failNext('reversalTried');
    await d.host(lost);
    expect(d.sent.length).toBe(sentBefore);
    expect(d.journal.find(stan)).toMatchObject({ status: 'reversal-pending', reversalTries: 0 });
    expect(d.screen).toBe('REVERSING...\nREVERSAL PENDING\nHOST UNREACHABLE\n');
  });

  it('out of tries: logged with voucher and masked PAN only, 冲正失败 shown, slip for that transaction printed', async () => {
    const d = await signedIn();
    // An approved sale before it: the slip must name the failed one, not the first in the batch.
    await d.approvedSale(5000);
    await d.saleKeys(1234);
    const stan = stanOf(d);
    for (let i = 0; i < 4; i++) await d.host(lost);
    expect(d.journal.find(stan)).toMatchObject({ status: 'reversal-failed', reversalTries: 3 });
    expect(events(d, 'reversal.failed')).toEqual([
      { event: 'reversal.failed', fields: { stan, voucherNo: stan, maskedPan: MASKED, tries: 3 } },
    ]);
    expect(JSON.stringify(d.logs)).not.toContain(CARD.pan);
    expect(d.allScreens).toContain('SALE|REVERSAL FAILED|CALL SUPPORT|');
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'reversal-failed', voucherNo: String(stan).padStart(6, '0'), amountFen: 1234, reasonCode: '98' } });
  });

  it('out of tries but the journal cannot mark it failed: nothing logged or printed, still owed', async () => {
    const d = await signedIn();
    await d.saleKeys(1234);
    const stan = stanOf(d);
    for (let i = 0; i < 3; i++) await d.host(lost);
    d.journal.failNext('reversalFailed');
    await d.host(lost);
    expect(d.journal.find(stan)).toMatchObject({ status: 'reversal-pending', reversalTries: 3 });
    expect(events(d, 'reversal.failed')).toEqual([]);
    expect(d.printed).toEqual([]);
    expect(d.allScreens).not.toContain('REVERSAL FAILED');
  });
});

describe('online flow: the sale itself', () => {
  it('a full journal says SETTLE FIRST at once and logs it; nothing is asked or sent', async () => {
    const d = new EngineDriver(await flashTestJournal({ transactionsLeft: 0 }));
    await d.start();
    await d.signIn();
    await d.keys('1');
    expect(d.screen).toBe('SALE\nSETTLE FIRST\n\n');
    expect(events(d, 'journal.full')).toEqual([{ event: 'journal.full', fields: { transactionsLeft: 0 } }]);
    // Back to the idle screen, not on to the amount.
    await d.advance(10_000);
    expect(d.screen).toContain('OPER 01 READY');
    expect(d.sent.filter((m) => m.mti === '0200')).toEqual([]);
  });

  it('PROCESSING while the STAN is taken, then CONNECTING with the amount while the 0200 is out; begin logged without the PAN', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    const stan = stanOf(d);
    expect(d.allScreens).toContain('SALE|PROCESSING...||');
    expect(d.screen).toBe('SALE\nCONNECTING...\n88.00\n');
    expect(events(d, 'transaction.begin')).toEqual([{ event: 'transaction.begin', fields: { type: 'sale', stan, amountFen: 8800, maskedPan: MASKED } }]);
  });

  it('a STAN the journal cannot take: STORAGE ERROR, nothing sent', async () => {
    const d = await signedIn();
    const sentBefore = d.sent.length;
    d.journal.failNext('takeCounter');
    await d.saleKeys(8800);
    expect(d.sent.length).toBe(sentBefore);
    expect(d.screen).toBe('SALE\nSTORAGE ERROR\n\n');
  });

  it('an approval without F37/F38 prints empty reference and auth code; logged with both', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    const stan = stanOf(d);
    await d.reply({ 39: '00' });
    expect(d.waiting).toMatchObject({ op: 'print', job: { copy: 'merchant', authCode: '', referenceNo: '' } });
    expect(events(d, 'transaction.approved')).toEqual([{ event: 'transaction.approved', fields: { type: 'sale', stan, authCode: '', rrn: '' } }]);
    expect(events(d, 'host.echo-mismatch')).toEqual([]);
    expect(events(d, 'host.decline-with-auth-code')).toEqual([]);
  });

  it('echoed fields: one the request did not carry is not compared, one it carried must match', () => {
    const request = { mti: '0200', fields: { 3: '000000', 4: '000000008800', 11: '000007', 41: '10000159' } };
    expect(echoMismatches(request, { mti: '0210', fields: { ...request.fields, 2: CARD.pan, 42: '880210010210160' } })).toEqual([]);
    expect(echoMismatches(request, { mti: '0210', fields: { ...request.fields, 4: '000000088000' } })).toEqual([4]);
  });

  it('a response under the wrong MTI is a bad response: reversed with 06, nothing printed', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    const req = d.sent.at(-1)!;
    await d.host({ ok: true, macOk: true, response: { mti: '0230', fields: { 11: req.fields[11], 41: req.fields[41], 39: '00', 38: '123456' } } });
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400', fields: { 39: '06' } } });
    expect(d.printed).toEqual([]);
  });

  it('a decline with a blank F38 is a plain decline, not a contradiction', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    const stan = stanOf(d);
    await d.reply({ 39: '51', 38: '      ' });
    expect(d.journal.find(stan)?.status).toBe('declined');
    expect(d.sent.filter((m) => m.mti === '0400')).toEqual([]);
    expect(events(d, 'host.decline-with-auth-code')).toEqual([]);
    expect(events(d, 'transaction.declined')).toEqual([{ event: 'transaction.declined', fields: { type: 'sale', stan, responseCode: '51' } }]);
  });

  it('a completion declined with the F38 it sent echoed back is a plain decline', async () => {
    const d = await signedIn();
    await d.keys('5', '3');
    await d.type('654321');
    await d.keys('ENTER');
    await d.type('1122');
    await d.keys('ENTER');
    await d.type('48000');
    await d.keys('ENTER');
    await d.swipe();
    await d.keys('ENTER');
    await d.type('1234');
    await d.keys('ENTER');
    expect(d.sent.at(-1)).toMatchObject({ mti: '0200', fields: { 38: '654321' } });
    const stan = stanOf(d);
    await d.reply({ 39: '25', 38: '654321' });
    expect(d.journal.find(stan)?.status).toBe('declined');
    expect(d.sent.filter((m) => m.mti === '0400')).toEqual([]);
    expect(events(d, 'host.decline-with-auth-code')).toEqual([]);
  });

  it('a decline with a fresh F38 is logged with its code and reversed with 06', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    const stan = stanOf(d);
    await d.reply({ 39: '20', 38: '654321' });
    expect(events(d, 'host.decline-with-auth-code')).toEqual([{ event: 'host.decline-with-auth-code', fields: { stan, responseCode: '20' } }]);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400', fields: { 39: '06' } } });
  });

  it('a decline the journal cannot record: STORAGE ERROR, not DECLINED, nothing logged as declined', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    d.journal.failNext('declined');
    await d.reply({ 39: '51' });
    expect(d.screen).toBe('SALE\nSTORAGE ERROR\n\n');
    expect(d.allScreens).not.toContain('DECLINED');
    expect(events(d, 'transaction.declined')).toEqual([]);
  });
});

describe('online flow: reversal owed at once', () => {
  it('logged with its reason; the cashier sees the cause, then the outcome of this reversal', async () => {
    const d = await signedIn();
    // An approved sale first: the outcome shown must be this transaction's, not the batch's first.
    await d.approvedSale(5000);
    await d.saleKeys(8800);
    const stan = stanOf(d);
    await d.host(lost);
    expect(events(d, 'reversal.owed')).toEqual([{ event: 'reversal.owed', fields: { stan, reason: '98' } }]);
    await d.reply({ 39: '00' });
    expect(d.screen).toBe('SALE\nNO HOST RESPONSE\nREVERSAL DONE\n');
  });

  it('a reversal the journal cannot record: cause and STORAGE ERROR, nothing sent now; 98 before the next sale', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    const stan = stanOf(d);
    d.journal.failNext('requireReversal');
    const sentBefore = d.sent.length;
    await d.host(lost);
    expect(d.sent.length).toBe(sentBefore);
    expect(d.screen).toBe('SALE\nNO HOST RESPONSE\nSTORAGE ERROR\n');
    expect(events(d, 'reversal.owed')).toEqual([]);
    expect(d.journal.find(stan)?.status).toBe('pending');
    await d.advance(10_000);
    await d.saleKeys(700);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400', fields: { 11: String(stan).padStart(6, '0'), 39: '98' } } });
  });

  it('a malformed response: reversed with 06, the cashier sees BAD RESPONSE', async () => {
    const d = await signedIn();
    await d.saleKeys(8800);
    await d.host({ ok: false, kind: 'malformed', requestSent: true, detail: 'bad bitmap' });
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400', fields: { 39: '06' } } });
    await d.reply({ 39: '00' });
    expect(d.screen).toBe('SALE\nBAD RESPONSE\nREVERSAL DONE\n');
  });
});

describe('online flow: refunds are never reversed', () => {
  it('a lost refund response: cause and RESULT UNKNOWN while the slip prints and after', async () => {
    const d = await signedIn();
    await d.refundKeys(4000);
    const stan = stanOf(d);
    // What the glass holds while the flash records the unknown outcome.
    const duringWrite: string[] = [];
    const record = d.journal.outcomeUnknown.bind(d.journal);
    d.journal.outcomeUnknown = async (...args) => {
      duringWrite.push(d.screen);
      return record(...args);
    };
    await d.host(lost);
    expect(duringWrite).toEqual(['REFUND\nNO HOST RESPONSE\nRESULT UNKNOWN\n']);
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'outcome-unknown' } });
    await d.print();
    expect(d.screen).toBe('REFUND\nNO HOST RESPONSE\nRESULT UNKNOWN\n');
    expect(d.journal.find(stan)?.status).toBe('unknown');
  });

  it('an approved refund the journal cannot record is unknown, not reversed: slip printed, STORAGE ERROR', async () => {
    const d = await signedIn();
    await d.refundKeys(4000);
    const stan = stanOf(d);
    d.journal.failNext('approve');
    await d.reply({ 39: '00', 37: '000000000002', 38: '222222' });
    expect(d.journal.find(stan)?.status).toBe('unknown');
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'outcome-unknown' } });
    await d.print();
    expect(d.screen).toBe('REFUND\nSTORAGE ERROR\nRESULT UNKNOWN\n');
    expect(d.sent.filter((m) => m.mti === '0400')).toEqual([]);
  });
});
