/**
 * Sign-in, sign-off and echo (firmware/app/flows/sign-in.ts) in detail, on the pure engine: the
 * password checks and their durable attempt counts (what lockouts.json gets), the lock and the
 * supervisor's 9-6 unlock, the 0800/0820 on the wire, every refusal the cashier reads, the host's
 * batch number followed, and what the operator finds in the log.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings, type TerminalSettings } from '../../firmware/app/settings.js';
import type { KeyInstallOutcome } from '../../firmware/app/engine-io.js';
import type { PasswordLockouts } from '../../firmware/app/password-lockout.js';
import type { IsoMessage } from '../../firmware/iso8583/message.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

/** The driver's wall clock at boot (engine-driver.ts). */
const BOOT_WALL = Date.UTC(2026, 10, 22, 2, 0, 0);
const KEYS = new Uint8Array(24);
const LOST = { ok: false, kind: 'timeout', requestSent: true, detail: 'no response' } as const;
const DOWN = { ok: false, kind: 'unreachable', requestSent: false, detail: 'down' } as const;
const IDLE = 'POS MERCHANT\nUnionPay POS\nSIGN IN: ENTER\n';

async function booted(settings: TerminalSettings = defaultSettings(), lockouts?: PasswordLockouts): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(), settings, undefined, lockouts ? { lockouts } : {});
  await d.start();
  return d;
}

async function signedIn(): Promise<EngineDriver> {
  const d = await booted();
  await d.signIn();
  return d;
}

/** Operator 01 / 0000 from boot, the 0810 answered with these fields, the keys installed with this outcome. */
async function answered(fields: IsoMessage['fields'], keys: KeyInstallOutcome = { ok: true }): Promise<EngineDriver> {
  const d = await booted();
  d.keysOutcome = keys;
  await d.signInKeys();
  await d.reply(fields);
  return d;
}

/** A sale whose 0200 timed out and whose 0400 could not leave: a reversal is owed. */
async function owedReversal(d: EngineDriver, amountFen: number): Promise<void> {
  await d.saleKeys(amountFen);
  await d.host(LOST);
  await d.host(DOWN);
  await d.advance(10_000);
}

const events = (d: EngineDriver, name: string) => d.logs.filter((l) => l.event === name);
/** 60.2 of the last request: the batch the terminal trades on. */
const batchSent = (d: EngineDriver) => String(d.sent.at(-1)!.fields[60]).slice(2, 8);

/** 9 then a sub-item; from the idle screen, signed in or not. */
async function admin(d: EngineDriver, item: '1' | '2' | '3' | '4' | '6'): Promise<void> {
  await d.keys('9', item);
}

/** 9-1 with operator 01 / 0000 while someone is signed in; the 0800 goes out on the last ENTER. */
async function signInAgainKeys(d: EngineDriver): Promise<void> {
  await admin(d, '1');
  await d.type('01');
  await d.keys('ENTER');
  await d.type('0000');
  await d.keys('ENTER');
}

