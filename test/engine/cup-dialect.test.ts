/**
 * Issue 11 end to end: the real engine, shell, journal and security against the host simulator's
 * strict-cup acquirer (tools/host-sim/strict-cup.ts). Each rule is in firmware/iso8583/DIALECT.md.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings, type TerminalSettings } from '../../firmware/app/settings.js';
import type { OutcomeUnknownSlip, SettlementReport } from '../../firmware/drivers/printer/print-job.js';
import { layoutReceipt } from '../../firmware/drivers/printer/receipt-layout.js';
import { decryptTrack } from '../../firmware/security/track-encryption.js';
import { TerminalRig } from './doubles/terminal-rig.js';

/** Card file indexes (tools/host-sim/cards.json): 0 magstripe only (service code 120), 12 a chip card (220). */
const MAGSTRIPE = 0;
const CHIP = 12;

async function signedIn(settings: Partial<TerminalSettings> = {}): Promise<TerminalRig> {
  const rig = new TerminalRig();
  await rig.settingsStore.save({ ...defaultSettings(), ...settings });
  await rig.boot();
  await rig.signIn();
  return rig;
}

describe('chip cards on a magstripe-only terminal (point 2)', () => {
  it('refused by default: 请插卡 / USE CHIP CARD, nothing sent, nothing journaled', async () => {
    const rig = await signedIn();
    const sent = rig.host.requests.length;
    await rig.press('1');
    await rig.type('1000');
    await rig.press('ENTER');
    await rig.swipe(rig.card(CHIP));
    expect(rig.screen).toContain('USE CHIP CARD');
    await rig.toIdle();
    expect(rig.host.requests.length).toBe(sent);
    expect(rig.journal.view().transactions).toHaveLength(0);
  });

  it('sent as a fallback when the setting allows: F22 801, 60.5 = 2, entryMode fallback on the record; the strict host approves', async () => {
    const rig = await signedIn({ chipCardSwipe: 'fallback' });
    await rig.sale(1000, CHIP);
    await rig.toIdle();
    const request = rig.host.requests.at(-1)!;
    expect(request.fields[22]).toBe('801');
    expect(request.fields[60]).toBe('22000001000220');
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'approved', entryMode: 'fallback' });
  });

  it('a magstripe card is a plain swipe (F22 021, 60.4 = 2, 60.5 = 0), no entryMode recorded', async () => {
    const rig = await signedIn({ chipCardSwipe: 'fallback' });
    await rig.sale(1000, MAGSTRIPE);
    await rig.toIdle();
    expect(rig.host.requests.at(-1)!.fields).toMatchObject({ 22: '021', 60: '22000001000200' });
    expect(rig.journal.view().transactions[0]!.entryMode).toBeUndefined();
  });

  it('the strict host declines an unflagged chip swipe with 45 (a terminal that ignored the service code)', async () => {
    const rig = await signedIn({ chipCardSwipe: 'fallback' });
    // Simulate the old firmware: the chip card read claims a magstripe service code to the engine only.
    const chip = rig.card(CHIP);
    await rig.press('1');
    await rig.type('1000');
    await rig.press('ENTER');
    await rig.swipe({ ...chip, serviceCode: '120' });
    await rig.press('ENTER');
    await rig.type(rig.pinOf(CHIP));
    await rig.press('ENTER');
    await rig.toIdle();
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'declined', responseCode: '45' });
  });
});

describe('key mode 004: tracks under the TDK (point 4)', () => {
  it('F35 travels encrypted, F53 = 2610..., the strict host decrypts it to the card and approves', async () => {
    const rig = await signedIn({ keyMode: '004' });
    expect(rig.host.requests.at(-1)!.fields[60]).toBe('00000001004');
    await rig.sale(1234, MAGSTRIPE);
    await rig.toIdle();
    const request = rig.host.requests.at(-1)!;
    const clear = rig.card(MAGSTRIPE).track2;
    expect(request.fields[53]).toBe('2610000000000000');
    expect(request.fields[35]).not.toBe(clear);
    expect(decryptTrack(request.fields[35] as string, rig.keys.require().tdk!)).toBe(clear);
    expect(rig.journal.view().transactions[0]!.status).toBe('approved');
  });

  it('key mode 003 sends tracks in the clear with F53 = 2600...', async () => {
    const rig = await signedIn();
    await rig.sale(1234, MAGSTRIPE);
    await rig.toIdle();
    expect(rig.host.requests.at(-1)!.fields).toMatchObject({ 35: rig.card(MAGSTRIPE).track2, 53: '2600000000000000' });
  });
});

