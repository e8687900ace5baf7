/**
 * The terminal's life in detail (firmware/app/flows/terminal.ts), on the pure engine: what boot
 * shows, logs and sends first, the 未打印 prompt for an approval whose receipt did not finish, the
 * idle screen's answers to keys and swipes with and without an operator, the menus open while the
 * journal is damaged, and the safety net that turns a bug into a logged engine.bug and 系统故障.
 */
import { describe, expect, it } from 'vitest';
import { TransactionEngine } from '../../firmware/app/engine.js';
import type { EngineEvent, EngineStep } from '../../firmware/app/engine-io.js';
import { defaultSettings } from '../../firmware/app/settings.js';
import type { JournalDamage } from '../../firmware/app/journal-damage.js';
import type { JournalCapacity, JournalTransaction, JournalView } from '../../firmware/journal/journal.js';
import { APPROVAL, sale } from '../journal/sample-transactions.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal, type FailingJournal } from './doubles/flash-test-journal.js';

const IDLE = 'POS MERCHANT\nUnionPay POS\nSIGN IN: ENTER\n';
const SIGNED_IN = 'POS MERCHANT\nOPER 01 READY\nENTER: MENU\n';
const WIDE = { cols: 20, rows: 4, chinese: false };
const NARROW = { cols: 16, rows: 2, chinese: false };

/** What the journal holds after a power cut: an approved, printed sale of 10.00 (STAN 1) and, with `then`, more. */
async function journalWith(then: 'pending' | 'unprinted' | 'nothing'): Promise<FailingJournal> {
  const journal = await flashTestJournal();
  const j = journal.inner;
  await j.takeCounter('batch');
  const first = await j.takeCounter('stan');
  await j.begin(sale(first, { amountFen: 1000 }));
  await j.approve(first, APPROVAL);
  await j.printed(first);
  if (then === 'nothing') return journal;
  const second = await j.takeCounter('stan');
  await j.begin(sale(second, { amountFen: 2345 }));
  if (then === 'unprinted') await j.approve(second, APPROVAL);
  return journal;
}

async function booted(journal?: FailingJournal, display = WIDE): Promise<EngineDriver> {
  const d = new EngineDriver(journal ?? (await flashTestJournal()), defaultSettings(), display);
  await d.start();
  return d;
}

describe('boot', () => {
  it('logs the records and counters it found, and shows PROCESSING while it settles a cut-short record', async () => {
    const journal = await journalWith('pending');
    const d = new EngineDriver(journal);
    const step = d.engine.start({ ms: 0, wall: new Date(Date.UTC(2026, 10, 22, 2)) });
    // The first thing boot does on flash (the 98 owed for the interrupted sale) happens under PROCESSING.
    expect(step.waiting).toEqual({ op: 'journal', request: { method: 'requireReversal', stan: 2, reason: '98' } });
    const screens = step.notices.flatMap((n) => (n.kind === 'screen' ? [n.lines.join('\n')] : []));
    expect(screens).toEqual(['UnionPay POS\nPROCESSING...\n\n']);
    const logs = step.notices.flatMap((n) => (n.kind === 'log' ? [{ event: n.event, fields: n.fields }] : []));
    expect(logs).toEqual([{ event: 'boot', fields: { transactions: 2, counters: { stan: 2, voucher: 0, batch: 1 } } }]);
  });

  it('sends the reversal owed for a cut-short sale before anything else, though other records are settled', async () => {
    const d = await booted(await journalWith('pending'));
    expect(d.sent).toHaveLength(1);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400', fields: { 11: '000002', 39: '98' } } });
  });
});

describe('boot: an approval whose receipt did not finish', () => {
  it('20x4: NOT PRINTED with its amount and voucher; other keys and swipes leave it; ENTER reprints it', async () => {
    const d = await booted(await journalWith('unprinted'));
    // The amount is what the cashier knows the sale by: it must fit (a masked PAN and the amount do not).
    expect(d.screen).toBe('SALE\nNOT PRINTED\n23.45 NO.000002\nENTER:PRINT');
    const shown = d.screens.length;
    await d.keys('5', 'UP');
    await d.swipe();
    expect(d.screens.length).toBe(shown);
    expect(d.waiting.op).toBe('input');
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'print', job: { kind: 'transaction', reprint: true, amountFen: 2345 } });
  });

  it('16x2: NOT PRINTED and ENTER:PRINT, the card and amount left out', async () => {
    const d = await booted(await journalWith('unprinted'), NARROW);
    expect(d.screen).toBe('NOT PRINTED\nENTER:PRINT');
  });

  it.each([
    ['CANCEL', (d: EngineDriver) => d.keys('CANCEL')],
    ['nobody there (timeout)', (d: EngineDriver) => d.advance(60_000)],
  ])('%s skips it: nothing printed, it stays unprinted, idle follows', async (_, skip) => {
    const journal = await journalWith('unprinted');
    const d = await booted(journal);
    await skip(d);
    expect(d.screen).toBe(IDLE);
    expect(d.printed).toEqual([]);
    expect(journal.find(2)).toMatchObject({ status: 'approved', printed: false });
  });
});