describe('sign-in: the operator and the password', () => {
  it('an operator number not configured is refused before any password prompt', async () => {
    const d = await booted();
    await d.keys('ENTER');
    await d.type('02');
    await d.keys('ENTER');
    expect(d.screen).toBe('SIGN IN\nNO SUCH OPERATOR\n\n');
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
    expect(d.savedLockouts).toEqual([]);
  });

  it('a wrong password is counted durably first, then WRONG PASSWORD with the tries left; logged for the operator', async () => {
    const d = await booted();
    await d.signInKeys('01', '1111');
    expect(d.savedLockouts).toEqual([{ '01': { failures: 1 } }]);
    expect(d.screen).toBe('SIGN IN\nWRONG PASSWORD\nTRIES LEFT: 4\n');
    expect(events(d, 'operator.wrong-password')).toEqual([{ event: 'operator.wrong-password', fields: { operator: '01', failures: 1 } }]);
    expect(events(d, 'supervisor.wrong-password')).toEqual([]);
    expect(d.sent).toEqual([]);
  });

  it('an attempt count that cannot be saved: STORAGE ERROR, the password is not checked, and the count in memory does not move', async () => {
    const d = await booted();
    d.lockoutSaves = false;
    await d.signInKeys();
    expect(d.screen).toBe('SIGN IN\nSTORAGE ERROR\n\n');
    await d.keys('ENTER');
    // The right password did not sign in: nothing went to the host.
    expect(d.sent).toEqual([]);
    expect(d.screen).toBe(IDLE);
    d.lockoutSaves = true;
    await d.signInKeys('01', '1111');
    // The unsaved attempt is not counted: this is the first of five.
    expect(d.screen).toBe('SIGN IN\nWRONG PASSWORD\nTRIES LEFT: 4\n');
    expect(d.savedLockouts.at(-1)).toEqual({ '01': { failures: 1 } });
  });

  it('the last try locks the operator: logged with the minutes, LOCKED with 9-6, and the next sign-in is refused before the password', async () => {
    const d = await booted({ ...defaultSettings(), passwordTries: 2, lockoutMinutes: 15 });
    await d.signInKeys('01', '1111');
    await d.keys('ENTER');
    await d.signInKeys('01', '2222');
    expect(d.savedLockouts.at(-1)).toEqual({ '01': { failures: 0, lockedUntil: BOOT_WALL + 15 * 60_000 } });
    expect(events(d, 'password.locked')).toEqual([{ event: 'password.locked', fields: { operator: '01', minutes: 15 } }]);
    expect(d.screen).toBe('SIGN IN\nLOCKED\nTRY IN 15 MIN\nSUPERVISOR: 9-6');
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);

    await d.keys('ENTER');
    await d.type('01');
    await d.keys('ENTER');
    expect(d.screen).toBe('SIGN IN\nLOCKED\nTRY IN 15 MIN\nSUPERVISOR: 9-6');
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
    expect(d.sent).toEqual([]);
  });
});

describe('sign-in: the supervisor', () => {
  it('a wrong supervisor password: echoed as stars, counted under 00, logged as the supervisor, nothing opened', async () => {
    const d = await booted();
    await admin(d, '4');
    await d.type('999999');
    expect(d.screen).toBe('SUPERVISOR PWD:\nSUPERVISOR PWD:\n******\n');
    await d.keys('ENTER');
    expect(d.savedLockouts).toEqual([{ '00': { failures: 1 } }]);
    expect(d.screen).toBe('ADMIN\nWRONG PASSWORD\nTRIES LEFT: 4\n');
    expect(events(d, 'supervisor.wrong-password')).toEqual([{ event: 'supervisor.wrong-password', fields: { operator: '00', failures: 1 } }]);
    expect(events(d, 'operator.wrong-password')).toEqual([]);
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
  });

  it('CANCEL at the supervisor password opens nothing', async () => {
    const d = await booted();
    await admin(d, '4');
    await d.keys('CANCEL');
    expect(d.screen).toBe(IDLE);
    expect(d.savedLockouts).toEqual([]);
  });

  it('a supervisor locked in lockouts.json (key 00) is refused before the password, without the 9-6 hint', async () => {
    const d = await booted(defaultSettings(), { '00': { failures: 0, lockedUntil: BOOT_WALL + 10 * 60_000 } });
    await admin(d, '6');
    expect(d.screen).toBe('ADMIN\nLOCKED\nTRY IN 10 MIN\n');
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
    expect(d.savedLockouts).toEqual([]);
  });

  it('9-6 lifts an operator lock: saved, logged, UNLOCKED shown, and the operator signs in', async () => {
    const d = await booted(defaultSettings(), { '01': { failures: 0, lockedUntil: BOOT_WALL + 30 * 60_000 } });
    await admin(d, '6');
    await d.type('123456');
    await d.keys('ENTER');
    await d.type('01');
    await d.keys('ENTER');
    expect(d.savedLockouts.at(-1)).toEqual({});
    expect(events(d, 'password.unlocked')).toEqual([{ event: 'password.unlocked', fields: { operator: '01' } }]);
    expect(d.screen).toBe('ADMIN\nUNLOCKED 01\n\n');
    await d.keys('ENTER');
    await d.signIn();
    expect(d.screen).toContain('OPER 01 READY');
  });

  it('9-6 whose save fails: STORAGE ERROR, nothing logged, the operator stays locked', async () => {
    const d = await booted(defaultSettings(), { '01': { failures: 0, lockedUntil: BOOT_WALL + 30 * 60_000 } });
    await admin(d, '6');
    await d.type('123456');
    await d.keys('ENTER');
    d.lockoutSaves = false;
    await d.type('01');
    await d.keys('ENTER');
    expect(d.screen).toBe('ADMIN\nSTORAGE ERROR\n\n');
    expect(events(d, 'password.unlocked')).toEqual([]);
    await d.keys('ENTER');
    await d.keys('ENTER');
    await d.type('01');
    await d.keys('ENTER');
    expect(d.screen).toContain('LOCKED');
  });
});

