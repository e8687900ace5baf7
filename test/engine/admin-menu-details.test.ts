/**
 * 9 管理 in detail (firmware/app/flows/admin.ts), on the pure engine: the menus as shown, each
 * parameter's prompt with its current value and the settings it asks the shell to save, what a
 * cancel, a refused value and a failed save leave behind, and the password change (echo, minimum
 * length, mismatch, what is hashed and saved, what is logged).
 */
import { describe, expect, it } from 'vitest';
import { ipFromDigits } from '../../firmware/app/flows/admin.js';
import { defaultSettings, type TerminalSettings } from '../../firmware/app/settings.js';
import type { PosKey } from '../../firmware/hal/pos-keys.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

const IDLE = 'POS MERCHANT\nUnionPay POS\nSIGN IN: ENTER\n';
/** A per-transaction limit set, so that 9-9 shows a current value other than 0. */
const SETTINGS: TerminalSettings = { ...defaultSettings(), amountLimitFen: 50_000 };

async function booted(): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(), SETTINGS);
  await d.start();
  return d;
}

/** From the idle screen: 9 管理, 4 参数, the supervisor's password: at the parameter menu. */
async function atParameters(d: EngineDriver): Promise<void> {
  await d.keys('9', '4');
  await d.type('123456');
  await d.keys('ENTER');
}

const events = (d: EngineDriver, name: string) => d.logs.filter((l) => l.event === name);
const saveOps = (d: EngineDriver) => (d.waiting.op === 'save-settings' ? [d.waiting] : []);

describe('9 管理 menus', () => {
  it('the admin menu lists its six items on three lines', async () => {
    const d = await booted();
    await d.keys('9');
    expect(d.screen).toBe('ADMIN\n1SIGNIN 2SIGNOFF\n3ECHO 4PARAMS\n5PASSWD 6UNLOCK');
  });

  it('the parameter menu shows three of its five lines; DOWN scrolls to the rest', async () => {
    const d = await booted();
    await atParameters(d);
    expect(d.screen).toBe('ADMIN\n1MERCH 2TERM ID\n3HOST 4TIMEOUT\n5REV TRY 6COPIES');
    await d.keys('DOWN', 'DOWN');
    expect(d.screen).toBe('ADMIN\n5REV TRY 6COPIES\n7IDLE 8PWD LOCK\n9AMOUNT LIMIT');
  });
});

/** Item, its prompt, the current value shown above it, the value keyed, the settings it saves. */
const ITEMS: [PosKey, string, string, string, Partial<TerminalSettings>][] = [
  ['1', 'MERCHANT NO:', '880210010210160', '123456789012345', { merchantNo: '123456789012345' }],
  ['2', 'TERMINAL ID:', '10000159', '87654321', { terminalId: '87654321' }],
  ['4', 'TIMEOUT (S):', '30', '45', { hostTimeoutMs: 45_000 }],
  ['5', 'REV TRIES 1-9:', '3', '5', { reversalTries: 5 }],
  ['6', 'COPIES 1-3:', '2', '3', { receiptCopies: 3 }],
  ['7', 'IDLE TIME (S):', '60', '90', { idleTimeoutMs: 90_000 }],
  ['9', 'LIMIT YUAN(0=NO)', '500', '800', { amountLimitFen: 80_000 }],
];

