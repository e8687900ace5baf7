/**
 * `pos host-sim --profile strict-cup` over TCP: what a demanding CUP acquirer sends and refuses
 * (tools/host-sim/strict-cup.ts, firmware/iso8583/DIALECT.md), seen through the terminal's own link.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getString, type IsoMessage } from '../../firmware/iso8583/message.js';
import { computeTotals, formatSettlementField48 } from '../../firmware/iso8583/settlement-totals.js';
import { signMessage } from '../../firmware/security/message-mac.js';
import { CARD, startFixture, type SimFixture } from './sim-fixture.js';

/** tools/host-sim/cards.json: a chip card (service code 220). */
const CHIP = { pan: '6217000000000000111', expiry: '3112', pin: '123456' };

let fx: SimFixture;
beforeEach(async () => {
  fx = await startFixture({ profile: 'strict-cup' });
  expect((await fx.terminal.signIn()).responseCode).toBe('00');
});
afterEach(() => fx.close());

function withTrack(request: IsoMessage, card: { pan: string; expiry: string }, serviceCode: string): IsoMessage {
  return { ...request, fields: { ...request.fields, 35: `${card.pan}=${card.expiry}${serviceCode}0000000000` } };
}

describe('strict-cup responses', () => {
  it("a sale's 0210 pads F2 with F and adds F43, F44, F46, F56, F59 and a binary F63; the terminal's link decodes it and the MAC verifies", async () => {
    const reply = await fx.terminal.send(fx.terminal.financial('sale', CARD, 8800));
    expect(reply).toMatchObject({ responseCode: '00', macOk: true });
    expect(reply.message.fillers).toEqual({ 2: 'F' });
    expect(getString(reply.message, 2)).toBe(CARD.pan);
    for (const f of [43, 44, 46, 56, 59]) expect(getString(reply.message, f), `F${f}`).toBeDefined();
    expect(reply.message.fields[63]).toBeInstanceOf(Uint8Array);
  });
});

describe('strict-cup refusals', () => {
  it('F60 without 60.4/60.5: 30, and nothing posted', async () => {
    const request = fx.terminal.financial('sale', CARD, 100);
    request.fields[60] = String(request.fields[60]).slice(0, 11);
    expect((await fx.terminal.send(request)).responseCode).toBe('30');
    expect(fx.sim.ledger.entries()).toEqual([]);
  });

  it('a chip card swiped without the fallback flag: 45; flagged (F22 80x, 60.5 = 2): approved', async () => {
    expect((await fx.terminal.send(withTrack(fx.terminal.financial('sale', CHIP, 100), CHIP, '220'))).responseCode).toBe('45');
    const flagged = withTrack(fx.terminal.financial('sale', CHIP, 100), CHIP, '220');
    flagged.fields[22] = '801';
    flagged.fields[60] = String(flagged.fields[60]).slice(0, 12) + '2';
    expect((await fx.terminal.send(flagged)).responseCode).toBe('00');
    // A magstripe card (service code 120) needs no flag.
    expect((await fx.terminal.send(withTrack(fx.terminal.financial('sale', CARD, 100), CARD, '120'))).responseCode).toBe('00');
  });

  it('a MAC on 0500 is refused (30); the same 0500 without one is answered', async () => {
    const totals = formatSettlementField48(computeTotals([]));
    const settlement = fx.terminal.settlement(totals);
    const signed = signMessage(settlement, { mak: fx.sim.acquirer.macKey('10000159')! }, 'cup-ecb');
    expect((await fx.terminal.send(signed)).responseCode).toBe('30');
    expect((await fx.terminal.send(fx.terminal.settlement(totals))).responseCode).toBe('00');
  });

  it('a batch-upload end without its count is refused (30); with it the batch closes', async () => {
    await fx.terminal.send(fx.terminal.financial('sale', CARD, 8800));
    const wrong = formatSettlementField48(computeTotals([{ type: 'sale', origin: 'domestic', amountFen: 1, voided: false, reversed: false }]));
    expect((await fx.terminal.send(fx.terminal.settlement(wrong))).responseCode).toBe('00');
    expect((await fx.terminal.send(fx.terminal.batchUpload('', true))).responseCode).toBe('30');
    expect((await fx.terminal.send(fx.terminal.batchUpload('0000', true))).responseCode).toBe('00');
    expect(fx.sim.acquirer.currentBatch('10000159')).toBe('000002');
  });

  it('a request whose MAC is wrong gets A0 and posts nothing', async () => {
    const request = signMessage(fx.terminal.financial('sale', CARD, 100), { mak: new Uint8Array(8).fill(1) }, 'cup-ecb');
    const reply = await fx.link.exchange(request);
    expect(getString(reply.message, 39)).toBe('A0');
    expect(fx.sim.ledger.entries()).toEqual([]);
  });
});
