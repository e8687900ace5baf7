/**
 * The cashier's side of each financial menu item (firmware/app/flows/financial-flows.ts) in detail,
 * on the pure engine: what is asked and in which order, where giving up leads, what a full journal
 * says, which original-transaction fields reach the acquirer, and the whole 4 余额查询 flow.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings, type TerminalSettings } from '../../firmware/app/settings.js';
import { CARD, EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

const MASKED = '622202*********0123';
const IDLE = 'OPER 01 READY';

async function signedIn(settings: TerminalSettings = defaultSettings(), transactionsLeft?: number): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(transactionsLeft === undefined ? {} : { transactionsLeft }), settings);
  await d.start();
  await d.signIn();
  return d;
}

const financial = (d: EngineDriver) => d.sent.filter((m) => m.mti !== '0800');

/** From the idle screen: 2 撤销 (or 5-4), supervisor, voucher no.; waits at the card prompt. */
async function voidUpToCard(d: EngineDriver, voucherNo: number, completionVoid = false): Promise<void> {
  await d.keys(...(completionVoid ? (['5', '4'] as const) : (['2'] as const)));
  await d.type('123456');
  await d.keys('ENTER');
  await d.type(String(voucherNo));
  await d.keys('ENTER');
}

/** From the idle screen: 2 撤销 of this voucher, same card, approved, both copies printed. */
async function approvedVoid(d: EngineDriver, voucherNo: number): Promise<void> {
  await voidUpToCard(d, voucherNo);
  await d.swipe();
  await d.keys('ENTER');
  await d.reply({ 39: '00', 37: '222222222222', 38: '222222' });
  await d.print();
  await d.keys('ENTER');
  await d.print();
}

describe('financial flows: giving up and a full journal', () => {
  it('CANCEL at the PIN sends nothing and returns to the idle screen', async () => {
    const d = await signedIn();
    await d.keys('1');
    await d.type('500');
    await d.keys('ENTER');
    await d.swipe();
    await d.keys('ENTER');
    expect(d.screen).toContain('ENTER PIN:');
    await d.keys('CANCEL');
    expect(financial(d)).toEqual([]);
    expect(d.screen).toContain(IDLE);
  });

  it.each([
    [['2'], 'VOID'],
    [['5', '4'], 'COMPLETION VOID'],
    [['3'], 'REFUND'],
    [['5', '1'], 'PRE-AUTH'],
    [['5', '3'], 'COMPLETION'],
    [['5', '2'], 'PRE-AUTH VOID'],
  ] as const)('a full journal answers menu %j (%s) with SETTLE FIRST before anything is asked', async (menu, title) => {
    const d = await signedIn(defaultSettings(), 0);
    await d.keys(...menu);
    expect(d.screen).toBe(`${title}\nSETTLE FIRST\n\n`);
    await d.advance(10_000);
    expect(d.screen).toContain(IDLE);
    expect(financial(d)).toEqual([]);
  });

  it('void: CANCEL at the voucher no. goes straight back to the idle screen, no NOT FOUND', async () => {
    const d = await signedIn();
    await d.approvedSale(2500);
    await d.keys('2');
    await d.type('123456');
    await d.keys('ENTER');
    expect(d.screen).toContain('VOUCHER NO:');
    await d.keys('CANCEL');
    expect(d.screen).toContain(IDLE);
    expect(d.allScreens).not.toContain('NOT FOUND');
  });

  it('a chip card swiped is refused (USE CHIP CARD) and logged with its service code and the masked PAN only', async () => {
    const d = await signedIn();
    await d.keys('1');
    await d.type('500');
    await d.keys('ENTER');
    await d.swipe({ ...CARD, serviceCode: '220', track2: CARD.track2.replace('=3012120', '=3012220') });
    expect(d.screen).toBe('SALE\nUSE CHIP CARD\n\n');
    expect(d.logs.filter((l) => l.event === 'swipe.chip-card-refused')).toEqual([
      { event: 'swipe.chip-card-refused', fields: { serviceCode: '220', maskedPan: MASKED } },
    ]);
    expect(JSON.stringify(d.logs)).not.toContain(CARD.pan);
    expect(financial(d)).toEqual([]);
  });

  it('refund: CANCEL at the original reference no. or at the date ends the refund', async () => {
    const d = await signedIn();
    await d.keys('3');
    await d.type('123456');
    await d.keys('ENTER');
    expect(d.screen).toContain('ORIG REF NO:');
    await d.keys('CANCEL');
    expect(d.screen).toContain(IDLE);
    await d.keys('3');
    await d.type('123456');
    await d.keys('ENTER');
    await d.type('000000000001');
    await d.keys('ENTER');
    expect(d.screen).toContain('ORIG DATE MMDD:');
    await d.keys('CANCEL');
    expect(d.screen).toContain(IDLE);
    expect(financial(d)).toEqual([]);
  });

  it('completion: CANCEL at the auth code or at the date ends it', async () => {
    const d = await signedIn();
    await d.keys('5', '3');
    expect(d.screen).toContain('AUTH CODE:');
    await d.keys('CANCEL');
    expect(d.screen).toContain(IDLE);
    await d.keys('5', '3');
    await d.type('123456');
    await d.keys('ENTER');
    expect(d.screen).toContain('ORIG DATE MMDD:');
    await d.keys('CANCEL');
    expect(d.screen).toContain(IDLE);
    expect(financial(d)).toEqual([]);
  });
});

