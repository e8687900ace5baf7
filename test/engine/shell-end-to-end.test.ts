import { describe, expect, it } from 'vitest';
import { PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { CUT_MODES } from '../../firmware/drivers/flash/simulated-nor.js';
import { TerminalRig } from './doubles/terminal-rig.js';

async function signedIn(): Promise<TerminalRig> {
  const rig = new TerminalRig();
  await rig.boot();
  await rig.signIn();
  return rig;
}

describe('shell end to end: real journal on simulated NOR, real security, in-process host simulator', () => {
  it('signs in and approves a sale: debit at the issuer, approved and printed on the terminal', async () => {
    const rig = await signedIn();
    expect(rig.shell.operator).toBe('01');
    await rig.sale(8800);
    expect(rig.all).toContain('APPROVED');
    await rig.toIdle();
    const [tx] = rig.journal.view().transactions;
    expect(tx).toMatchObject({ type: 'sale', status: 'approved', printed: true, amountFen: 8800 });
    expect(rig.printer.printed.map((j) => j.kind === 'transaction' && j.copy)).toEqual(['merchant', 'cardholder']);
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
    expect(rig.host.ledger.balanceFen(rig.card().pan)).toBe(rig.host.cards[0]!.balanceFen - 8800);
  });

  it('keys pressed while the request is out are ignored: the request is sent once', async () => {
    const rig = await signedIn();
    await rig.press('1');
    await rig.type('100');
    await rig.press('ENTER');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.type(rig.pinOf());
    const before = rig.host.requests.length;
    let release!: () => void;
    rig.host.gate = new Promise((resolve) => (release = resolve));
    // During the journal operations before the send, then while the request is out.
    rig.shell.key({ key: 'ENTER', repeat: false });
    for (const key of ['ENTER', 'CANCEL', '5', 'ENTER'] as const) rig.shell.key({ key, repeat: false });
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(rig.shell.waiting?.op).toBe('host');
    for (const key of ['ENTER', 'CANCEL', '5', 'ENTER'] as const) rig.shell.key({ key, repeat: false });
    rig.host.gate = undefined;
    release();
    await rig.settle();
    await rig.toIdle();
    expect(rig.host.requests.slice(before).map((r) => r.mti)).toEqual(['0200']);
    const [sale] = rig.journal.view().transactions;
    expect(sale).toMatchObject({ status: 'approved', stan: 2 });
    expect(rig.journal.view().counters.stan).toBe(2);
  });

  it('lost response after the host debited: reversal 98 at once, the debit is undone', async () => {
    const rig = await signedIn();
    rig.host.faults.push('lose-response');
    await rig.sale(1200);
    await rig.toIdle();
    expect(rig.all).toContain('REVERSING');
    const reversal = rig.host.requests.at(-1)!;
    expect(reversal).toMatchObject({ mti: '0400', fields: { 39: '98' } });
    expect(rig.journal.view().transactions[0]!.status).toBe('reversed');
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
    expect(rig.host.ledger.balanceFen(rig.card().pan)).toBe(rig.host.cards[0]!.balanceFen);
  });

  it('a wrong response MAC reverses with A0 and shows MAC ERROR', async () => {
    const rig = await signedIn();
    rig.host.faults.push('wrong-mac');
    await rig.sale(500);
    await rig.toIdle();
    expect(rig.host.requests.at(-1)).toMatchObject({ mti: '0400', fields: { 39: 'A0' } });
    expect(rig.all).toContain('MAC ERROR');
    expect(rig.reconcile().oneSided).toEqual([]);
  });

  it('power cut after begin and before send: after reboot the reversal goes out first and the host answers 25', async () => {
    const rig = await signedIn();
    rig.host.faults.push('power-cut');
    await rig.sale(4321);
    expect(rig.halted).toBeDefined();
    expect(rig.journal.view().transactions[0]!.status).toBe('pending');
    const before = rig.host.requests.length;
    await rig.reboot();
    const afterBoot = rig.host.requests.slice(before);
    expect(afterBoot[0]).toMatchObject({ mti: '0400', fields: { 39: '98', 4: '000000004321' } });
    expect(rig.journal.view().transactions[0]!.status).toBe('reversed');
    expect(rig.host.ledger.entries()).toHaveLength(0);
    // Harmless: the host never saw the sale, so it answered 25 and the record is cleared.
    expect(rig.logger.lines.find((l) => l.event === 'host.exchange' && l.fields.mti === '0400')?.fields.responseCode).toBe('25');
  });

  it('power cut after the host applied the sale, before the response: boot reverses it (00), the issuer is whole', async () => {
    const rig = await signedIn();
    rig.host.afterApply = (req) => {
      if (req.mti === '0200') throw new PowerCut(0);
    };
    await rig.sale(999);
    expect(rig.halted).toBeDefined();
    expect(rig.reconcile().oneSided).toHaveLength(1);
    rig.host.afterApply = undefined;
    await rig.reboot();
    expect(rig.host.requests.at(-1)).toMatchObject({ mti: '0400', fields: { 39: '98' } });
    expect(rig.journal.view().transactions[0]!.status).toBe('reversed');
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });

  it('power cut at every flash operation of a sale (every cut mode): no 单边帐, no lost approval after reboot', async () => {
    const probe = await signedIn();
    const start = probe.flash.operationCount;
    await probe.sale(100);
    await probe.toIdle();
    const opsPerSale = probe.flash.operationCount - start;
    expect(opsPerSale).toBeGreaterThan(2);
    let cuts = 0;
    for (let k = 1; k <= opsPerSale; k++) {
      for (const mode of CUT_MODES) {
        const rig = await signedIn();
        rig.flash.armCut(rig.flash.operationCount + k, mode);
        await rig.sale(100);
        if (rig.halted === undefined) await rig.toIdle();
        expect(rig.halted, `cut ${k}/${mode}`).toBeDefined();
        cuts++;
        await rig.reboot();
        await rig.toIdle();
        const check = rig.reconcile();
        expect(check, `cut at sale flash op ${k} (${mode})`).toEqual({ oneSided: [], missingAtIssuer: [] });
        const stans = rig.host.requests.filter((r) => r.mti !== '0400').map((r) => r.fields[11]);
        expect(new Set(stans).size, `STAN reuse after cut ${k} (${mode})`).toBe(stans.length);
      }
    }
    expect(cuts).toBe(opsPerSale * CUT_MODES.length);
  });

  it('approved but not printed at the power cut: offered for 重打印 at boot, never reversed', async () => {
    const rig = await signedIn();
    rig.printer.paperOutFor = 1;
    await rig.sale(7000);
    expect(rig.screen).toContain('PAPER OUT');
    await rig.reboot();
    expect(rig.screen).toContain('NOT PRINTED');
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.printer.printed[0]).toMatchObject({ kind: 'transaction', copy: 'merchant', reprint: true, amountFen: 7000 });
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'approved', printed: true });
    expect(rig.host.requests.filter((r) => r.mti === '0400')).toHaveLength(0);
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });

  it('paper out mid-receipt: reloading paper reprints the receipt from the top, unmarked', async () => {
    const rig = await signedIn();
    rig.printer.paperOutFor = 1;
    await rig.sale(300);
    expect(rig.screen).toContain('PAPER OUT');
    rig.printer.paperOutFor = 0;
    rig.shell.paper(true);
    await rig.settle();
    expect(rig.printer.printed[0]).toMatchObject({ copy: 'merchant', reprint: false });
    expect(rig.journal.view().transactions[0]!.printed).toBe(true);
  });
});

