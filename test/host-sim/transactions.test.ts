import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getString } from '../../firmware/iso8583/message.js';
import { computeTotals, formatSettlementField48, parseSettlementField48 } from '../../firmware/iso8583/settlement-totals.js';
import { parseKeyExchange } from '../../firmware/security/key-exchange.js';
import { CARD, FOREIGN_CARD, MASTER_KEY, startFixture, type SimFixture } from './sim-fixture.js';

let fx: SimFixture;
beforeEach(async () => {
  fx = await startFixture();
  expect((await fx.terminal.signIn()).responseCode).toBe('00');
});
afterEach(() => fx.close());

const sale = (amount: number, card = CARD) => fx.terminal.send(fx.terminal.financial('sale', card, amount));
const card = (pan: string, expiry: string, pin = '123456') => ({ pan, expiry, pin });

describe('host simulator: management', () => {
  it('signs in with working keys that pass the terminal key check, in every key mode, and returns the batch', async () => {
    for (const mode of ['001', '003', '004'] as const) {
      const reply = await fx.terminal.signIn(mode);
      expect(reply.responseCode).toBe('00');
      expect(() => parseKeyExchange(reply.message.fields[62] as Uint8Array, MASTER_KEY)).not.toThrow();
      expect(getString(reply.message, 60)).toBe('00000001' + mode);
    }
    expect((await sale(100)).macOk).toBe(true);
  });

  it('answers echo and sign-off; after sign-off a MACed request gets A0', async () => {
    expect((await fx.terminal.echo()).responseCode).toBe('00');
    const request = fx.terminal.financial('sale', { ...CARD, pin: undefined }, 100);
    expect((await fx.terminal.signOff()).responseCode).toBe('00');
    expect((await fx.terminal.send(request)).responseCode).toBe('A0');
    expect(fx.sim.ledger.entries()).toEqual([]);
  });
});

describe('host simulator: sale and declines', () => {
  it('approves a sale with auth code, RRN and a verifying MAC, and debits the account', async () => {
    const before = fx.sim.ledger.balanceFen(CARD.pan);
    const reply = await sale(8800);
    expect(reply).toMatchObject({ responseCode: '00', macOk: true });
    expect(getString(reply.message, 38)).toMatch(/^\d{6}$/);
    expect(getString(reply.message, 37)).toMatch(/^\d{12}$/);
    expect(fx.sim.ledger.balanceFen(CARD.pan)).toBe(before - 8800);
    expect(fx.sim.ledger.standingDebits('10000159').map((e) => e.amountFen)).toEqual([8800]);
  });

  it('answers a balance inquiry with the available balance in F54 and moves no money', async () => {
    const reply = await fx.terminal.send(fx.terminal.financial('balance', CARD, 0));
    expect(reply.responseCode).toBe('00');
    const f54 = getString(reply.message, 54)!;
    expect(f54).toMatch(/^1001156C\d{12}$/);
    expect(Number(f54.slice(8))).toBe(fx.sim.ledger.availableFen(CARD.pan));
    expect(fx.sim.ledger.entries()).toEqual([]);
  });

  it.each([
    ['51', card('6212260000000000067', '3008'), 5000],
    ['54', card('6225880000000000077', '2101'), 100],
    ['41', card('6226090000000000089', '3005'), 100],
    ['43', card('6214830000000000098', '3005'), 100],
    ['61', card('6216610000000000107', '3011', '654321'), 10001],
    ['55', card('6217000000000000012', '3012', '654321'), 100],
    ['14', card('6217000000000000020', '3012'), 100],
  ])('declines with %s and leaves the ledger untouched', async (code, c, amount) => {
    const reply = await sale(amount, c);
    expect(reply.responseCode).toBe(code);
    expect(reply.macOk).toBe(true);
    expect(fx.sim.ledger.entries()).toEqual([]);
  });

  it('approves the low-limit card at its limit', async () => {
    expect((await sale(10000, card('6216610000000000107', '3011', '654321'))).responseCode).toBe('00');
  });

  it('answers a balance inquiry without touching the ledger', async () => {
    const reply = await fx.terminal.send(fx.terminal.financial('balance', CARD, 0));
    expect(reply.responseCode).toBe('00');
    expect(fx.sim.ledger.entries()).toEqual([]);
  });

  it('refuses a repeated STAN in the same batch with 94', async () => {
    const first = fx.terminal.financial('sale', CARD, 100);
    expect((await fx.terminal.send(first)).responseCode).toBe('00');
    const again = fx.terminal.financial('sale', CARD, 200, {}, getString(first, 11));
    expect((await fx.terminal.send(again)).responseCode).toBe('94');
    expect(fx.sim.ledger.entries().length).toBe(1);
  });

  it('refuses a request from another batch with 77', async () => {
    fx.terminal.batch = '000009';
    expect((await sale(100)).responseCode).toBe('77');
  });

  it('refuses a bad MAC with A0 and applies nothing', async () => {
    const signed = fx.terminal.financial('sale', CARD, 100);
    signed.fields[64] = new Uint8Array(8);
    const { message } = await fx.link.exchange(signed);
    expect(getString(message, 39)).toBe('A0');
    expect(fx.sim.ledger.entries()).toEqual([]);
  });
});

