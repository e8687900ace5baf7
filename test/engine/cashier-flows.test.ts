import { describe, expect, it } from 'vitest';
import type { SettlementReport, TransactionReceipt } from '../../firmware/drivers/printer/print-job.js';
import { TerminalRig } from './doubles/terminal-rig.js';

async function signedIn(): Promise<TerminalRig> {
  const rig = new TerminalRig();
  await rig.boot();
  await rig.signIn();
  return rig;
}

async function saleDone(rig: TerminalRig, amountFen: number, cardIndex = 0): Promise<number> {
  await rig.sale(amountFen, cardIndex);
  await rig.toIdle();
  const tx = rig.journal.view().transactions.at(-1)!;
  expect(tx.status).toBe('approved');
  return tx.voucherNo;
}

describe('cashier flows end to end', () => {
  it('2 撤销: supervisor password, voucher no., same card -> void approved, original marked voided', async () => {
    const rig = await signedIn();
    const voucher = await saleDone(rig, 2500);
    await rig.press('2');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type(String(voucher));
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.toIdle();
    const [sale, voidTx] = rig.journal.view().transactions;
    expect(voidTx).toMatchObject({ type: 'void', status: 'approved', amountFen: 2500 });
    expect(sale!.voidedBy).toBeDefined();
    const voidReq = rig.host.requests.at(-1)!;
    expect(voidReq).toMatchObject({ mti: '0200', fields: { 3: '200000', 61: '000001' + String(voucher).padStart(6, '0') } });
    expect(rig.host.ledger.balanceFen(rig.card().pan)).toBe(rig.host.cards[0]!.balanceFen);
    const receipt = rig.printer.printed.at(-2) as TransactionReceipt;
    expect(receipt.transactionType.en).toBe('VOID');
    expect(receipt.remarks.join(' ')).toContain(String(voucher).padStart(6, '0'));
  });

  it('void refuses a wrong supervisor password, an unknown voucher and another card', async () => {
    const rig = await signedIn();
    const voucher = await saleDone(rig, 2500);
    await rig.press('2');
    await rig.type('000000');
    await rig.press('ENTER');
    expect(rig.screen).toContain('WRONG PASSWORD');
    await rig.toIdle();
    await rig.press('2');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type('999');
    await rig.press('ENTER');
    expect(rig.screen).toContain('NOT FOUND');
    await rig.toIdle();
    await rig.press('2');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type(String(voucher));
    await rig.press('ENTER');
    await rig.swipe(rig.card(1));
    await rig.press('ENTER');
    expect(rig.screen).toContain('WRONG CARD');
    expect(rig.host.requests.filter((r) => r.fields[3] === '200000')).toHaveLength(0);
  });

  it('3 退货: original reference no. + MMDD, sent as 0220; a lost response is "unknown", never reversed', async () => {
    const rig = await signedIn();
    await saleDone(rig, 10_000);
    const rrn = rig.journal.view().transactions[0]!.approval!.rrn;
    const refund = async () => {
      await rig.press('3');
      await rig.type('123456');
      await rig.press('ENTER');
      await rig.type(rrn);
      await rig.press('ENTER');
      await rig.type('1122');
      await rig.press('ENTER');
      await rig.type('4000');
      await rig.press('ENTER');
      await rig.swipe(rig.card());
      await rig.press('ENTER');
      await rig.toIdle();
    };
    await refund();
    expect(rig.journal.view().transactions[1]).toMatchObject({ type: 'refund', status: 'approved', amountFen: 4000 });
    expect(rig.host.requests.at(-1)).toMatchObject({ mti: '0220', fields: { 37: rrn, 61: '0000000000001122' } });
    rig.host.faults.push('lose-response');
    await refund();
    expect(rig.journal.view().transactions[2]).toMatchObject({ type: 'refund', status: 'unknown' });
    expect(rig.host.requests.filter((r) => r.mti === '0400')).toHaveLength(0);
    expect(rig.all).toContain('RESULT UNKNOWN');
  });

  it('5 预授权 then 预授权完成 by auth code and date', async () => {
    const rig = await signedIn();
    await rig.press('5', '1');
    await rig.type('50000');
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.type(rig.pinOf());
    await rig.press('ENTER');
    await rig.toIdle();
    const preauth = rig.journal.view().transactions[0]!;
    expect(preauth).toMatchObject({ type: 'preauth', status: 'approved' });
    expect(rig.host.requests.at(-1)).toMatchObject({ mti: '0100', fields: { 3: '030000', 25: '06' } });
    await rig.press('5', '3');
    await rig.type(preauth.approval!.authCode);
    await rig.press('ENTER');
    await rig.type(preauth.approval!.hostDate);
    await rig.press('ENTER');
    await rig.type('48000');
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.type(rig.pinOf());
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.journal.view().transactions[1]).toMatchObject({ type: 'completion', status: 'approved', amountFen: 48000 });
    expect(rig.host.ledger.balanceFen(rig.card().pan)).toBe(rig.host.cards[0]!.balanceFen - 48000);
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });

  it('4 余额查询 sends an owed reversal first (the cashier practice for 单边帐)', async () => {
    const rig = await signedIn();
    rig.host.faults.push('lose-response', 'unreachable');
    await rig.sale(777);
    await rig.toIdle();
    expect(rig.journal.view().transactions[0]!.status).toBe('reversal-pending');
    expect(rig.reconcile().oneSided).toHaveLength(1);
    await rig.press('4');
    await rig.swipe(rig.card(1));
    await rig.press('ENTER');
    await rig.type(rig.pinOf(1));
    await rig.press('ENTER');
    // 冲正成功 with the amount and voucher of the sale it undid, until a key: nothing else goes out meanwhile.
    expect(rig.screen).toContain('REVERSAL DONE');
    const undone = rig.journal.view().transactions[0]!;
    expect(rig.screen).toContain(`7.77 NO.${String(undone.voucherNo).padStart(6, '0')}`);
    expect(rig.host.requests.at(-1)!.mti).toBe('0400');
    rig.clock.advance(600_000);
    await rig.settle();
    expect(rig.screen).toContain('REVERSAL DONE');
    await rig.press('5');
    const mtis = rig.host.requests.map((r) => r.mti);
    expect(mtis.slice(-2)).toEqual(['0400', '0200']);
    expect(rig.host.requests.at(-1)!.fields[3]).toBe('310000');
    expect(rig.journal.view().transactions[0]!.status).toBe('reversed');
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });

  it('8 结算 balanced: report printed, new batch', async () => {
    const rig = await signedIn();
    await saleDone(rig, 1000);
    await saleDone(rig, 2000, 1);
    await rig.press('8', 'ENTER');
    await rig.toIdle();
    const report = rig.printer.printed.at(-1) as SettlementReport;
    expect(report).toMatchObject({ kind: 'settlement', balanced: true, batchNo: '000001', failedReversals: [] });
    expect(report.rows.find((r) => r.type.en === 'TOTAL DEBIT')).toMatchObject({ count: 2, amountFen: 3000 });
    expect(rig.journal.view().transactions).toHaveLength(0);
    expect(rig.journal.view().counters.batch).toBe(2);
    await saleDone(rig, 500);
    expect(rig.host.requests.at(-1)!.fields[60]).toBe('22000002000');
  });

  it('reversal out of tries -> slip; settlement unbalanced -> batch upload -> settle again; report lists it', async () => {
    const rig = await signedIn();
    await saleDone(rig, 1000);
    rig.host.faults.push('lose-response', 'drop', 'drop', 'drop');
    await rig.sale(2500, 1);
    await rig.toIdle();
    expect(rig.journal.view().transactions[1]).toMatchObject({ status: 'reversal-failed', reversalTries: 3 });
    expect(rig.printer.printed.some((j) => j.kind === 'reversal-failed')).toBe(true);
    await rig.press('8', 'ENTER');
    await rig.toIdle();
    const mtis = rig.host.requests.map((r) => `${r.mti}/${String(r.fields[60]).slice(8)}`);
    expect(mtis.slice(-4)).toEqual(['0500/201', '0320/201', '0320/202', '0500/201']);
    const report = rig.printer.printed.at(-1) as SettlementReport;
    expect(report.failedReversals).toEqual([expect.objectContaining({ amountFen: 2500, reasonCode: '98', maskedPan: expect.stringMatching(/^\d{6}\*+\d{4}$/) })]);
    expect(rig.host.acquirer.settlements.at(-1)).toMatchObject({ afterUpload: true });
  });

  it('6 重打印: last receipt and by voucher no. carry REPRINT', async () => {
    const rig = await signedIn();
    const v1 = await saleDone(rig, 100);
    await saleDone(rig, 200);
    const before = rig.printer.printed.length;
    await rig.press('6', '1');
    await rig.toIdle();
    expect(rig.printer.printed[before]).toMatchObject({ reprint: true, amountFen: 200, copy: 'merchant' });
    await rig.press('6', '2');
    await rig.type(String(v1));
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.printer.printed.filter((j) => j.kind === 'transaction' && j.reprint && j.amountFen === 100).length).toBeGreaterThan(0);
  });

  it('7 交易查询 browses the batch with UP/DOWN', async () => {
    const rig = await signedIn();
    await saleDone(rig, 100);
    await saleDone(rig, 200);
    await rig.press('7');
    expect(rig.screen).toContain('2.00');
    expect(rig.screen).toContain('1/2');
    await rig.press('DOWN');
    expect(rig.screen).toContain('1.00');
    await rig.press('UP');
    expect(rig.screen).toContain('2.00');
    await rig.press('CANCEL');
    expect(rig.atIdle()).toBe(true);
  });

  it('9 管理: parameters and passwords need the supervisor; a changed operator password is stored hashed', async () => {
    const rig = await signedIn();
    await rig.press('9', '4');
    await rig.type('123456');
    await rig.press('ENTER', '5');
    await rig.type('5');
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.shell.settings.reversalTries).toBe(5);
    expect((await rig.settingsStore.load())!.reversalTries).toBe(5);
    await rig.press('9', '5');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type('01');
    await rig.press('ENTER');
    await rig.type('4321');
    await rig.press('ENTER');
    await rig.type('4321');
    await rig.press('ENTER');
    await rig.toIdle();
    const stored = (await rig.settingsStore.load())!.operators['01']!;
    expect(stored).toMatch(/^scrypt\$[0-9a-f]+\$[0-9a-f]+$/);
    expect(JSON.stringify(await rig.settingsStore.load())).not.toContain('4321');
    await rig.press('9', '2');
    await rig.toIdle();
    expect(rig.shell.operator).toBeUndefined();
    await rig.press('ENTER');
    await rig.type('01');
    await rig.press('ENTER');
    await rig.type('4321');
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.shell.operator).toBe('01');
  });

  it('9 管理 echo test, and invalid parameters are refused', async () => {
    const rig = await signedIn();
    await rig.press('9', '3');
    expect(rig.screen).toContain('HOST OK');
    await rig.toIdle();
    /** 9 管理 -> 4 参数 as the supervisor, item `item`, value keyed in. */
    const setParam = async (item: '3' | '7', value: string) => {
      await rig.press('9', '4');
      await rig.type('123456');
      await rig.press('ENTER', item);
      await rig.type(value);
      await rig.press('ENTER');
    };
    await setParam('3', '999168001010');
    expect(rig.screen).toContain('INVALID VALUE');
    await rig.toIdle();
    await setParam('7', '2');
    expect(rig.screen).toContain('INVALID VALUE');
    await rig.toIdle();
    await setParam('7', '30');
    await rig.toIdle();
    expect(rig.shell.settings.idleTimeoutMs).toBe(30_000);
  });
});