describe('sign-in: the 0800 and its answer', () => {
  it('CONNECTING while the 0800 is out, sent without a MAC', async () => {
    const d = await booted();
    await d.signInKeys();
    expect(d.screen).toBe('SIGN IN\nCONNECTING...\n\n');
    expect(d.waiting).toMatchObject({ op: 'host', mac: false, request: { mti: '0800', fields: { 11: '000001' } } });
  });

  it('a batch number the journal cannot take: STORAGE ERROR, no STAN used, nothing sent', async () => {
    const d = await booted();
    d.journal.failNext('takeCounter');
    await d.signInKeys();
    expect(d.screen).toBe('SIGN IN\nSTORAGE ERROR\n\n');
    expect(d.sent).toEqual([]);
    await d.keys('ENTER');
    await d.signInKeys();
    expect(d.sent.at(-1)).toMatchObject({ mti: '0800', fields: { 11: '000001' } });
  });

  it.each([
    [LOST, 'NO HOST RESPONSE'],
    [{ ok: false, kind: 'malformed', requestSent: true, detail: 'bad bitmap' } as const, 'BAD RESPONSE'],
  ])('no usable answer (%o): %s, not signed in', async (outcome, text) => {
    const d = await booted();
    await d.signInKeys();
    await d.host(outcome);
    expect(d.screen).toBe(`SIGN IN\n${text}\n\n`);
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
  });

  it.each([
    [{ 39: '96', 60: '00000001003', 62: KEYS }, 'SIGN-IN FAIL 96\nSYSTEM ERROR'],
    // A 00 without F62: no keys to load.
    [{ 39: '00', 60: '00000001003' }, 'SIGN-IN FAIL 00\nAPPROVED'],
    // No F39: an empty code.
    [{ 60: '00000001003', 62: KEYS }, 'SIGN-IN FAIL \nCODE '],
  ])('a refused 0810 (%o) shows the code and its meaning for 5 s; no keys are loaded, nobody is signed in', async (fields, text) => {
    const d = await answered(fields);
    expect(d.screen).toBe(`SIGN IN\n${text}\n`);
    expect(d.waiting).toEqual({ op: 'input', timeoutMs: 5000 });
    expect(events(d, 'sign-in.ok')).toEqual([]);
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
  });

  it('keys that fail their check: logged with the reason, KEY CHECK FAILED for 5 s, not signed in', async () => {
    const d = await answered({ 39: '00', 60: '00000001003', 62: KEYS }, { ok: false, reason: 'key-check-failed' });
    expect(events(d, 'sign-in.key-check-failed')).toEqual([{ event: 'sign-in.key-check-failed', fields: { reason: 'key-check-failed' } }]);
    expect(d.screen).toBe('SIGN IN\nKEY CHECK FAILED\n\n');
    expect(d.waiting).toEqual({ op: 'input', timeoutMs: 5000 });
    expect(events(d, 'sign-in.ok')).toEqual([]);
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
  });

  it('signed in: logged with the operator, SIGNED IN for 1.5 s, then the idle screen names the operator', async () => {
    const d = await answered({ 39: '00', 60: '00000001003', 62: KEYS });
    expect(events(d, 'sign-in.ok')).toEqual([{ event: 'sign-in.ok', fields: { operator: '01' } }]);
    expect(d.screen).toBe('SIGN IN\nSIGNED IN\n\n');
    expect(d.waiting).toEqual({ op: 'input', timeoutMs: 1500 });
    await d.advance(1500);
    expect(d.screen).toContain('OPER 01 READY');
  });

  it('SIGNED IN is on the glass while a record cut short is marked owed, before its reversal goes out', async () => {
    const d = await signedIn();
    const stan = await d.saleLeftPending(1500);
    expect(d.journal.find(stan)?.status).toBe('pending');
    const duringWrite: string[] = [];
    const record = d.journal.requireReversal.bind(d.journal);
    d.journal.requireReversal = async (...args) => {
      duringWrite.push(d.screen);
      return record(...args);
    };
    await signInAgainKeys(d);
    await d.reply({ 39: '00', 60: '00000001003', 62: KEYS });
    expect(duringWrite).toEqual(['SIGN IN\nSIGNED IN\n\n']);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400', fields: { 11: String(stan).padStart(6, '0') } } });
  });
});