describe('host simulator: voids, refunds, pre-authorisation', () => {
  it('voids a sale, then refuses a second void with 12, a wrong amount with 64 and an unknown original with 25', async () => {
    const before = fx.sim.ledger.balanceFen(CARD.pan);
    const saleRequest = fx.terminal.financial('sale', CARD, 8800);
    const approved = await fx.terminal.send(saleRequest);
    const original = { rrn: getString(approved.message, 37), authCode: getString(approved.message, 38), stan: getString(saleRequest, 11) };
    expect((await fx.terminal.send(fx.terminal.financial('void', CARD, 8000, original))).responseCode).toBe('64');
    expect((await fx.terminal.send(fx.terminal.financial('void', CARD, 8800, original))).responseCode).toBe('00');
    expect(fx.sim.ledger.balanceFen(CARD.pan)).toBe(before);
    expect(fx.sim.ledger.entries()[0]!.voided).toBe(true);
    expect((await fx.terminal.send(fx.terminal.financial('void', CARD, 8800, original))).responseCode).toBe('12');
    expect((await fx.terminal.send(fx.terminal.financial('void', CARD, 8800, { stan: '999999' }))).responseCode).toBe('25');
  });

  it('refunds against the RRN up to the original amount', async () => {
    const approved = await sale(5000);
    const rrn = getString(approved.message, 37)!;
    expect((await fx.terminal.send(fx.terminal.financial('refund', CARD, 3000, { rrn, date: '1122', stan: '000002' }))).responseCode).toBe('00');
    expect((await fx.terminal.send(fx.terminal.financial('refund', CARD, 2001, { rrn, date: '1122', stan: '000002' }))).responseCode).toBe('64');
    expect((await fx.terminal.send(fx.terminal.financial('refund', CARD, 100, { rrn: '123456789012', stan: '000002' }))).responseCode).toBe('25');
    expect(fx.sim.ledger.entries().map((e) => [e.effect, e.amountFen])).toEqual([['debit', 5000], ['credit', 3000]]);
  });

  it('holds on pre-auth, releases on pre-auth void, debits on completion and credits on completion void', async () => {
    const start = fx.sim.ledger.balanceFen(CARD.pan);
    const hold = await fx.terminal.send(fx.terminal.financial('preauth', CARD, 10000));
    expect(hold.responseCode).toBe('00');
    const authCode = getString(hold.message, 38)!;
    expect(fx.sim.ledger.heldFen(CARD.pan)).toBe(10000);
    expect((await fx.terminal.send(fx.terminal.financial('preauth-void', CARD, 10000, { authCode, stan: '000001', date: '1122' }))).responseCode).toBe('00');
    expect(fx.sim.ledger.heldFen(CARD.pan)).toBe(0);

    const hold2 = await fx.terminal.send(fx.terminal.financial('preauth', CARD, 10000));
    const code2 = getString(hold2.message, 38)!;
    expect((await fx.terminal.send(fx.terminal.financial('completion', CARD, 11501, { authCode: code2 }))).responseCode).toBe('64');
    const completionRequest = fx.terminal.financial('completion', CARD, 9000, { authCode: code2 });
    const completion = await fx.terminal.send(completionRequest);
    expect(completion.responseCode).toBe('00');
    expect([fx.sim.ledger.heldFen(CARD.pan), fx.sim.ledger.balanceFen(CARD.pan)]).toEqual([0, start - 9000]);
    expect((await fx.terminal.send(fx.terminal.financial('completion', CARD, 9000, { authCode: code2 }))).responseCode).toBe('12');
    const cv = fx.terminal.financial('completion-void', CARD, 9000, { stan: getString(completionRequest, 11), rrn: getString(completion.message, 37) });
    expect((await fx.terminal.send(cv)).responseCode).toBe('00');
    expect(fx.sim.ledger.balanceFen(CARD.pan)).toBe(start);
    expect((await fx.terminal.send(fx.terminal.financial('completion', CARD, 100, { authCode: '000000' }))).responseCode).toBe('25');
  });
});