describe('journal full end to end (R7)', () => {
  it('sales until 请先结算, nothing sent once full; settlement frees the journal and trading resumes', async () => {
    const rig = new TerminalRig();
    await rig.boot();
    await rig.signIn();
    let sales = 0;
    while (rig.journal.capacity().transactionsLeft > 0 && sales < 500) {
      await rig.sale(100 + sales, sales % 2);
      await rig.toIdle();
      sales++;
    }
    expect(rig.journal.capacity().transactionsLeft).toBe(0);
    const sent = rig.host.requests.length;
    await rig.press('1');
    expect(rig.screen).toContain('SETTLE FIRST');
    await rig.toIdle();
    await rig.press('4');
    await rig.swipe(rig.card());
    await rig.press('ENTER');
    await rig.type(rig.pinOf());
    await rig.press('ENTER');
    await rig.toIdle();
    // A balance inquiry is not a financial transaction: it may still go out.
    expect(rig.host.requests.slice(sent).map((r) => r.mti)).toEqual(['0200']);
    await rig.press('8', 'ENTER');
    await rig.toIdle();
    expect(rig.printer.printed.at(-1)).toMatchObject({ kind: 'settlement', balanced: true });
    expect(rig.journal.capacity().transactionsLeft).toBeGreaterThan(10);
    await rig.sale(4200);
    await rig.toIdle();
    expect(rig.journal.view().transactions.at(-1)).toMatchObject({ status: 'approved', amountFen: 4200 });
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });
});