describe("sign-in: the host's batch number (60.2)", () => {
  it('an F60 of exactly 60.1 and 60.2 is followed: the terminal trades on the host batch', async () => {
    const d = await booted();
    await d.signInKeys();
    await d.reply({ 39: '00', 60: '00000007', 62: KEYS });
    expect(d.journal.view().counters.batch).toBe(7);
    await d.advance(1500);
    await admin(d, '3');
    expect(batchSent(d)).toBe('000007');
  });

  it('an F60 too short to hold 60.2 is not read as a batch', async () => {
    const d = await booted();
    await d.signInKeys();
    await d.reply({ 39: '00', 60: '0000009', 62: KEYS });
    expect(d.journal.view().counters.batch).toBe(1);
    expect(events(d, 'sign-in.ok')).toHaveLength(1);
  });

  it('a later host batch while the terminal holds records of its own: logged, settlement report printed, batch closed and moved on', async () => {
    const d = await signedIn();
    await d.approvedSale(5000);
    await signInAgainKeys(d);
    await d.reply({ 39: '00', 60: '00000005003', 62: KEYS });
    expect(events(d, 'batch.closed-by-host')).toEqual([{ event: 'batch.closed-by-host', fields: { batchNo: 1, hostBatchNo: 5 } }]);
    expect(d.waiting).toMatchObject({
      op: 'print',
      job: { kind: 'settlement', batchNo: '000001', operator: '01', balanced: true, uploaded: false, rows: expect.arrayContaining([{ type: { zh: '合计借记', en: 'TOTAL DEBIT' }, count: 1, amountFen: 5000 }]) },
    });
    await d.print();
    expect(d.journal.view().transactions).toEqual([]);
    expect(d.journal.view().counters.batch).toBe(5);
    expect(d.screen).toBe('SIGN IN\nSIGNED IN\n\n');
  });

  it('a later host batch whose settle the journal cannot record: the batch is not moved on, its records stay', async () => {
    const d = await signedIn();
    await d.approvedSale(5000);
    await signInAgainKeys(d);
    d.journal.failNext('settle');
    await d.reply({ 39: '00', 60: '00000005003', 62: KEYS });
    await d.print();
    expect(events(d, 'journal.failed')).toMatchObject([{ fields: { call: 'settle' } }]);
    expect(d.journal.view().counters.batch).toBe(1);
    expect(d.journal.view().transactions).toHaveLength(1);
  });

  it('only a reversal owed from an older batch: no report for the current batch, the counter just moves', async () => {
    const d = await signedIn();
    await owedReversal(d, 1234);
    // The host closed batch 1: the report prints, the owed reversal stays in the journal.
    await signInAgainKeys(d);
    await d.reply({ 39: '00', 60: '00000005003', 62: KEYS });
    await d.print();
    await d.host(DOWN);
    await d.advance(1500);
    expect(d.journal.view().counters.batch).toBe(5);
    expect(d.journal.view().transactions.map((tx) => [tx.batchNo, tx.status])).toEqual([[1, 'reversal-pending']]);
    expect(d.printed.map((job) => job.kind)).toEqual(['settlement']);

    await signInAgainKeys(d);
    await d.reply({ 39: '00', 60: '00000009003', 62: KEYS });
    expect(d.printed.map((job) => job.kind)).toEqual(['settlement']);
    expect(events(d, 'batch.closed-by-host')).toHaveLength(1);
    expect(d.journal.view().counters.batch).toBe(9);
  });
});