describe('9-4 parameters: one value each', () => {
  it.each(ITEMS)('item %s asks %s under the current value and saves the value keyed', async (item, prompt, current, value, saved) => {
    const d = await booted();
    await atParameters(d);
    await d.keys(item);
    expect(d.screen).toBe(`ADMIN\n${current}\n${prompt}\n`);
    await d.type(value);
    await d.keys('ENTER');
    expect(d.waiting).toEqual({ op: 'save-settings', settings: { ...SETTINGS, ...saved } });
    await d.feed({ kind: 'settings-saved', ok: true });
    expect(d.screen).toBe('ADMIN\nSAVED\n\n');
    await d.advance(1500);
    expect(d.screen).toBe(IDLE);
    // The engine works with the saved value from now on: the next visit shows it as current.
    await atParameters(d);
    await d.keys(item);
    expect(d.screen).toBe(`ADMIN\n${value}\n${prompt}\n`);
  });

  it.each(ITEMS.map(([item, prompt]) => [item, prompt] as const))('CANCEL at item %s (%s) saves nothing and refuses nothing', async (item) => {
    const d = await booted();
    await atParameters(d);
    await d.keys(item, '1', 'CANCEL');
    expect(d.screen).toBe(IDLE);
    expect(d.allScreens).not.toContain('INVALID VALUE');
    expect(events(d, 'settings.invalid')).toEqual([]);
  });

  it('a value out of range is refused: INVALID VALUE, the problems logged, nothing saved', async () => {
    const d = await booted();
    await atParameters(d);
    await d.keys('7');
    await d.type('2');
    await d.keys('ENTER');
    expect(saveOps(d)).toEqual([]);
    expect(d.screen).toBe('ADMIN\nINVALID VALUE\n\n');
    expect(events(d, 'settings.invalid')).toEqual([{ event: 'settings.invalid', fields: { problems: ['idleTimeoutMs must be 5000..600000'] } }]);
  });

  it('a save that fails shows STORAGE ERROR, and the engine keeps the old value', async () => {
    const d = await booted();
    await atParameters(d);
    await d.keys('5', '7', 'ENTER');
    expect(d.waiting).toMatchObject({ op: 'save-settings', settings: { reversalTries: 7 } });
    await d.feed({ kind: 'settings-saved', ok: false });
    expect(d.screen).toBe('ADMIN\nSTORAGE ERROR\n\n');
    expect(d.allScreens).not.toContain('SAVED');
    await d.advance(3000);
    await atParameters(d);
    await d.keys('5');
    expect(d.screen).toBe('ADMIN\n3\nREV TRIES 1-9:\n');
  });
});

describe('9-4 parameters: two values each', () => {
  it('3 host: twelve digits become the dotted address, then the port; both are saved', async () => {
    const d = await booted();
    await atParameters(d);
    await d.keys('3');
    expect(d.screen).toBe('ADMIN\n127.0.0.1\nHOST IP(12 DIG):\n');
    await d.type('255255255255');
    await d.keys('ENTER');
    expect(d.screen).toBe('ADMIN\n5000\nHOST PORT:\n');
    await d.type('6000');
    await d.keys('ENTER');
    expect(d.waiting).toEqual({ op: 'save-settings', settings: { ...SETTINGS, host: { address: '255.255.255.255', port: 6000 } } });
  });

  it('3 host: CANCEL at the port saves nothing and refuses nothing', async () => {
    const d = await booted();
    await atParameters(d);
    await d.keys('3');
    await d.type('192168001010');
    await d.keys('ENTER', 'CANCEL');
    expect(d.screen).toBe(IDLE);
    expect(d.allScreens).not.toContain('INVALID VALUE');
  });

  it('8 lockout: tries, then minutes; both are saved', async () => {
    const d = await booted();
    await atParameters(d);
    await d.keys('8');
    expect(d.screen).toBe('ADMIN\n5\nPWD TRIES 1-20:\n');
    await d.keys('7', 'ENTER');
    expect(d.screen).toBe('ADMIN\n30\nLOCK MINUTES:\n');
    await d.type('15');
    await d.keys('ENTER');
    expect(d.waiting).toEqual({ op: 'save-settings', settings: { ...SETTINGS, passwordTries: 7, lockoutMinutes: 15 } });
  });

  it('8 lockout: CANCEL at the tries ends there, without asking the minutes', async () => {
    const d = await booted();
    await atParameters(d);
    await d.keys('8', 'CANCEL');
    expect(d.screen).toBe(IDLE);
    expect(d.allScreens).not.toContain('LOCK MINUTES');
  });

  it('8 lockout: CANCEL at the minutes saves nothing and refuses nothing', async () => {
    const d = await booted();
    await atParameters(d);
    await d.keys('8', '7', 'ENTER', 'CANCEL');
    expect(d.screen).toBe(IDLE);
    expect(d.allScreens).not.toContain('INVALID VALUE');
  });

  it('the host address must be twelve digits exactly, each group 0..255', () => {
    expect(ipFromDigits('255255255255')).toBe('255.255.255.255');
    // Thirteen digits are not an address, even where the first or last twelve would be.
    expect(ipFromDigits('1001001001001')).toBeUndefined();
  });
});