describe('the idle screen', () => {
  it('a swipe before sign-in: SIGN IN FIRST, nothing else starts', async () => {
    const d = await booted();
    await d.swipe();
    expect(d.screen).toBe('UnionPay POS\nSIGN IN FIRST\n\n');
    await d.advance(2000);
    expect(d.screen).toBe(IDLE);
  });

  it('a bad swipe after sign-in: SWIPE AGAIN; a good one starts a sale with that card', async () => {
    const d = await booted();
    await d.signIn();
    await d.swipe({ ok: false, reason: 'lrc', detail: 'bad lrc' } as never);
    expect(d.screen).toBe('SALE\nSWIPE AGAIN\n\n');
    await d.advance(2000);
    await d.swipe();
    expect(d.screen).toBe('SALE\nAMOUNT:\n                0.00\n');
    await d.type('100');
    await d.keys('ENTER');
    // The card came with the swipe: straight to its confirmation.
    expect(d.screen).toContain('622202*********0123');
  });

  it('a key that is no menu item does nothing, signed in or not: the idle screen stays', async () => {
    const d = await booted();
    const shown = d.screens.length;
    await d.keys('0', 'UP');
    expect(d.screens.slice(shown).map((s) => s.join('\n'))).toEqual([IDLE, IDLE]);
    await d.signIn();
    const signedIn = d.screens.length;
    await d.keys('0', 'UP');
    expect(d.screens.slice(signedIn).map((s) => s.join('\n'))).toEqual([SIGNED_IN, SIGNED_IN]);
  });

  it.each([
    ['6', 'REPRINT'],
    ['7', 'NO TRANSACTIONS'],
  ])('%s works before sign-in', async (key, shows) => {
    const d = await booted();
    await d.keys(key as '6');
    expect(d.screen).toContain(shows);
    expect(d.allScreens).not.toContain('SIGN IN FIRST');
  });

  it('5 pre-auth: its menu; CANCEL goes back to idle without starting anything', async () => {
    const d = await booted();
    await d.signIn();
    const sent = d.sent.length;
    await d.keys('5');
    expect(d.screen).toBe('PRE-AUTH\n1AUTH 2VOID\n3COMPL 4CMP VOID\n');
    await d.keys('CANCEL');
    expect(d.screen).toBe(SIGNED_IN);
    expect(d.sent.length).toBe(sent);
  });
});

/** The engine on a hand-made journal view (as a record the firmware cannot read would give). */
function rawEngine(view: JournalView, capacity: JournalCapacity, extra: { journalDamage?: JournalDamage } = {}) {
  const engine = new TransactionEngine({ settings: defaultSettings(), display: WIDE, journal: { view, capacity }, ...extra });
  let ms = 0;
  const time = () => ({ ms, wall: new Date(Date.UTC(2026, 10, 22, 2) + ms) });
  const screens: string[] = [];
  const logs: { event: string; fields?: Record<string, unknown> }[] = [];
  const take = (step: EngineStep) => {
    for (const n of step.notices) {
      if (n.kind === 'screen') screens.push(n.lines.join('\n'));
      if (n.kind === 'log') logs.push({ event: n.event, ...(n.fields ? { fields: n.fields } : {}) });
    }
    return step;
  };
  return {
    engine,
    screens,
    logs,
    start: () => take(engine.start(time())),
    feed: (event: EngineEvent, after = 0) => {
      ms += after;
      return take(engine.handle(event, time()));
    },
  };
}

describe('journal damage waiting for the supervisor', () => {
  it.each([
    ['6', 'REPRINT'],
    ['7', 'NO TRANSACTIONS'],
  ])('%s still reads the batch (no operator needed)', async (key, shows) => {
    const journal = await flashTestJournal();
    const damage = { findings: ['sector 0: header copy B damaged'], countersAdvanced: {}, fingerprint: 'f1', acknowledged: false };
    const t = rawEngine(journal.view(), journal.capacity(), { journalDamage: damage });
    t.start();
    expect(t.screens.at(-1)).toContain('JOURNAL DAMAGED');
    t.feed({ kind: 'key', key: key as '6' });
    expect(t.screens.at(-1)).toContain(shows);
  });
});

describe('a bug inside a flow', () => {
  /** The journal's view with its one record turned into a type this firmware has no flow for. */
  async function unknownType(printed: boolean): Promise<ReturnType<typeof rawEngine>> {
    const journal = await journalWith('nothing');
    const view = journal.view();
    const tx = { ...view.transactions[0]!, type: 'no-such-type', printed } as unknown as JournalTransaction;
    return rawEngine({ ...view, transactions: [tx] }, journal.capacity());
  }

  it('in boot recovery: logged as engine.bug where boot, and the idle screen follows', async () => {
    const t = await unknownType(false);
    const step = t.start();
    const bugs = t.logs.filter((l) => l.event === 'engine.bug');
    expect(bugs).toHaveLength(1);
    expect(bugs[0]!.fields).toEqual({ where: 'boot', error: expect.stringContaining('TypeError') });
    expect(t.screens.at(-1)).toBe(IDLE);
    expect(step.waiting).toEqual({ op: 'input' });
  });

  it('in a menu flow: logged as engine.bug, SYSTEM ERROR until a key or 5 s, then idle again', async () => {
    const t = await unknownType(true);
    t.start();
    expect(t.logs.filter((l) => l.event === 'engine.bug')).toEqual([]);
    t.feed({ kind: 'key', key: '7' });
    expect(t.logs.filter((l) => l.event === 'engine.bug')).toEqual([{ event: 'engine.bug', fields: { error: expect.stringContaining('TypeError') } }]);
    expect(t.screens.at(-1)).toBe('UnionPay POS\nSYSTEM ERROR\nPRESS ANY KEY\n');
    t.feed({ kind: 'tick' }, 4999);
    expect(t.screens.at(-1)).toBe('UnionPay POS\nSYSTEM ERROR\nPRESS ANY KEY\n');
    t.feed({ kind: 'tick' }, 1);
    expect(t.screens.at(-1)).toBe(IDLE);
  });
});