describe('sign-off (9-2) and echo test (9-3): the 0820', () => {
  it('echo: CONNECTING under ECHO TEST, no MAC, 60.3 301; HOST OK; the operator stays signed in', async () => {
    const d = await signedIn();
    await admin(d, '3');
    expect(d.screen).toBe('ECHO TEST\nCONNECTING...\n\n');
    expect(d.waiting).toMatchObject({ op: 'host', mac: false, request: { mti: '0820' } });
    expect(String(d.sent.at(-1)!.fields[60]).slice(8, 11)).toBe('301');
    await d.reply({ 39: '00' });
    expect(d.screen).toBe('ECHO TEST\nHOST OK\n\n');
    await d.keys('ENTER');
    expect(d.screen).toContain('OPER 01 READY');
  });

  it('echo with a reversal owed sends the 0820 at once, not the 0400', async () => {
    const d = await signedIn();
    await owedReversal(d, 1234);
    await admin(d, '3');
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0820' } });
  });

  it('echo without an answer: NO HOST RESPONSE', async () => {
    const d = await booted();
    await admin(d, '3');
    await d.host(LOST);
    expect(d.screen).toBe('ECHO TEST\nNO HOST RESPONSE\n\n');
  });

  it('echo refused: DECLINED with the code and its meaning; an 0830 without F39 shows an empty code', async () => {
    const d = await booted();
    await admin(d, '3');
    await d.reply({ 39: '96' });
    expect(d.screen).toBe('ECHO TEST\nDECLINED 96\nSYSTEM ERROR\n');
    await d.keys('ENTER');
    await admin(d, '3');
    await d.reply({});
    expect(d.screen).toBe('ECHO TEST\nDECLINED \nCODE \n');
  });

  it('echo with a batch number the journal cannot take: STORAGE ERROR, no STAN used, nothing sent', async () => {
    const d = await booted();
    d.journal.failNext('takeCounter');
    await admin(d, '3');
    expect(d.screen).toBe('ECHO TEST\nSTORAGE ERROR\n\n');
    expect(d.sent).toEqual([]);
    await d.keys('ENTER');
    await admin(d, '3');
    expect(d.sent.at(-1)).toMatchObject({ mti: '0820', fields: { 11: '000001' } });
  });

  it('sign-off: CONNECTING under SIGN OFF, 60.3 002; SIGNED OFF; nobody is signed in after', async () => {
    const d = await signedIn();
    await admin(d, '2');
    expect(d.screen).toBe('SIGN OFF\nCONNECTING...\n\n');
    expect(String(d.sent.at(-1)!.fields[60]).slice(8, 11)).toBe('002');
    await d.reply({ 39: '00' });
    expect(d.screen).toBe('SIGN OFF\nSIGNED OFF\n\n');
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
  });

  it('sign-off without an answer still signs off: SIGNED OFF', async () => {
    const d = await signedIn();
    await admin(d, '2');
    await d.host(LOST);
    expect(d.screen).toBe('SIGN OFF\nSIGNED OFF\n\n');
    await d.keys('ENTER');
    expect(d.screen).toBe(IDLE);
  });

  it('sign-off with a reversal that cannot go out: refused, nothing sent, the operator stays signed in', async () => {
    const d = await signedIn();
    await owedReversal(d, 1234);
    await admin(d, '2');
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400' } });
    await d.host(DOWN);
    expect(d.screen).toBe('SIGN OFF\nREVERSAL PENDING\nHOST UNREACHABLE\n');
    expect(d.sent.filter((m) => m.mti === '0820')).toEqual([]);
    await d.keys('ENTER');
    expect(d.screen).toContain('OPER 01 READY');
  });
});