describe('financial flows: what is asked, what is sent', () => {
  it('void voids only its own kind: a sale\'s voucher is NOT FOUND to 5-4, a void\'s voucher NOT FOUND to 2', async () => {
    const d = await signedIn();
    await d.approvedSale(2500);
    const sale = d.journal.view().transactions.at(-1)!;
    await voidUpToCard(d, sale.voucherNo, true);
    expect(d.screen).toBe('COMPLETION VOID\nNOT FOUND\n\n');
    await d.advance(10_000);
    await approvedVoid(d, sale.voucherNo);
    const voided = d.journal.view().transactions.at(-1)!;
    expect(voided).toMatchObject({ type: 'void', status: 'approved' });
    await voidUpToCard(d, voided.voucherNo);
    expect(d.screen).toBe('VOID\nNOT FOUND\n\n');
  });

  it('pre-auth asks for the PIN and sends it (PIN block, F22 with PIN, F26)', async () => {
    const d = await signedIn();
    await d.keys('5', '1');
    await d.type('30000');
    await d.keys('ENTER');
    await d.swipe();
    await d.keys('ENTER');
    expect(d.screen).toBe('PRE-AUTH\n300.00\nENTER PIN:\n');
    await d.type('1234');
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'host', pin: { pin: '1234' }, request: { mti: '0100', fields: { 4: '000000030000', 22: '021', 26: '12' } } });
  });

  it('completion asks for the PIN; pre-auth void does not', async () => {
    const d = await signedIn();
    await d.keys('5', '3');
    await d.type('123456');
    await d.keys('ENTER');
    await d.type('1122');
    await d.keys('ENTER');
    await d.type('30000');
    await d.keys('ENTER');
    await d.swipe();
    await d.keys('ENTER');
    expect(d.screen).toContain('ENTER PIN:');
    await d.type('1234');
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'host', pin: { pin: '1234' }, request: { fields: { 38: '123456' } } });
  });

  it('void: the original RRN (F37) and auth code (F38) go out with the void', async () => {
    const d = await signedIn();
    await d.approvedSale(2500);
    const sale = d.journal.view().transactions.at(-1)!;
    await voidUpToCard(d, sale.voucherNo);
    await d.swipe();
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0200', fields: { 3: '200000', 4: '000000002500', 37: '111111111111', 38: '111111' } } });
  });

  it('void: an unknown voucher says NOT FOUND, a declined sale CANNOT VOID, a voided sale ALREADY VOIDED', async () => {
    const d = await signedIn();
    await d.approvedSale(2500);
    const sale = d.journal.view().transactions.at(-1)!;
    await voidUpToCard(d, sale.voucherNo + 50);
    expect(d.screen).toBe('VOID\nNOT FOUND\n\n');
    await d.advance(10_000);
    // A declined sale cannot be voided.
    await d.saleKeys(700);
    await d.reply({ 39: '51' });
    await d.advance(10_000);
    await voidUpToCard(d, d.journal.view().transactions.at(-1)!.voucherNo);
    expect(d.screen).toBe('VOID\nCANNOT VOID\n\n');
    await d.advance(10_000);
    await approvedVoid(d, sale.voucherNo);
    const sentBefore = d.sent.length;
    await voidUpToCard(d, sale.voucherNo);
    expect(d.screen).toBe('VOID\nALREADY VOIDED\n\n');
    expect(d.sent.length).toBe(sentBefore);
  });
});

/** From the idle screen: 4, swipe, confirm, PIN (or ENTER alone: bypass); the 0200 goes out on the last ENTER. */
async function balanceKeys(d: EngineDriver, pin = '1234'): Promise<void> {
  await d.keys('4');
  await d.swipe();
  await d.keys('ENTER');
  await d.type(pin);
  await d.keys('ENTER');
}

const F54 = '1001156C000000012345';

