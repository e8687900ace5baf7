import { describe, expect, it } from 'vitest';
import { EN } from '../../firmware/app/screens/en.js';
import { cellWidth, fitLine, formatFen, layoutScreen, screenTexts } from '../../firmware/app/screens/screen-text.js';
import { ZH, ZH_RESPONSE_CODES } from '../../firmware/app/screens/zh.js';
import { EN_RESPONSE_CODES } from '../../firmware/app/screens/en.js';
import { defaultSettings, settingsProblems } from '../../firmware/app/settings.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

describe('screens', () => {
  it('formats fen as yuan', () => {
    expect(formatFen(8800)).toBe('88.00');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(123456789012)).toBe('1234567890.12');
  });

  it('counts a Hanzi as two cells and never splits one', () => {
    expect(cellWidth('消费 SALE')).toBe(9);
    expect(fitLine('请输入金额请输入金额', 9)).toBe('请输入金');
    expect(fitLine('ABCDEFGHIJKLMNOPQRST', 16)).toBe('ABCDEFGHIJKLMNOP');
  });

  it('lays out 16x2 and 20x4', () => {
    const four = { cols: 20, rows: 4, chinese: false };
    const two = { cols: 16, rows: 2, chinese: false };
    expect(layoutScreen(four, 'SALE', ['AMOUNT:', '88.00'])).toEqual(['SALE', 'AMOUNT:', '88.00', '']);
    expect(layoutScreen(two, 'SALE', ['AMOUNT:', '88.00'])).toEqual(['AMOUNT:', '88.00']);
    expect(layoutScreen(two, 'SALE', ['SWIPE CARD'])).toEqual(['SALE', 'SWIPE CARD']);
  });

  it('English text is ASCII (HD44780) and fits 16 columns; both tables cover every response code', () => {
    for (const [key, text] of Object.entries(EN)) {
      expect(/^[\x20-\x7e]*$/.test(text), key).toBe(true);
      expect(text.replace(/\{\w+\}/g, 'XX').length, key).toBeLessThanOrEqual(16);
    }
    for (const [key, text] of Object.entries(ZH)) expect(cellWidth(text.replace(/\{\w+\}/g, 'XX')), key).toBeLessThanOrEqual(20);
    expect(Object.keys(EN_RESPONSE_CODES).sort()).toEqual(Object.keys(ZH_RESPONSE_CODES).sort());
    expect(screenTexts('zh').responseMeaning('51')).toBe('余额不足');
    expect(screenTexts('en').responseMeaning('Q9')).toBe('CODE Q9');
  });

  it('a Chinese 16x2 display gets Chinese text; an HD44780 gets English whatever the setting', async () => {
    const zh = new EngineDriver(await flashTestJournal(), defaultSettings(), { cols: 16, rows: 2, chinese: true });
    await zh.start();
    expect(zh.screen).toContain('请签到');
    await zh.keys('1');
    expect(zh.screen).toContain('请先签到');
    for (const lines of zh.screens) for (const l of lines) expect(cellWidth(l)).toBeLessThanOrEqual(16);

    const en = new EngineDriver(await flashTestJournal(), { ...defaultSettings(), language: 'zh' }, { cols: 16, rows: 2, chinese: false });
    await en.start();
    expect(en.screen).toContain('SIGN IN');
  });

  it('Chinese sale screens: amount, masked PAN, PIN stars, 冲正中 on a timeout', async () => {
    const d = new EngineDriver(await flashTestJournal(), defaultSettings(), { cols: 20, rows: 4, chinese: true });
    await d.start();
    await d.signIn();
    await d.keys('1');
    await d.type('8800');
    expect(d.screen).toContain('88.00');
    expect(d.screen).toContain('消费');
    await d.keys('ENTER');
    expect(d.screen).toContain('请刷卡');
    await d.swipe();
    expect(d.screen).toContain('622202*********0123');
    await d.keys('ENTER');
    await d.type('123456');
    expect(d.screen).toContain('******');
    await d.keys('ENTER');
    await d.host({ ok: false, kind: 'timeout', requestSent: true, detail: 'x' });
    expect(d.allScreens).toContain('冲正中');
    await d.reply({ 39: '25' });
    expect(d.screen).toContain('冲正成功');
  });
});

describe('settings', () => {
  it('defaults are usable and bad values are named', () => {
    expect(settingsProblems(defaultSettings())).toEqual([]);
    const bad = { ...defaultSettings(), terminalId: '123', reversalTries: 0, receiptCopies: 4 };
    expect(settingsProblems(bad)).toEqual([
      'terminalId must be 8 letters or digits',
      'reversalTries must be 1..9',
      'receiptCopies must be 1..3',
    ]);
  });
});

describe('16x2 screens keep what the cashier must act on', () => {
  it('the main menu scrolls with DOWN; the PIN echo and a zero-amount refusal stay visible', async () => {
    const d = new EngineDriver(await flashTestJournal(), defaultSettings(), { cols: 16, rows: 2, chinese: false });
    await d.start();
    await d.signIn();
    await d.keys('ENTER');
    expect(d.screen).toBe('1SALE 2VOID\n3REFUND 4BALANCE');
    await d.keys('DOWN', 'DOWN', 'DOWN', 'DOWN');
    expect(d.screen).toBe('7BROWSE 8SETTLE\n9ADMIN');
    await d.keys('1');
    await d.keys('ENTER');
    expect(d.screen).toContain('AMOUNT IS ZERO');
    await d.type('100');
    await d.keys('ENTER');
    await d.swipe();
    await d.keys('ENTER');
    await d.type('12');
    expect(d.screen).toBe('ENTER PIN:\n**');
  });
});
