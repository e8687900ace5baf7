import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../firmware/app/settings.js';
import { CARD, EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

/** Signed in, '1' pressed, 88.00 keyed, card swiped and confirmed, PIN 1234 entered: the 0200 is out. */
async function saleSent(d: EngineDriver): Promise<void> {
  await d.start();
  await d.signIn();
  await d.saleKeys(8800);
}

describe('engine: sale step by step (pure)', () => {
  it('boots to the sign-in prompt and refuses a sale before sign-in', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    expect(d.screen).toContain('SIGN IN: ENTER');
    await d.keys('1');
    expect(d.screen).toContain('SIGN IN FIRST');
  });

  it('signs in with 0800 60.3 = 003, operator in F63, and raises the batch from the host', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    await d.keys('ENTER');
    await d.type('01');
    await d.keys('ENTER');
    await d.type('0000');
    expect(d.screen).toContain('****');
    await d.keys('ENTER');
    const req = d.sent.at(-1)!;
    expect(req.mti).toBe('0800');
    expect(req.fields[60]).toBe('00000001003');
    expect(req.fields[63]).toBe('01 ');
    await d.reply({ 39: '00', 60: '00000007003', 62: new Uint8Array(24) });
    expect(d.engine.operator).toBe('01');
    expect(d.journal.view().counters.batch).toBe(7);
  });

  it('refuses a wrong operator password', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    await d.signInKeys('01', '9999');
    expect(d.screen).toContain('WRONG PASSWORD');
    expect(d.sent).toHaveLength(0);
  });

  it('approved: begin durable before send, approval recorded before print, merchant then cardholder copy', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    expect(d.waiting.op).toBe('host');
    const req = d.sent.at(-1)!;
    expect(req.mti).toBe('0200');
    expect(req.fields[3]).toBe('000000');
    expect(req.fields[4]).toBe('000000008800');
    expect(req.fields[22]).toBe('021');
    expect(req.fields[60]).toBe('22000001000200') // 60.4 = 2 magstripe, 60.5 = 0 not a fallback, 60.6 = 0;
    // R1: the record is durable (pending) while the request is out.
    const stan = Number(req.fields[11]);
    expect(d.journal.find(stan)?.status).toBe('pending');
    expect(d.waiting).toMatchObject({ op: 'host', mac: true, pin: { pin: '1234', pan: CARD.pan } });
    await d.reply({ 39: '00', 37: '123456789012', 38: '654321', 12: '101010', 13: '1122' });
    // R2: approved in the journal before the printer is asked for anything.
    expect(d.waiting.op).toBe('print');
    expect(d.journal.find(stan)?.status).toBe('approved');
    expect(d.screen).toContain('APPROVED');
    const merchant = d.printed.at(-1)!;
    expect(merchant).toMatchObject({ kind: 'transaction', copy: 'merchant', reprint: false, maskedPan: '622202*********0123', amountFen: 8800, authCode: '654321', referenceNo: '123456789012' });
    await d.print();
    expect(d.journal.find(stan)?.printed).toBe(true);
    expect(d.screen).toContain('TEAR OFF');
    await d.keys('ENTER');
    expect(d.printed.at(-1)).toMatchObject({ copy: 'cardholder', reprint: false });
    await d.print();
    expect(d.waiting.op).toBe('input');
    expect(d.screen).toContain('OPER 01 READY');
    expect(d.sent.filter((m) => m.mti === '0400')).toHaveLength(0);
  });

  it('amount entry: fen, CLEAR deletes, 12 digits at most, 0 refused', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    await d.signIn();
    await d.keys('1');
    await d.type('88');
    await d.keys('00');
    expect(d.screen).toContain('88.00');
    await d.keys('CLEAR', 'CLEAR', 'CLEAR', 'CLEAR');
    await d.keys('ENTER');
    expect(d.screen).toContain('AMOUNT IS ZERO');
    await d.type('1234567890123');
    expect(d.screen).toContain('1234567890.12');
    await d.keys('ENTER');
    expect(d.screen).toContain('SWIPE CARD');
  });

  it('shows the masked PAN for confirmation and asks again after a bad swipe', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    await d.signIn();
    await d.keys('1');
    await d.type('100');
    await d.keys('ENTER');
    await d.swipe({ ok: false, reason: 'parity', detail: 'track 2 char 7' });
    expect(d.screen).toContain('SWIPE AGAIN');
    await d.swipe();
    expect(d.screen).toContain('622202*********0123');
    expect(d.allScreens).not.toContain(CARD.pan);
  });

  it('declined: the response code meaning is shown and the record is declined, no reversal', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    const stan = Number(d.sent.at(-1)!.fields[11]);
    await d.reply({ 39: '51' });
    expect(d.screen).toContain('DECLINED 51');
    expect(d.screen).toContain('NO FUNDS');
    expect(d.journal.find(stan)?.status).toBe('declined');
    expect(d.printed).toHaveLength(0);
  });

  it('timeout: reversal 98 goes out at once with the original fields; 0410 00 clears it', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    const sale = d.sent.at(-1)!;
    await d.host({ ok: false, kind: 'timeout', requestSent: true, detail: 'no response' });
    expect(d.screen).toContain('REVERSING');
    const rev = d.sent.at(-1)!;
    expect(rev.mti).toBe('0400');
    expect(rev.fields).toMatchObject({ 39: '98', 11: sale.fields[11], 4: sale.fields[4], 3: '000000', 60: sale.fields[60] });
    expect(rev.fields[35]).toBeUndefined();
    expect(d.journal.find(Number(sale.fields[11]))?.status).toBe('reversal-pending');
    await d.reply({ 39: '00' });
    expect(d.journal.find(Number(sale.fields[11]))?.status).toBe('reversed');
    expect(d.screen).toContain('NO HOST RESPONSE');
    expect(d.screen).toContain('REVERSAL DONE');
  });

  it('MAC failure: reversal A0; malformed: reversal 06', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    await d.reply({ 39: '00', 37: '1', 38: '2' }, false);
    expect(d.sent.at(-1)!.fields[39]).toBe('A0');
    expect(d.printed).toHaveLength(0);
    await d.reply({ 39: '00' });
    expect(d.screen).toContain('MAC ERROR');

    const e = new EngineDriver(await flashTestJournal());
    await saleSent(e);
    await e.host({ ok: false, kind: 'malformed', requestSent: true, detail: 'bad bitmap' });
    expect(e.sent.at(-1)!.fields[39]).toBe('06');
  });

  it('unreachable before sending: no reversal is owed', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    const stan = Number(d.sent.at(-1)!.fields[11]);
    await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'ECONNREFUSED' });
    expect(d.sent.filter((m) => m.mti === '0400')).toHaveLength(0);
    expect(d.journal.find(stan)?.status).toBe('declined');
    expect(d.screen).toContain('HOST UNREACHABLE');
  });

  it('unreachable after bytes left counts as a timeout (98)', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    await d.host({ ok: false, kind: 'unreachable', requestSent: true, detail: 'reset' });
    expect(d.sent.at(-1)).toMatchObject({ mti: '0400', fields: { 39: '98' } });
  });

  it('reversal out of tries: reversal-failed, 冲正不成功 slip printed', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    const stan = Number(d.sent.at(-1)!.fields[11]);
    await d.host({ ok: false, kind: 'timeout', requestSent: true, detail: 'x' });
    for (let i = 0; i < 3; i++) {
      expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400' } });
      await d.host({ ok: false, kind: 'timeout', requestSent: true, detail: 'x' });
    }
    expect(d.journal.find(stan)).toMatchObject({ status: 'reversal-failed', reversalTries: 3 });
    expect(d.printed.at(-1)).toMatchObject({ kind: 'reversal-failed', reasonCode: '98', maskedPan: '622202*********0123' });
    await d.print();
    expect(d.screen).toContain('CALL SUPPORT');
  });

  it('paper out after approval: 纸张用完, reprints from the top when paper is back, never reversed', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    await d.reply({ 39: '00', 37: '123456789012', 38: '654321' });
    await d.print({ ok: false, reason: 'paper-out', linesPrinted: 7 });
    expect(d.screen).toContain('PAPER OUT');
    expect(d.waiting.op).toBe('input');
    await d.advance(600_000);
    expect(d.screen).toContain('PAPER OUT');
    await d.feed({ kind: 'paper', present: true });
    expect(d.waiting.op).toBe('print');
    expect(d.printed.at(-1)).toMatchObject({ copy: 'merchant', reprint: false });
    await d.print({ ok: false, reason: 'paper-out', linesPrinted: 0 });
    await d.keys('ENTER');
    await d.print();
    expect(d.journal.view().transactions[0]).toMatchObject({ status: 'approved', printed: true });
    expect(d.sent.filter((m) => m.mti === '0400')).toHaveLength(0);
  });

  it('journal full: 请先结算 and no new financial transaction', async () => {
    const d = new EngineDriver(await flashTestJournal({ transactionsLeft: 0 }));
    await d.start();
    await d.signIn();
    await d.keys('1');
    expect(d.screen).toContain('SETTLE FIRST');
    expect(d.waiting.op).toBe('input');
    expect(d.sent.map((m) => m.mti)).toEqual(['0800']);
  });

  it('journal refuses begin (full at the last moment): nothing is sent', async () => {
    const d = new EngineDriver(await flashTestJournal({ transactionsLeft: 1 }));
    await d.start();
    await d.signIn();
    d.journal.failNext('begin');
    await d.saleKeys(100);
    expect(d.screen).toContain('STORAGE ERROR');
    expect(d.sent.map((m) => m.mti)).toEqual(['0800']);
  });

  it('approval that cannot be recorded is reversed with 96', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    d.journal.failNext('approve');
    await d.reply({ 39: '00', 37: '123456789012', 38: '654321' });
    expect(d.sent.at(-1)).toMatchObject({ mti: '0400', fields: { 39: '96' } });
    expect(d.printed).toHaveLength(0);
  });

  it('idle timeout on a prompt returns to the idle screen', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    await d.signIn();
    await d.keys('1');
    await d.type('5');
    await d.advance(59_000);
    expect(d.screen).toContain('0.05');
    await d.advance(2_000);
    expect(d.screen).toContain('OPER 01 READY');
  });

  it('PIN bypass only when configured', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    await d.signIn();
    await d.keys('1');
    await d.type('100');
    await d.keys('ENTER');
    await d.swipe();
    await d.keys('ENTER');
    await d.keys('ENTER');
    expect(d.waiting.op).toBe('input');
    await d.type('12');
    await d.keys('ENTER');
    expect(d.waiting.op).toBe('input');

    const settings = { ...defaultSettings(), pinBypassAllowed: true };
    const e = new EngineDriver(await flashTestJournal(), settings);
    await e.start();
    await e.signIn();
    await e.keys('1');
    await e.type('100');
    await e.keys('ENTER');
    await e.swipe();
    await e.keys('ENTER');
    await e.keys('ENTER');
    expect(e.waiting).toMatchObject({ op: 'host', request: { mti: '0200', fields: { 22: '022' } } });
    expect((e.waiting as { pin?: unknown }).pin).toBeUndefined();
  });

  it('an event that does not answer the outstanding operation is ignored and says so', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    const step = d.engine.handle({ kind: 'key', key: 'CANCEL' }, { ms: 0, wall: new Date() });
    expect(step.ignored).toBe(true);
    expect(step.waiting).toBe(d.waiting);
    expect(d.engine.handle({ kind: 'print-result', outcome: { ok: true } }, { ms: 0, wall: new Date() }).ignored).toBe(true);
  });

  it('never logs the PIN, track data or the clear PAN', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    await d.reply({ 39: '00', 37: '123456789012', 38: '654321' });
    const logged = JSON.stringify(d.logs);
    expect(logged).not.toContain(CARD.pan);
    expect(logged).not.toContain('1234"');
    expect(logged).not.toContain(CARD.track2);
    expect(logged).toContain('622202*********0123');
  });
});