describe('4 余额查询', () => {
  it('PROCESSING while the STAN is taken, CONNECTING while the MAC-ed 0200 with the PIN is out, then the balance', async () => {
    const d = await signedIn();
    await balanceKeys(d);
    expect(d.allScreens).toContain('BALANCE|PROCESSING...||');
    expect(d.screen).toBe('BALANCE\nCONNECTING...\n\n');
    expect(d.waiting).toMatchObject({ op: 'host', mac: true, pin: { pin: '1234', pan: '6222021234567890123' } });
    expect(d.waiting).not.toHaveProperty('encryptTracks');
    expect(d.sent.at(-1)).toMatchObject({ mti: '0200', fields: { 3: '310000', 22: '021', 26: '12' } });
    await d.reply({ 39: '00', 54: F54 });
    expect(d.screen).toBe(`BALANCE\nBALANCE:\n123.45\n${MASKED}`);
    // Not journaled: no transaction record for a balance inquiry.
    expect(d.journal.view().transactions).toEqual([]);
  });

  it('a negative (D) balance is shown with its sign', async () => {
    const d = await signedIn();
    await balanceKeys(d);
    await d.reply({ 39: '00', 54: '1001156D000000000100' });
    expect(d.screen).toBe(`BALANCE\nBALANCE:\n-1.00\n${MASKED}`);
  });

  it('PIN bypassed: no PIN block, entry mode without PIN, no F26', async () => {
    const d = await signedIn({ ...defaultSettings(), pinBypassAllowed: true });
    await balanceKeys(d, '');
    const op = d.waiting;
    expect(op).toMatchObject({ op: 'host', mac: true });
    expect(op.op === 'host' && 'pin' in op).toBe(false);
    expect(d.sent.at(-1)!.fields[22]).toBe('022');
    expect(d.sent.at(-1)!.fields[26]).toBeUndefined();
  });

  it('key mode 004: the tracks go out encrypted', async () => {
    const d = await signedIn({ ...defaultSettings(), keyMode: '004' });
    await balanceKeys(d);
    expect(d.waiting).toMatchObject({ op: 'host', encryptTracks: true });
  });

  it('declined: DECLINED with the code and its meaning, even with a balance in F54', async () => {
    const d = await signedIn();
    await balanceKeys(d);
    await d.reply({ 39: '51', 54: F54 });
    expect(d.screen).toBe('BALANCE\nDECLINED 51\nNO FUNDS\n');
    await d.advance(5000);
    expect(d.screen).toContain(IDLE);
  });

  it('approved without a readable balance, or without F39: DECLINED', async () => {
    const d = await signedIn();
    await balanceKeys(d);
    await d.reply({ 39: '00' });
    expect(d.screen).toMatch(/^BALANCE\nDECLINED 00\n/);
    await d.advance(5000);
    await balanceKeys(d);
    await d.reply({ 54: F54 });
    expect(d.screen.split('\n').slice(0, 2)).toEqual(['BALANCE', 'DECLINED ']);
  });

  it('no response, a malformed response, a bad MAC: each says so, nothing shown as balance', async () => {
    const d = await signedIn();
    await balanceKeys(d);
    await d.host({ ok: false, kind: 'timeout', requestSent: true, detail: 'no response' });
    expect(d.screen).toBe('BALANCE\nNO HOST RESPONSE\n\n');
    await d.advance(10_000);
    await balanceKeys(d);
    await d.host({ ok: false, kind: 'malformed', requestSent: true, detail: 'garbage' });
    expect(d.screen).toBe('BALANCE\nBAD RESPONSE\n\n');
    await d.advance(10_000);
    await balanceKeys(d);
    await d.reply({ 39: '00', 54: F54 }, false);
    expect(d.screen).toBe('BALANCE\nMAC ERROR\n\n');
  });

  it('a STAN the journal cannot take: STORAGE ERROR, nothing sent', async () => {
    const d = await signedIn();
    const sentBefore = d.sent.length;
    d.journal.failNext('takeCounter');
    await balanceKeys(d);
    expect(d.sent.length).toBe(sentBefore);
    expect(d.screen).toBe('BALANCE\nSTORAGE ERROR\n\n');
  });

  it('an owed reversal the host cannot take blocks the inquiry: explained, no 0200 sent', async () => {
    const d = await signedIn();
    await d.saleKeys(1500);
    await d.host({ ok: false, kind: 'timeout', requestSent: true, detail: 'no response' });
    await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'down' });
    await d.advance(10_000);
    const zeroTwoHundreds = d.sent.filter((m) => m.mti === '0200').length;
    await balanceKeys(d);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400' } });
    await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'down' });
    expect(d.screen).toBe('REVERSING...\nREVERSAL PENDING\nHOST UNREACHABLE\n');
    await d.advance(10_000);
    expect(d.sent.filter((m) => m.mti === '0200').length).toBe(zeroTwoHundreds);
  });
});