describe('responses (points 5 and 6)', () => {
  it("the strict host's 0210 (F-padded F2, F43/F44/F46/F56/F59, binary F63) approves the sale: nothing reversed", async () => {
    const rig = await signedIn();
    await rig.sale(8800, MAGSTRIPE);
    await rig.toIdle();
    expect(rig.journal.view().transactions[0]!.status).toBe('approved');
    expect(rig.host.requests.filter((r) => r.mti === '0400')).toHaveLength(0);
  });

  it('a MAC-valid 00 echoing ten times the amount is a bad response: reversed with 06, logged, nothing printed', async () => {
    const rig = await signedIn();
    rig.host.faults.push('amount-times-ten');
    await rig.sale(8800, MAGSTRIPE);
    await rig.toIdle();
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'reversed', reversalReason: '06' });
    expect(rig.host.requests.at(-1)).toMatchObject({ mti: '0400', fields: { 39: '06', 4: '000000008800' } });
    expect(rig.logger.lines.some((l) => l.event === 'host.echo-mismatch' && JSON.stringify(l.fields?.fields) === '[4]')).toBe(true);
    expect(rig.printer.printed.filter((j) => j.kind === 'transaction')).toHaveLength(0);
  });

  it('a MAC-valid decline carrying a fresh authorization code is a bad response: reversed with 06, so the approval it hides is undone', async () => {
    const rig = await signedIn();
    rig.host.faults.push('approval-reads-as-decline');
    await rig.sale(8800, MAGSTRIPE);
    await rig.toIdle();
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'reversed', reversalReason: '06' });
    expect(rig.host.requests.at(-1)).toMatchObject({ mti: '0400', fields: { 39: '06' } });
    expect(rig.logger.lines.some((l) => l.event === 'host.decline-with-auth-code')).toBe(true);
    // The issuer's books: the hidden approval was reversed, nothing stands.
    expect(rig.reconcile().oneSided).toEqual([]);
  });

  it('a plain decline (no F38) stays a decline: nothing reversed', async () => {
    const rig = await signedIn();
    await rig.sale(9_999_999_99, MAGSTRIPE);
    await rig.toIdle();
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'declined', responseCode: '51' });
    expect(rig.host.requests.filter((r) => r.mti === '0400')).toHaveLength(0);
  });
});

describe('a refund whose outcome is unknown (point 7)', () => {
  it('prints 交易结果未知 请与收单行核实 / RESULT UNKNOWN - CALL ACQUIRER and is listed on the settlement report', async () => {
    const rig = await signedIn();
    await rig.sale(10_000, MAGSTRIPE);
    await rig.toIdle();
    const rrn = rig.journal.view().transactions[0]!.approval!.rrn;
    rig.host.faults.push('lose-response');
    await rig.refund({ rrn, mmdd: '1122' }, 4000, MAGSTRIPE);
    const refund = rig.journal.view().transactions[1]!;
    expect(refund).toMatchObject({ type: 'refund', status: 'unknown' });
    const voucherNo = String(refund.voucherNo).padStart(6, '0');
    const slip = rig.printer.printed.find((j) => j.kind === 'outcome-unknown') as OutcomeUnknownSlip;
    expect(slip).toMatchObject({ amountFen: 4000, voucherNo });
    const lines = layoutReceipt(slip).join('\n');
    expect(lines).toContain('交易结果未知 请与收单行核实');
    expect(lines).toContain('RESULT UNKNOWN - CALL ACQUIRER');
    await rig.press('8');
    await rig.press('ENTER'); // the totals are confirmed before anything is sent
    await rig.toIdle();
    const report = rig.printer.printed.filter((j) => j.kind === 'settlement').at(-1) as SettlementReport;
    expect(report.unknownOutcomes).toEqual([expect.objectContaining({ voucherNo, amountFen: 4000 })]);
    expect(layoutReceipt(report).join('\n')).toContain('结果未知 RESULT UNKNOWN: 1');
  });
});