describe('host simulator: reversal', () => {
  it('reverses a sale idempotently and answers 25 when there is no original', async () => {
    const before = fx.sim.ledger.balanceFen(CARD.pan);
    const request = fx.terminal.financial('sale', CARD, 8800);
    await fx.terminal.send(request);
    const reversal = fx.terminal.reversalOf(request, '98');
    expect((await fx.terminal.send(reversal)).responseCode).toBe('00');
    expect((await fx.terminal.send(reversal)).responseCode).toBe('00');
    expect(fx.sim.ledger.balanceFen(CARD.pan)).toBe(before);
    expect(fx.sim.ledger.standingDebits('10000159')).toEqual([]);
    const never = fx.terminal.financial('sale', CARD, 100);
    expect((await fx.terminal.send(fx.terminal.reversalOf(never))).responseCode).toBe('25');
  });

  it('reversing a void puts the debit back and the sale can be voided again', async () => {
    const saleRequest = fx.terminal.financial('sale', CARD, 700);
    await fx.terminal.send(saleRequest);
    const original = { stan: getString(saleRequest, 11) };
    const voidRequest = fx.terminal.financial('void', CARD, 700, original);
    expect((await fx.terminal.send(voidRequest)).responseCode).toBe('00');
    const balanceAfterVoid = fx.sim.ledger.balanceFen(CARD.pan);
    expect((await fx.terminal.send(fx.terminal.reversalOf(voidRequest))).responseCode).toBe('00');
    expect(fx.sim.ledger.balanceFen(CARD.pan)).toBe(balanceAfterVoid - 700);
    expect(fx.sim.ledger.entries()[0]!.voided).toBe(false);
    expect((await fx.terminal.send(fx.terminal.financial('void', CARD, 700, original))).responseCode).toBe('00');
  });

  it('answers 00 to the reversal of a declined request (nothing to undo)', async () => {
    const declined = fx.terminal.financial('sale', card('6212260000000000067', '3008'), 5000);
    expect((await fx.terminal.send(declined)).responseCode).toBe('51');
    expect((await fx.terminal.send(fx.terminal.reversalOf(declined))).responseCode).toBe('00');
  });
});

describe('host simulator: settlement', () => {
  it('balanced totals answer reconciliation code 1 and open the next batch', async () => {
    await sale(8800);
    await sale(1200, FOREIGN_CARD);
    const totals = computeTotals([
      { type: 'sale', origin: 'domestic', amountFen: 8800, voided: false, reversed: false },
      { type: 'sale', origin: 'foreign', amountFen: 1200, voided: false, reversed: false },
    ]);
    const reply = await fx.terminal.send(fx.terminal.settlement(formatSettlementField48(totals)));
    expect(reply.responseCode).toBe('00');
    const f48 = parseSettlementField48(getString(reply.message, 48)!);
    expect([f48.domesticCode, f48.foreignCode]).toEqual(['1', '1']);
    expect(fx.sim.acquirer.currentBatch('10000159')).toBe('000002');
    expect((await sale(100)).responseCode).toBe('77');
    fx.terminal.batch = '000002';
    expect((await sale(100)).responseCode).toBe('00');
  });

  it('unbalanced totals answer 2; the batch-upload end (with its count) closes the batch on the terminal books', async () => {
    const saleRequest = fx.terminal.financial('sale', CARD, 8800);
    await fx.terminal.send(saleRequest);
    const wrong = computeTotals([{ type: 'sale', origin: 'domestic', amountFen: 9900, voided: false, reversed: false }]);
    const first = await fx.terminal.send(fx.terminal.settlement(formatSettlementField48(wrong)));
    const f48 = parseSettlementField48(getString(first.message, 48)!);
    expect([f48.domesticCode, f48.foreignCode]).toEqual(['2', '1']);
    expect(f48.totals.domestic).toEqual({ debitFen: 8800, debitCount: 1, creditFen: 0, creditCount: 0 });
    expect(fx.sim.acquirer.currentBatch('10000159')).toBe('000001');

    const record = '00' + getString(saleRequest, 11) + CARD.pan.padStart(20, '0') + '000000009900';
    expect((await fx.terminal.send(fx.terminal.batchUpload('01' + record, false))).responseCode).toBe('00');
    expect(fx.sim.acquirer.currentBatch('10000159')).toBe('000001');
    // A count that disagrees with what came is refused; the right one closes the batch.
    expect((await fx.terminal.send(fx.terminal.batchUpload('0002', true))).responseCode).toBe('30');
    expect((await fx.terminal.send(fx.terminal.batchUpload('0001', true))).responseCode).toBe('00');
    expect(fx.sim.acquirer.currentBatch('10000159')).toBe('000002');
    expect(fx.sim.acquirer.settlements.map((s) => [s.balanced, s.afterUpload])).toEqual([[false, true]]);
  });

  it('refuses a batch upload with no unbalanced settlement (12) and unparsable totals (30)', async () => {
    expect((await fx.terminal.send(fx.terminal.batchUpload('0000', true))).responseCode).toBe('12');
    expect((await fx.terminal.send(fx.terminal.settlement('12345'))).responseCode).toBe('30');
  });
});
