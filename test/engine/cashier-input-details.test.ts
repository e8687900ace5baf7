/**
 * The cashier's prompts (firmware/app/flows/cashier-input.ts) in detail, on the pure engine: what
 * each prompt shows on a 20x4 and a 16x2 display, which keys it takes (CANCEL, ENTER, digits, the
 * menu's UP/DOWN), what the idle timeout does, and what the operator reads in the log.
 */
import { describe, expect, it } from 'vitest';
import { isValidMmdd } from '../../firmware/app/flows/cashier-input.js';
import { defaultSettings, type TerminalSettings } from '../../firmware/app/settings.js';
import { CARD, EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

const WIDE = { cols: 20, rows: 4, chinese: false };
const NARROW = { cols: 16, rows: 2, chinese: false };
const IDLE_20X4 = 'POS MERCHANT\nOPER 01 READY\nENTER: MENU\n';
const MASKED = '622202*********0123';

async function signedIn(display = WIDE, settings: TerminalSettings = defaultSettings()): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(), settings, display);
  await d.start();
  await d.signIn();
  return d;
}

const events = (d: EngineDriver, name: string) => d.logs.filter((l) => l.event === name);

/** From idle: 1, the amount, ENTER: the swipe prompt. */
async function atSwipe(d: EngineDriver, amountFen = 8800): Promise<void> {
  await d.keys('1');
  await d.type(String(amountFen));
  await d.keys('ENTER');
}

describe('amount entry', () => {
  it('opens on AMOUNT: and 0.00 alone, on 20x4 and on 16x2', async () => {
    const d = await signedIn();
    await d.keys('1');
    expect(d.screens.at(-1)).toEqual(['SALE', 'AMOUNT:', '0.00'.padStart(20), '']);
    const n = await signedIn(NARROW);
    await n.keys('1');
    expect(n.screens.at(-1)).toEqual(['AMOUNT:', '0.00'.padStart(16)]);
  });

  it('20x4: ENTER on 0.00 keeps the prompt and adds AMOUNT IS ZERO below the amount', async () => {
    const d = await signedIn();
    await d.keys('1', 'ENTER');
    expect(d.screens.at(-1)).toEqual(['SALE', 'AMOUNT:', '0.00'.padStart(20), 'AMOUNT IS ZERO']);
  });

  it('CANCEL goes back to the idle screen and nothing is sent', async () => {
    const d = await signedIn();
    const sent = d.sent.length;
    await d.keys('1');
    await d.type('88');
    await d.keys('CANCEL');
    expect(d.screen).toBe(IDLE_20X4);
    await d.keys('9');
    // The idle screen takes menu keys again (the amount prompt would have taken 9 as a digit).
    expect(d.screen).not.toContain('AMOUNT:');
    expect(d.sent.length).toBe(sent);
  });

  it('an amount over the merchant limit is logged with the amount and the limit', async () => {
    const d = await signedIn(WIDE, { ...defaultSettings(), amountLimitFen: 10_000 });
    await d.keys('1');
    await d.type('20000');
    await d.keys('ENTER');
    expect(d.screens.at(-1)).toEqual(['SALE', 'OVER TRANS LIMIT', 'LIMIT 100.00', '']);
    expect(events(d, 'amount.over-limit')).toEqual([{ event: 'amount.over-limit', fields: { amountFen: 20_000, limitFen: 10_000 } }]);
  });

  it('a key after a refusal takes it away: 20x4 empties the row below the amount, 16x2 shows AMOUNT: again', async () => {
    const d = await signedIn();
    await d.keys('1', 'ENTER', '5');
    expect(d.screens.at(-1)).toEqual(['SALE', 'AMOUNT:', '0.05'.padStart(20), '']);
    const n = await signedIn(NARROW);
    await n.keys('1', 'ENTER');
    expect(n.screens.at(-1)).toEqual(['AMOUNT IS ZERO', '0.00'.padStart(16)]);
    await n.keys('5');
    expect(n.screens.at(-1)).toEqual(['AMOUNT:', '0.05'.padStart(16)]);
  });

  it('leading 00 presses take none of the twelve digits: ten digits and 00 still fit', async () => {
    const d = await signedIn();
    await d.keys('1', ...Array<'00'>(12).fill('00'));
    expect(d.screens.at(-1)![2]).toBe('0.00'.padStart(20));
    await d.type('1234567890');
    await d.keys('00');
    expect(d.screens.at(-1)![2]).toBe('1234567890.00'.padStart(20));
    await d.keys('ENTER');
    expect(d.screen).toBe('SALE\nSWIPE CARD\n1234567890.00\n');
  });
});