/** From the idle screen: 9 管理, 5 密码, the supervisor's password, then whose password. */
async function atNewPassword(d: EngineDriver, whose: string): Promise<void> {
  await d.keys('9', '5');
  await d.type('123456');
  await d.keys('ENTER');
  await d.type(whose);
  await d.keys('ENTER');
}

describe('9-5 password change', () => {
  it("an operator's new password: echoed as *, hashed by the shell, saved under the operator, logged without it", async () => {
    const d = await booted();
    await atNewPassword(d, '01');
    await d.type('4321');
    expect(d.screen).toBe('ADMIN\nNEW PASSWORD:\n****\n');
    await d.keys('ENTER');
    await d.type('4321');
    expect(d.screen).toBe('ADMIN\nREPEAT:\n****\n');
    await d.keys('ENTER');
    expect(d.waiting).toEqual({ op: 'hash-password', password: '4321' });
    await d.feed({ kind: 'password-hashed', hash: 'scrypt$aa$bb' });
    expect(d.waiting).toEqual({ op: 'save-settings', settings: { ...SETTINGS, operators: { ...SETTINGS.operators, '01': 'scrypt$aa$bb' } } });
    await d.feed({ kind: 'settings-saved', ok: true });
    expect(d.screen).toBe('ADMIN\nSAVED\n\n');
    await d.advance(1500);
    expect(events(d, 'password.changed')).toEqual([{ event: 'password.changed', fields: { operator: '01' } }]);
    expect(JSON.stringify(d.logs)).not.toContain('4321');
  });

  it("the supervisor's needs six digits: four are not taken", async () => {
    const d = await booted();
    await atNewPassword(d, '00');
    await d.type('4321');
    await d.keys('ENTER');
    expect(d.screen).toBe('ADMIN\nNEW PASSWORD:\n****\n');
    await d.type('65');
    await d.keys('ENTER');
    expect(d.screen).toBe('ADMIN\nREPEAT:\n\n');
    await d.type('432165');
    await d.keys('ENTER');
    expect(d.waiting).toEqual({ op: 'hash-password', password: '432165' });
    await d.feed({ kind: 'password-hashed', hash: 'scrypt$cc$dd' });
    expect(d.waiting).toEqual({ op: 'save-settings', settings: { ...SETTINGS, supervisorPasswordHash: 'scrypt$cc$dd' } });
  });

  it('CANCEL at the new password ends there, without asking it again', async () => {
    const d = await booted();
    await atNewPassword(d, '01');
    await d.keys('CANCEL');
    expect(d.screen).toBe(IDLE);
    expect(d.allScreens).not.toContain('REPEAT');
  });

  it('CANCEL at the repeat ends there: no mismatch shown, nothing hashed', async () => {
    const d = await booted();
    await atNewPassword(d, '01');
    await d.type('4321');
    await d.keys('ENTER', 'CANCEL');
    expect(d.screen).toBe(IDLE);
    expect(d.allScreens).not.toContain('NOT THE SAME');
  });

  it('two different entries: NOT THE SAME, nothing hashed or saved', async () => {
    const d = await booted();
    await atNewPassword(d, '01');
    await d.type('4321');
    await d.keys('ENTER');
    await d.type('4322');
    await d.keys('ENTER');
    expect(d.screen).toBe('ADMIN\nNOT THE SAME\n\n');
    expect(d.waiting.op).toBe('input');
  });

  it('a save that fails is not logged as a changed password', async () => {
    const d = await booted();
    await atNewPassword(d, '01');
    await d.type('4321');
    await d.keys('ENTER');
    await d.type('4321');
    await d.keys('ENTER');
    await d.feed({ kind: 'password-hashed', hash: 'scrypt$aa$bb' });
    await d.feed({ kind: 'settings-saved', ok: false });
    expect(d.screen).toBe('ADMIN\nSTORAGE ERROR\n\n');
    await d.advance(3000);
    expect(d.screen).toBe(IDLE);
    expect(events(d, 'password.changed')).toEqual([]);
  });
});
