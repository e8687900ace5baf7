/**
 * Issue 14, the terminal part (items 6-12): what a cashier is told, paper before money, settlement
 * with confirmation, the cardholder copy, lockout and limits, 交易明细, and what receipts say about
 * the card. End to end on the real shell and journal (TerminalRig) unless a display size matters.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardOrganisation, entryModeOf } from '../../firmware/app/card-organisation.js';
import { JsonFileLockoutStore } from '../../firmware/app/password-lockout.js';
import { JsonFileSettingsStore } from '../../firmware/app/settings-file.js';
import { defaultSettings, type TerminalSettings } from '../../firmware/app/settings.js';
import { layoutReceipt } from '../../firmware/drivers/printer/receipt-layout.js';
import type { TransactionList, TransactionReceipt } from '../../firmware/drivers/printer/print-job.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { MemoryJournal } from './doubles/memory-journal.js';
import { TerminalRig } from './doubles/terminal-rig.js';

async function rigWith(settings: Partial<TerminalSettings> = {}): Promise<TerminalRig> {
  const rig = new TerminalRig();
  await rig.settingsStore.save({ ...defaultSettings(), ...settings });
  await rig.boot();
  return rig;
}

async function signedIn(settings: Partial<TerminalSettings> = {}): Promise<TerminalRig> {
  const rig = await rigWith(settings);
  await rig.signIn();
  return rig;
}

const voucherOf = (n: number) => String(n).padStart(6, '0');

describe('6 what a cashier is told', () => {
  it('a reversal sent at boot shows REVERSAL DONE with the amount and voucher it undid, until a key', async () => {
    const rig = await signedIn();
    // The response is lost and the immediate reversal cannot leave: the 0400 is owed at the next boot.
    rig.host.faults.push('lose-response', 'unreachable');
    await rig.sale(1234);
    await rig.toIdle();
    const owed = rig.journal.view().transactions[0]!;
    expect(owed.status).toBe('reversal-pending');
    await rig.reboot();
    expect(rig.host.requests.at(-1)!.mti).toBe('0400');
    expect(rig.screen).toContain('REVERSAL DONE');
    expect(rig.screen).toContain(`12.34 NO.${voucherOf(owed.voucherNo)}`);
    // Not a flash on the way to the idle screen: it stays through any wait.
    rig.clock.advance(30 * 60_000);
    await rig.settle();
    expect(rig.screen).toContain('REVERSAL DONE');
    await rig.press('CLEAR');
    expect(rig.atIdle()).toBe(true);
    expect(rig.journal.view().transactions[0]!.status).toBe('reversed');
  });

  it('Chinese 16x2: 冲正成功 with amount and voucher, before the next sale goes out', async () => {
    const d = new EngineDriver(new MemoryJournal(), defaultSettings(), { cols: 16, rows: 2, chinese: true });
    await d.start();
    await d.signIn();
    await d.saleKeys(500);
    await d.host({ ok: false, kind: 'timeout', requestSent: true, detail: 'lost' });
    await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'down' });
    await d.advance(10_000);
    const owedVoucher = d.journal.view().transactions[0]!.voucherNo;
    await d.saleKeys(700);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400' } });
    await d.reply({ 39: '00' });
    expect(d.screen).toBe(`冲正成功\n5.00 凭证${voucherOf(owedVoucher)}`);
    expect(d.waiting.op).toBe('input');
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0200', fields: { 4: '000000000700' } } });
  });

  it('an approved sale shows APPROVED through a paper-out on its first copy, and after giving up on it', async () => {
    const rig = await signedIn();
    rig.printer.paperOutFor = 1;
    await rig.sale(8800);
    expect(rig.screen).toContain('APPROVED 88.00');
    expect(rig.screen).toContain('PAPER OUT');
    await rig.press('CANCEL');
    expect(rig.screen).toContain('APPROVED');
    expect(rig.screen).toContain('88.00');
    expect(rig.screen).toContain('REPRINT: MENU 6');
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'approved', printed: false });
  });

  it('16x2: the paper-out screen of an approved sale keeps APPROVED and the amount', async () => {
    for (const [chinese, approved] of [[false, 'APPROVED 1.00'], [true, '交易成功 1.00']] as const) {
      const d = new EngineDriver(new MemoryJournal(), defaultSettings(), { cols: 16, rows: 2, chinese });
      await d.start();
      await d.signIn();
      await d.saleKeys(100);
      await d.reply({ 39: '00', 37: '000000000001', 38: '123456' });
      expect(d.waiting.op).toBe('print');
      await d.print({ ok: false, reason: 'paper-out', linesPrinted: 3 });
      expect(d.screen.split('\n')[0]).toBe(approved);
    }
  });
});

describe('7 paper before money', () => {
  it('no paper: LOAD PAPER and nothing reaches the host (no STAN taken, nothing journaled); paper in, it goes', async () => {
    const rig = await signedIn();
    rig.printer.empty = true;
    const sent = rig.host.requests.length;
    const stan = rig.journal.view().counters.stan;
    await rig.sale(4200);
    expect(rig.screen).toContain('LOAD PAPER');
    expect(rig.host.requests.length).toBe(sent);
    expect(rig.journal.view().counters.stan).toBe(stan);
    expect(rig.journal.view().transactions).toHaveLength(0);
    // ENTER with the roll still empty looks again and still refuses.
    await rig.press('ENTER');
    expect(rig.screen).toContain('LOAD PAPER');
    expect(rig.host.requests.length).toBe(sent);
    rig.printer.empty = false;
    rig.shell.paper(true);
    await rig.settle();
    await rig.toIdle();
    expect(rig.host.requests.slice(sent).map((r) => r.mti)).toEqual(['0200']);
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'approved', printed: true, amountFen: 4200 });
  });

  it('no paper and the cashier cancels: the sale is dropped, nothing sent', async () => {
    const rig = await signedIn();
    rig.printer.empty = true;
    const sent = rig.host.requests.length;
    await rig.sale(100);
    await rig.press('CANCEL');
    expect(rig.atIdle()).toBe(true);
    expect(rig.host.requests.length).toBe(sent);
    expect(rig.printer.paperChecks).toBeGreaterThan(0);
  });

  it('a printer that cannot say does not stop trading', async () => {
    const d = new EngineDriver();
    d.paperPresent = undefined;
    await d.start();
    await d.signIn();
    await d.saleKeys(100);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0200' } });
  });
});

describe('8 settlement with confirmation', () => {
  it('shows 内卡/外卡 debit and credit counts and amounts; nothing is sent until ENTER; CANCEL sends nothing', async () => {
    const rig = await signedIn();
    for (const [amount, card] of [[1000, 0], [2000, 1], [5000, 10]] as const) {
      await rig.sale(amount, card);
      await rig.toIdle();
    }
    const sent = rig.host.requests.length;
    await rig.press('8');
    expect(rig.screen).toContain('ENTER: SETTLE');
    expect(rig.screen).toMatch(/DOM DEBIT 2 +30\.00/);
    expect(rig.screen).toMatch(/DOM CREDIT 0 +0\.00/);
    await rig.press('DOWN', 'DOWN');
    expect(rig.screen).toMatch(/FGN DEBIT 1 +50\.00/);
    expect(rig.screen).toMatch(/FGN CREDIT 0 +0\.00/);
    expect(rig.host.requests.length).toBe(sent);
    await rig.press('CANCEL');
    expect(rig.atIdle()).toBe(true);
    expect(rig.host.requests.length).toBe(sent);
    await rig.press('8', 'ENTER');
    await rig.toIdle();
    expect(rig.host.requests.slice(sent).map((r) => r.mti)).toEqual(['0500']);
  });

  it('Chinese 16x2: 内卡借记 with count and amount, and 确认 asked', async () => {
    const d = new EngineDriver(new MemoryJournal(), defaultSettings(), { cols: 16, rows: 2, chinese: true });
    await d.start();
    await d.signIn();
    await d.saleKeys(8800);
    await d.reply({ 39: '00', 37: '000000000001', 38: '123456' });
    await d.print();
    await d.advance(60_000);
    await d.print();
    await d.keys('8');
    expect(d.screen).toBe('按确认键结算\n内卡借记 1 88.00');
    expect(d.waiting.op).toBe('input');
  });
});

describe('9 the cardholder copy', () => {
  it('CANCEL at 撕下 asks; ENTER skips it; 6-5 prints it later, unmarked, then marked REPRINT', async () => {
    const rig = await signedIn();
    await rig.sale(300);
    expect(rig.screen).toContain('TEAR OFF');
    await rig.press('CANCEL');
    expect(rig.screen).toContain('SKIP CARDHOLDER?');
    await rig.press('ENTER');
    expect(rig.atIdle()).toBe(true);
    const jobs = () => rig.printer.printed.filter((j): j is TransactionReceipt => j.kind === 'transaction');
    expect(jobs().map((j) => j.copy)).toEqual(['merchant']);
    await rig.press('6', '5', 'ENTER');
    await rig.toIdle();
    expect(jobs().at(-1)).toMatchObject({ copy: 'cardholder', reprint: false, amountFen: 300 });
    const voucher = rig.journal.view().transactions[0]!.voucherNo;
    await rig.press('6', '5');
    await rig.type(String(voucher));
    await rig.press('ENTER');
    await rig.toIdle();
    expect(jobs().at(-1)).toMatchObject({ copy: 'cardholder', reprint: true });
    expect(jobs()).toHaveLength(3);
  });

  it('CANCEL at the question goes back to 撕下, and ENTER then prints the cardholder copy', async () => {
    const rig = await signedIn();
    await rig.sale(300);
    await rig.press('CANCEL');
    await rig.press('CANCEL');
    expect(rig.screen).toContain('TEAR OFF');
    await rig.press('ENTER');
    expect(rig.printer.printed.map((j) => (j as TransactionReceipt).copy)).toEqual(['merchant', 'cardholder']);
  });
});

describe('10 lockout and limits', () => {
  async function signInWith(rig: TerminalRig, password: string): Promise<void> {
    await rig.press('ENTER');
    await rig.type('01');
    await rig.press('ENTER');
    await rig.type(password);
    await rig.press('ENTER');
  }

  it('N wrong operator passwords lock for M minutes; the count survives a power cut; the lock ends on time', async () => {
    const rig = await rigWith({ passwordTries: 3, lockoutMinutes: 10 });
    await signInWith(rig, '1111');
    expect(rig.screen).toContain('TRIES LEFT: 2');
    await rig.toIdle();
    await signInWith(rig, '2222');
    expect(rig.screen).toContain('TRIES LEFT: 1');
    await rig.reboot();
    await signInWith(rig, '3333');
    expect(rig.screen).toContain('LOCKED');
    expect(rig.screen).toContain('TRY IN 10 MIN');
    await rig.toIdle();
    const sent = rig.host.requests.length;
    // Locked: the password is not even asked, so the right one cannot get through.
    await rig.press('ENTER');
    await rig.type('01');
    await rig.press('ENTER');
    expect(rig.screen).toContain('LOCKED');
    await rig.toIdle();
    await rig.reboot();
    await rig.press('ENTER');
    await rig.type('01');
    await rig.press('ENTER');
    expect(rig.screen).toContain('LOCKED');
    expect(rig.host.requests.length).toBe(sent);
    await rig.toIdle();
    rig.clock.advance(10 * 60_000);
    await signInWith(rig, '0000');
    await rig.toIdle();
    expect(rig.shell.operator).toBe('01');
    expect(await rig.lockoutStore.load()).toEqual({});
  });

  it('the attempt is counted before the password is checked: with the count not durable, even the right one is refused', async () => {
    const d = new EngineDriver();
    d.lockoutSaves = false;
    await d.start();
    await d.signInKeys('01', '0000');
    expect(d.screen).toContain('STORAGE ERROR');
    expect(d.sent).toHaveLength(0);
  });

  it('the supervisor lifts an operator lock (9-6); N wrong supervisor passwords lock the supervisor', async () => {
    const rig = await rigWith({ passwordTries: 2, lockoutMinutes: 30 });
    await signInWith(rig, '1111');
    await rig.toIdle();
    await signInWith(rig, '1111');
    expect(rig.screen).toContain('LOCKED');
    expect(rig.screen).toContain('SUPERVISOR: 9-6');
    await rig.toIdle();
    await rig.press('9', '6');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type('01');
    await rig.press('ENTER');
    expect(rig.screen).toContain('UNLOCKED 01');
    await rig.toIdle();
    await rig.signIn();
    expect(rig.shell.operator).toBe('01');

    for (let i = 0; i < 2; i++) {
      await rig.press('9', '4');
      await rig.type('000000');
      await rig.press('ENTER');
      await rig.toIdle();
    }
    await rig.press('9', '4');
    expect(rig.screen).toContain('LOCKED');
    // Some of the 30 minutes went by on the result screens of the wrong tries.
    expect(rig.screen).toMatch(/TRY IN (29|30) MIN/);
    await rig.toIdle();
    await rig.reboot();
    await rig.press('9', '4');
    expect(rig.screen).toContain('LOCKED');
  });

  it('N and M are settings the supervisor sets (9-4-8), kept with the others', async () => {
    const rig = await signedIn();
    await rig.press('9', '4');
    await rig.type('123456');
    await rig.press('ENTER', '8');
    await rig.type('4');
    await rig.press('ENTER');
    await rig.type('15');
    await rig.press('ENTER');
    await rig.toIdle();
    expect(await rig.settingsStore.load()).toMatchObject({ passwordTries: 4, lockoutMinutes: 15 });
  });

  it('an amount over the merchant limit is refused locally with a clear screen; a smaller one goes', async () => {
    const rig = await signedIn({ amountLimitFen: 10_000 });
    const sent = rig.host.requests.length;
    await rig.press('1');
    await rig.type('20000');
    await rig.press('ENTER');
    expect(rig.screen).toContain('OVER TRANS LIMIT');
    expect(rig.screen).toContain('LIMIT 100.00');
    expect(rig.host.requests.length).toBe(sent);
    await rig.press('ENTER');
    expect(rig.screen).toContain('AMOUNT:');
    await rig.press('CLEAR', 'CLEAR', 'CLEAR', 'CLEAR', 'CLEAR');
    await rig.type('10000');
    await rig.press('ENTER');
    expect(rig.screen).toContain('SWIPE CARD');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.type(rig.pinOf());
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.host.requests.slice(sent).map((r) => r.fields[4])).toEqual(['000000010000']);
  });

  it('the limit is a setting (9-4-9, whole yuan, 0 = none); bad N/M/limit values are named', async () => {
    const rig = await signedIn();
    await rig.press('9', '4');
    await rig.type('123456');
    await rig.press('ENTER', '9');
    await rig.type('5000');
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.shell.settings.amountLimitFen).toBe(500_000);
    const { settingsProblems } = await import('../../firmware/app/settings.js');
    expect(settingsProblems({ ...defaultSettings(), passwordTries: 0, lockoutMinutes: 0, amountLimitFen: -1 })).toEqual([
      'passwordTries must be 1..20',
      'lockoutMinutes must be 1..1440',
      'amountLimitFen must be 0 (no limit) or a positive number of fen',
    ]);
  });

  it('lockouts.json and settings.json: atomic files; an old settings file gains the new settings at their defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pos-lockout-'));
    try {
      const store = new JsonFileLockoutStore(join(dir, 'lockouts.json'));
      expect(await store.load()).toBeUndefined();
      await store.save({ '01': { failures: 2 }, '00': { failures: 0, lockedUntil: 1_700_000_000_000 } });
      expect(await new JsonFileLockoutStore(join(dir, 'lockouts.json')).load()).toEqual({ '01': { failures: 2 }, '00': { failures: 0, lockedUntil: 1_700_000_000_000 } });
      await writeFile(join(dir, 'lockouts.json'), '{"01": {"failures": "many"}}');
      expect(await store.load()).toBeUndefined();
      const { passwordTries: _n, lockoutMinutes: _m, amountLimitFen: _l, ...old } = { ...defaultSettings(), merchantName: 'OLD SHOP' };
      await writeFile(join(dir, 'settings.json'), JSON.stringify(old));
      expect(await new JsonFileSettingsStore(join(dir, 'settings.json')).load()).toMatchObject({ merchantName: 'OLD SHOP', passwordTries: 5, lockoutMinutes: 30, amountLimitFen: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('11 交易明细', () => {
  it('6-4 prints the batch list: each voucher with type, amount, card, organisation/entry and outcome', async () => {
    const rig = await signedIn();
    await rig.sale(1000);
    await rig.toIdle();
    await rig.sale(2500, 10);
    await rig.toIdle();
    const [first, second] = rig.journal.view().transactions;
    // Void the first sale so the list shows it as 已撤销.
    await rig.press('2');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type(String(first!.voucherNo));
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.toIdle();
    await rig.press('6', '4');
    await rig.toIdle();
    const list = rig.printer.printed.at(-1) as TransactionList;
    expect(list.kind).toBe('transaction-list');
    expect(list.rows.map((r) => [r.voucherNo, r.transactionType.en, r.amountFen, r.card, r.status.en])).toEqual([
      [voucherOf(first!.voucherNo), 'SALE', 1000, 'CUP S', 'VOIDED'],
      [voucherOf(second!.voucherNo), 'SALE', 2500, 'VISA S', 'OK'],
      [expect.any(String), 'VOID', 1000, 'CUP S', 'OK'],
    ]);
    const paper = layoutReceipt(list).join('\n');
    expect(paper).toContain('交易明细 TRANSACTION LIST');
    expect(paper).toMatch(new RegExp(`${voucherOf(second!.voucherNo)} 消费 +25\\.00`));
    expect(paper).toMatch(/411111\*+0013 VISA S +成功 OK/);
    expect(paper).toContain('共 3 笔 TOTAL 3');
  });

  it('an empty batch says so and prints nothing', async () => {
    const rig = await signedIn();
    const printed = rig.printer.printed.length;
    await rig.press('6', '4');
    expect(rig.screen).toContain('NO TRANSACTIONS');
    expect(rig.printer.printed.length).toBe(printed);
  });
});

describe('12 receipts: entry mode and card organisation', () => {
  it('a swiped sale prints 刷卡 S and the organisation from the BIN', async () => {
    const rig = await signedIn();
    await rig.sale(100, 11);
    await rig.toIdle();
    const receipt = rig.printer.printed.find((j) => j.kind === 'transaction') as TransactionReceipt;
    expect(receipt).toMatchObject({ cardOrganisation: 'MC', entryMode: '刷卡 S' });
    const paper = layoutReceipt(receipt).join('\n');
    expect(paper).toMatch(/卡组织\(CARD ORG\.\): +MC/);
    expect(paper).toMatch(/输入方式\(ENTRY MODE\): +刷卡 S/);
  });

  it('BIN ranges (Wikipedia "Payment card number" IIN table), edges included', () => {
    const cases: [string, string][] = [
      ['6217000000000000012', 'CUP'],
      ['6221260000000000', 'CUP'],
      ['4111110000000013', 'VISA'],
      ['5100000000000000', 'MC'],
      ['5599999999999999', 'MC'],
      ['5600000000000000', 'OTHER'],
      ['2221000000000000', 'MC'],
      ['2720999999999999', 'MC'],
      ['2721000000000000', 'OTHER'],
      ['2220999999999999', 'OTHER'],
      ['340000000000000', 'AMEX'],
      ['370000000000000', 'AMEX'],
      ['3528000000000000', 'JCB'],
      ['3589999999999999', 'JCB'],
      ['3590000000000000', 'OTHER'],
      ['30500000000000', 'DINERS'],
      ['36000000000000', 'DINERS'],
      ['6011000000000000', 'DISCOVER'],
      ['6500000000000000', 'DISCOVER'],
      ['9558800000000000', 'OTHER'],
    ];
    for (const [pan, org] of cases) expect(cardOrganisation(pan), pan).toBe(org);
  });

  it('entry mode: the record field when set, else F22 (80x = fallback), else swipe; F prints as 降级 F', () => {
    expect(entryModeOf({ request: { entryMode: '021' } })).toBe('swipe');
    expect(entryModeOf({ request: { entryMode: '022' } })).toBe('swipe');
    expect(entryModeOf({ request: { entryMode: '802' } })).toBe('fallback');
    expect(entryModeOf({ entryMode: 'fallback', request: { entryMode: '022' } })).toBe('fallback');
  });
});