describe('swipe prompt', () => {
  it('a card swiped at the idle screen is not asked for again after the amount', async () => {
    const d = await signedIn();
    await d.swipe();
    await d.type('8800');
    await d.keys('ENTER');
    expect(d.screen).toBe(`SALE\n${MASKED}\n88.00\nENTER TO CONFIRM`);
  });

  it('without an amount (4 balance) the line below SWIPE CARD stays empty', async () => {
    const d = await signedIn();
    await d.keys('4');
    expect(d.screens.at(-1)).toEqual(['BALANCE', 'SWIPE CARD', '', '']);
  });

  it('the idle timeout goes back to idle', async () => {
    const d = await signedIn();
    await atSwipe(d);
    await d.advance(60_000);
    expect(d.screen).toBe(IDLE_20X4);
  });

  it('CANCEL goes back to idle; other keys leave the prompt as it is', async () => {
    const d = await signedIn();
    await atSwipe(d);
    await d.keys('5', 'ENTER', 'CLEAR');
    expect(d.screen).toBe('SALE\nSWIPE CARD\n88.00\n');
    await d.keys('CANCEL');
    expect(d.screen).toBe(IDLE_20X4);
  });

  it('a bad swipe is logged with its reason and detail, and SWIPE AGAIN is shown', async () => {
    const d = await signedIn();
    await atSwipe(d);
    await d.swipe({ ok: false, reason: 'no-end-sentinel', detail: 'track 2 cut' });
    expect(events(d, 'swipe.bad')).toEqual([{ event: 'swipe.bad', fields: { reason: 'no-end-sentinel', detail: 'track 2 cut' } }]);
    expect(d.screen).toBe('SALE\nSWIPE AGAIN\n88.00\n');
  });
});

describe('card confirmation', () => {
  it('20x4 shows the masked PAN, the amount and ENTER TO CONFIRM; 16x2 the PAN (fitted to 16 columns) and the amount', async () => {
    const d = await signedIn();
    await atSwipe(d);
    await d.swipe();
    expect(d.screens.at(-1)).toEqual(['SALE', MASKED, '88.00', 'ENTER TO CONFIRM']);
    const n = await signedIn(NARROW);
    await atSwipe(n);
    await n.swipe();
    // Fewer stars, never fewer digits: the last four are what the cashier compares with the card.
    expect(n.screens.at(-1)).toEqual(['622202******0123', '88.00']);
  });

  it('the idle timeout goes back to idle: no PIN asked, nothing sent', async () => {
    const d = await signedIn();
    const sent = d.sent.length;
    await atSwipe(d);
    await d.swipe();
    await d.advance(60_000);
    expect(d.screen).toBe(IDLE_20X4);
    expect(d.sent.length).toBe(sent);
  });

  it('digits do not answer it; CANCEL goes back to idle, no PIN asked', async () => {
    const d = await signedIn();
    await atSwipe(d);
    await d.swipe();
    await d.keys('5', '00', 'CLEAR');
    expect(d.screen).toBe(`SALE\n${MASKED}\n88.00\nENTER TO CONFIRM`);
    await d.keys('CANCEL');
    expect(d.screen).toBe(IDLE_20X4);
  });
});

