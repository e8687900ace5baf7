/**
 * The interactive simulator's keyboard and full-screen layout, without a terminal: escape sequences
 * stay whole (Delete is not CANCEL + 3, F1 is not CANCEL), every test card can be swiped, and the
 * picture fits 80x24 exactly and gives more room to the receipt, events and ledger when there is more.
 */
import { describe, expect, it } from 'vitest';
import { textColumns } from '../../firmware/drivers/printer/text-columns.js';
import { layoutConsole, type ConsoleModel } from '../../tools/sim-terminal/console-layout.js';
import { CardPicker, keystrokes, posKeyFor } from '../../tools/sim-terminal/keyboard.js';

describe('console keystrokes', () => {
  it('keeps xterm escape sequences whole: Delete (ESC [ 3 ~) and F1 (ESC O P) press nothing', () => {
    expect(keystrokes('\x1b[3~')).toEqual(['\x1b[3~']);
    expect(keystrokes('\x1bOP')).toEqual(['\x1bOP']);
    expect(keystrokes('\x1b[11~\x1b[15~')).toEqual(['\x1b[11~', '\x1b[15~']);
    for (const key of ['\x1b[3~', '\x1bOP', '\x1b[11~', '\x1b[H']) expect(posKeyFor(key)).toBeUndefined();
  });

  it('a lone Esc is CANCEL, arrows are UP/DOWN, digits are digits', () => {
    expect(keystrokes('12\x1b\r').map(posKeyFor)).toEqual(['1', '2', 'CANCEL', 'ENTER']);
    expect(keystrokes('\x1b[A\x1bOB').map(posKeyFor)).toEqual(['UP', 'DOWN']);
  });
});

describe('card picker (s then the card number)', () => {
  it('swipes cards 10-12 of 12: 1 waits for a second digit, 2-9 swipe at once', () => {
    const picker = new CardPicker(12);
    picker.open('forward');
    expect(picker.feed('1')).toBe('wait');
    expect(picker.feed('2')).toEqual({ swipe: 12, direction: 'forward' });
    picker.open('backward');
    expect(picker.feed('1')).toBe('wait');
    expect(picker.feed('0')).toEqual({ swipe: 10, direction: 'backward' });
    picker.open('forward');
    expect(picker.feed('7')).toEqual({ swipe: 7, direction: 'forward' });
    picker.open('forward');
    expect(picker.feed('1')).toBe('wait');
    expect(picker.feed('\r')).toEqual({ swipe: 1, direction: 'forward' });
    expect(picker.active).toBe(false);
  });

  it('refuses a card that does not exist and cancels on any other key', () => {
    const picker = new CardPicker(12);
    picker.open('forward');
    picker.feed('1');
    expect(picker.feed('3')).toEqual({ cancel: 'no test card 13: cards are 1-12' });
    picker.open('forward');
    expect(picker.feed('\x1b')).toEqual({ cancel: 'swipe cancelled' });
  });
});

function model(over: Partial<ConsoleModel> = {}): ConsoleModel {
  return {
    title: 'pos-terminal simulator',
    lcd: ['消费 SALE', 'SWIPE CARD', '5.00', ''],
    lcdCols: 20,
    legend: ['a', 'b', 'c', 'd', 'e', 'f'],
    receiptTitle: 'last receipt',
    receipt: Array.from({ length: 30 }, (_, i) => `receipt line ${i + 1}`),
    events: Array.from({ length: 40 }, (_, i) => ({ at: '10:00:00', text: `event ${i + 1}` })),
    ledgerCheck: 'issuer ledger: approvals=1 one_sided=0 lost_approvals=0',
    balances: Array.from({ length: 12 }, (_, i) => ({ card: i + 1, maskedPan: '621700*********0012', status: 'ok', balanceFen: 500000000 })),
    prompt: '> ready',
    ...over,
  };
}

describe('full-screen layout', () => {
  it.each([
    [80, 24],
    [120, 40],
    [100, 30],
  ])('%ix%i: exactly that many rows of exactly that many cells; LCD at the top left, prompt last', (width, height) => {
    const rows = layoutConsole(model(), width, height);
    expect(rows).toHaveLength(height);
    for (const row of rows) expect(textColumns(row)).toBe(width);
    expect(rows[1]!.startsWith('+--------------------+')).toBe(true);
    expect(rows[2]!.startsWith('|消费 SALE')).toBe(true);
    expect(rows.at(-1)!.trim()).toBe('> ready');
    // The newest event and the receipt's last line are always on screen; every card's balance too.
    const text = rows.join('\n');
    expect(text).toContain('event 40');
    expect(text).toContain('receipt line 30');
    for (let card = 1; card <= 12; card++) expect(text).toMatch(new RegExp(`\\b${card} \\*0012`));
  });

  it('a larger terminal shows more of the receipt and the log', () => {
    const small = layoutConsole(model(), 80, 24).join('\n');
    const large = layoutConsole(model(), 120, 40).join('\n');
    expect(small).not.toContain('receipt line 15');
    expect(large).toContain('receipt line 15');
    expect(large).toContain('event 20');
  });

  it('too small a terminal says so instead of drawing a broken picture', () => {
    const rows = layoutConsole(model(), 60, 20);
    expect(rows).toHaveLength(20);
    expect(rows[0]).toContain('needs a 80x24 terminal; this one is 60x20');
  });
});