describe('pre-auth family end to end', () => {
  async function preauth(rig: TerminalRig, amountFen: number) {
    await rig.press('5', '1');
    await rig.type(String(amountFen));
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.type(rig.pinOf());
    await rig.press('ENTER');
    await rig.toIdle();
    return rig.journal.view().transactions.at(-1)!;
  }

  it('5-2 预授权撤销 (supervisor, auth code, date, amount) releases the hold', async () => {
    const rig = await signedIn();
    const pa = await preauth(rig, 30_000);
    expect(rig.host.ledger.heldFen(rig.card().pan)).toBe(30_000);
    await rig.press('5', '2');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type(pa.approval!.authCode);
    await rig.press('ENTER');
    await rig.type(pa.approval!.hostDate);
    await rig.press('ENTER');
    await rig.type('30000');
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.journal.view().transactions.at(-1)).toMatchObject({ type: 'preauth-void', status: 'approved' });
    expect(rig.host.requests.at(-1)).toMatchObject({ mti: '0100', fields: { 3: '200000', 38: pa.approval!.authCode } });
    expect(rig.host.ledger.heldFen(rig.card().pan)).toBe(0);
  });

  it('5-4 完成撤销 voids a completion by voucher no.', async () => {
    const rig = await signedIn();
    const pa = await preauth(rig, 10_000);
    await rig.press('5', '3');
    await rig.type(pa.approval!.authCode);
    await rig.press('ENTER');
    await rig.type(pa.approval!.hostDate);
    await rig.press('ENTER');
    await rig.type('10000');
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.type(rig.pinOf());
    await rig.press('ENTER');
    await rig.toIdle();
    const completion = rig.journal.view().transactions.at(-1)!;
    expect(completion).toMatchObject({ type: 'completion', status: 'approved' });
    await rig.press('5', '4');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type(String(completion.voucherNo));
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.journal.view().transactions.at(-1)).toMatchObject({ type: 'completion-void', status: 'approved' });
    expect(rig.journal.view().transactions.find((t) => t.type === 'completion')!.voidedBy).toBeDefined();
    expect(rig.host.ledger.balanceFen(rig.card().pan)).toBe(rig.host.cards[0]!.balanceFen);
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });

  it('an invalid original date is refused before anything is sent', async () => {
    const rig = await signedIn();
    const sent = rig.host.requests.length;
    await rig.press('5', '3');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.type('1332');
    await rig.press('ENTER');
    expect(rig.screen).toContain('INVALID VALUE');
    expect(rig.host.requests.length).toBe(sent);
  });
});

describe('settlement response lost after the host closed the batch', () => {
  it('the retry gets 77; sign-in finds the host on the next batch, closes the batch locally, trading resumes', async () => {
    const rig = await signedIn();
    await saleDone(rig, 1000);
    rig.host.faults.push('lose-response');
    await rig.press('8', 'ENTER');
    await rig.toIdle();
    expect(rig.all).toContain('NO HOST RESPONSE');
    expect(rig.journal.view().transactions).toHaveLength(1);
    await rig.press('8', 'ENTER');
    expect(rig.screen).toContain('SIGN IN AGAIN');
    await rig.toIdle();
    await rig.press('9', '1');
    await rig.type('01');
    await rig.press('ENTER');
    await rig.type('0000');
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.journal.view().transactions).toHaveLength(0);
    expect(rig.journal.view().counters.batch).toBe(2);
    expect(rig.printer.printed.at(-1)).toMatchObject({ kind: 'settlement', batchNo: '000001' });
    await saleDone(rig, 2000);
    expect(rig.host.requests.at(-1)!.fields[60]).toBe('22000002000');
  });
});