describe('engine: sign-in edge cases (pure)', () => {
  it('"key check failed" keeps the operator signed out and shows the error', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    d.keysOutcome = { ok: false, reason: 'key-check-failed' };
    await d.signInKeys();
    await d.reply({ 39: '00', 62: new Uint8Array(24) });
    expect(d.screen).toContain('KEY CHECK FAILED');
    expect(d.engine.operator).toBeUndefined();
  });

  it('a host refusal of sign-in shows the code meaning', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await d.start();
    await d.signInKeys();
    await d.reply({ 39: '97' });
    expect(d.screen).toContain('TERM NOT REGD');
    expect(d.engine.operator).toBeUndefined();
  });

  it('boot with a pending record sends its reversal (98) first; an owed one after sign-in when keys are missing', async () => {
    const journal = await flashTestJournal();
    await journal.takeCounter('stan');
    const d0 = new EngineDriver(journal);
    await d0.start();
    await d0.signIn();
    await d0.saleKeys(100);
    expect(d0.waiting.op).toBe('host');
    // Power cut here: a fresh engine on the same journal.
    const d = new EngineDriver(journal);
    await d.start();
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400', fields: { 39: '98' } } });
    await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'no working keys' });
    expect(journal.view().transactions[0]!.status).toBe('reversal-pending');
    expect(journal.view().transactions[0]!.reversalTries).toBe(0);
    await d.signInKeys();
    await d.reply({ 39: '00', 62: new Uint8Array(24) });
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400' } });
    await d.reply({ 39: '25' });
    expect(journal.view().transactions[0]!.status).toBe('reversed');
  });
});

describe('engine: host down while a reversal is owed (pure)', () => {
  it('the reversal that cannot leave is not a try; the next sale is refused until it clears', async () => {
    const d = new EngineDriver(await flashTestJournal());
    await saleSent(d);
    await d.host({ ok: false, kind: 'timeout', requestSent: true, detail: 'x' });
    await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'ECONNREFUSED' });
    expect(d.screen).toContain('REVERSAL PENDING');
    const owed = d.journal.view().transactions[0]!;
    expect(owed).toMatchObject({ status: 'reversal-pending', reversalTries: 0 });
    await d.keys('ENTER');
    await d.saleKeys(100);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400' } });
    await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'ECONNREFUSED' });
    expect(d.screen).toContain('REVERSAL PENDING');
    expect(d.journal.view().transactions).toHaveLength(1);
  });
});