describe('PIN entry', () => {
  async function atPin(d: EngineDriver): Promise<void> {
    await atSwipe(d);
    await d.swipe();
    await d.keys('ENTER');
  }

  it('20x4 shows the amount above ENTER PIN: and echoes stars', async () => {
    const d = await signedIn();
    await atPin(d);
    expect(d.screens.at(-1)).toEqual(['SALE', '88.00', 'ENTER PIN:', '']);
    await d.type('12');
    expect(d.screens.at(-1)).toEqual(['SALE', '88.00', 'ENTER PIN:', '**']);
  });

  it('the idle timeout and CANCEL go back to idle and nothing is sent', async () => {
    for (const leave of ['timeout', 'CANCEL'] as const) {
      const d = await signedIn();
      const sent = d.sent.length;
      await atPin(d);
      await d.type('12');
      if (leave === 'timeout') await d.advance(60_000);
      else await d.keys('CANCEL');
      expect(d.screen).toBe(IDLE_20X4);
      expect(d.sent.length).toBe(sent);
    }
  });

  it('with PIN bypass allowed, a PIN keyed in is still the one sent', async () => {
    const d = await signedIn(WIDE, { ...defaultSettings(), pinBypassAllowed: true });
    await atPin(d);
    await d.type('1234');
    await d.keys('ENTER');
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0200' }, pin: { pin: '1234', pan: CARD.pan } });
  });
});

describe('menus', () => {
  const MENU = ['1SALE 2VOID', '3REFUND 4BALANCE', '5PREAUTH 6REPRNT', '7BROWSE 8SETTLE', '9ADMIN'];

  it('16x2: DOWN and UP scroll the main menu one line at a time; other keys do not scroll it', async () => {
    const d = await signedIn(NARROW);
    await d.keys('ENTER');
    expect(d.screens.at(-1)).toEqual([MENU[0], MENU[1]]);
    await d.keys('0', 'FUNC');
    expect(d.screens.at(-1)).toEqual([MENU[0], MENU[1]]);
    await d.keys('DOWN');
    expect(d.screens.at(-1)).toEqual([MENU[1], MENU[2]]);
    await d.keys('UP');
    expect(d.screens.at(-1)).toEqual([MENU[0], MENU[1]]);
    await d.keys('DOWN', 'DOWN', 'UP');
    expect(d.screens.at(-1)).toEqual([MENU[1], MENU[2]]);
    await d.keys('UP', 'UP');
    expect(d.screens.at(-1)).toEqual([MENU[0], MENU[1]]);
  });

  it('the idle timeout leaves the menu for the idle screen', async () => {
    const d = await signedIn();
    await d.keys('ENTER');
    expect(d.screen).toContain('MAIN MENU');
    await d.advance(60_000);
    expect(d.screen).toBe(IDLE_20X4);
  });
});

describe('original date (MMDD) of a refund', () => {
  async function refundDate(mmdd: string): Promise<EngineDriver> {
    const d = await signedIn();
    await d.keys('3');
    await d.type('123456');
    await d.keys('ENTER');
    await d.type('000000000001');
    await d.keys('ENTER');
    await d.type(mmdd);
    await d.keys('ENTER');
    return d;
  }

  it('31 December is a date: the amount is asked next', async () => {
    const d = await refundDate('1231');
    expect(d.screen).toContain('AMOUNT:');
  });

  it('the first of a month is a date: the amount is asked next', async () => {
    const d = await refundDate('0101');
    expect(d.screen).toContain('AMOUNT:');
  });

  it('day 00 is refused with INVALID VALUE', async () => {
    const d = await refundDate('0100');
    expect(d.screen).toBe('REFUND\nINVALID VALUE\n\n');
  });

  it('isValidMmdd takes exactly four digits, nothing before or after them', () => {
    expect(isValidMmdd('0131')).toBe(true);
    expect(isValidMmdd('0131 ')).toBe(false);
    expect(isValidMmdd('1 0001')).toBe(false);
    expect(isValidMmdd('01 1')).toBe(false);
  });
});
