import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonFileSettingsStore } from '../../firmware/app/settings-file.js';
import { defaultSettings } from '../../firmware/app/settings.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { MemoryLogger } from '../../firmware/hal/log.js';
import { RotatingLogFile } from '../../firmware/hal/rotating-log-file.js';
import { HostError, type HostLink } from '../../firmware/host/host-link.js';
import { SettlementProgressLogger } from '../../tools/cli/settlement-progress.js';
import { keystrokes } from '../../tools/sim-terminal/keyboard.js';
import { PowerDomain } from '../../tools/sim-terminal/power-domain.js';
import { parseScript, ScriptError } from '../../tools/sim-terminal/script.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'pos-pieces-'));

describe('RotatingLogFile: size-capped log on the board', () => {
  it('keeps the file under the cap and one older file', () => {
    const path = join(tmp(), 'terminal.log');
    const log = new RotatingLogFile(path, 1000);
    for (let i = 0; i < 100; i++) log.write(JSON.stringify({ i, event: 'x'.repeat(40) }));
    expect(statSync(path).size).toBeLessThanOrEqual(1000);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(1000);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ i: 99 });
    // An existing file's size counts: reopening continues the cap.
    const again = new RotatingLogFile(path, 1000);
    again.write('{"i":100}');
    expect(statSync(path).size).toBeLessThanOrEqual(1000);
  });

  it('refuses a silly cap', () => {
    expect(() => new RotatingLogFile(join(tmp(), 'x.log'), 10)).toThrow(/>= 256 bytes/);
  });

  it('creates the log and its successor 0600 whatever the umask (not 0644)', () => {
    const path = join(tmp(), 'terminal.log');
    const log = new RotatingLogFile(path, 300);
    for (let i = 0; i < 20; i++) log.write(JSON.stringify({ i, event: 'x'.repeat(40) }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.1`).mode & 0o777).toBe(0o600);
  });
});

describe('JsonFileSettingsStore', () => {
  it('saves atomically and loads back; no file loads as none; a damaged file is refused, naming it (issue 10)', async () => {
    const path = join(tmp(), 'state', 'settings.json');
    const store = new JsonFileSettingsStore(path);
    expect(await store.load()).toBeUndefined();
    const settings = { ...defaultSettings(), merchantName: '测试商户' };
    await store.save(settings);
    expect(await store.load()).toEqual(settings);
    expect(statSync(path).mode & 0o077).toBe(0);
    writeFileSync(path, '{ torn');
    await expect(store.load()).rejects.toThrow(new RegExp(`^settings file ${path}: not valid JSON .*does not replace it with defaults`));
    writeFileSync(path, '[1, 2]');
    await expect(store.load()).rejects.toThrow(`settings file ${path}: does not hold a settings object`);
    writeFileSync(path, JSON.stringify({ ...settings, terminalId: 'ABC' }));
    await expect(store.load()).rejects.toThrow(/has unusable values: .*terminal/i);
    rmSync(path);
    mkdirSync(path);
    await expect(store.load()).rejects.toThrow(`settings file ${path}: cannot read it (EISDIR)`);
  });
});

describe('PowerDomain: a power cut makes the old runtime inert', () => {
  it('drops its timers, fails its flash calls with PowerCut and its host exchange under way', async () => {
    const clock = new VirtualClock();
    const domain = new PowerDomain(clock);
    let fired = 0;
    domain.clock.setTimer(10, () => fired++);
    const flash = domain.flash(new SimulatedNorFlash({ size: 4 * 4096, sectorSize: 4096, programUnit: 16 }));
    await flash.program(0, new Uint8Array(16));
    let answer: (() => void) | undefined;
    const link: HostLink = {
      exchange: () => new Promise((resolve) => (answer = () => resolve({ message: { mti: '0210', fields: {} }, body: new Uint8Array() }))),
      close: async () => undefined,
    };
    const exchange = domain.hostLink(link).exchange({ mti: '0200', fields: {} });
    domain.cut();
    answer!();
    await expect(exchange).rejects.toMatchObject({ name: 'PowerCut' });
    await expect(flash.program(16, new Uint8Array(16))).rejects.toMatchObject({ name: 'PowerCut' });
    clock.advance(100);
    expect(fired).toBe(0);
    expect(domain.clock.setTimer(1, () => fired++)).toEqual({ id: -1 });
  });

  it('passes host errors through while powered', async () => {
    const domain = new PowerDomain(new VirtualClock());
    const link: HostLink = { exchange: () => Promise.reject(new HostError('unreachable', false, 'refused')), close: async () => undefined };
    await expect(domain.hostLink(link).exchange({ mti: '0800', fields: {} })).rejects.toBeInstanceOf(HostError);
  });
});

describe('sim script parser', () => {
  it('parses every command', () => {
    const lines = parseScript('# c\n\nkeys 12\nenter\nkey 00\nkey cancel\nswipe-backward 3\nwait 500\npower-cut-after-send\npaper-out\nexpect-seen 冲正\nshow-receipt\n');
    expect(lines.map((l) => l.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(lines.flatMap((l) => l.commands)).toEqual([
      { op: 'key', key: '1' },
      { op: 'key', key: '2' },
      { op: 'key', key: 'ENTER' },
      { op: 'key', key: '00' },
      { op: 'key', key: 'CANCEL' },
      { op: 'swipe', card: 3, direction: 'backward' },
      { op: 'wait', ms: 500 },
      { op: 'power-cut-after-send' },
      { op: 'paper-out' },
      { op: 'expect', text: '冲正', scope: 'seen' },
      { op: 'show-receipt' },
    ]);
  });

  it.each([
    ['key #', /line 1: unknown key "#"/],
    ['keys 12a', /takes digits/],
    ['swipe 0', /card number from 1/],
    ['wait soon', /milliseconds/],
    ['enter now', /takes no argument/],
    ['expect', /needs the text/],
    ['dance', /unknown command "dance"/],
  ])('%s is refused with a line number', (text, message) => {
    expect(() => parseScript(text)).toThrow(ScriptError);
    expect(() => parseScript(text)).toThrow(message);
  });
});

describe('console keystrokes', () => {
  it('splits fast typing into keys and keeps arrow sequences whole', () => {
    expect(keystrokes('01\x1b[A\r')).toEqual(['0', '1', '\x1b[A', '\r']);
  });
});

describe('settlement progress', () => {
  it('counts the batch upload against the messages the batch needs', () => {
    const said: string[] = [];
    const inner = new MemoryLogger();
    const progress = new SettlementProgressLogger(inner, () => [], (line) => said.push(line));
    progress.log('info', 'host.exchange', { mti: '0500', responseCode: '00' });
    progress.log('info', 'host.exchange', { mti: '0320', responseCode: '00' });
    progress.log('info', 'settlement.done', { batchNo: 1, balanced: true });
    expect(said).toEqual(['settlement: host answered 00', 'settlement: batch upload 1/1', 'settlement: batch 1 balanced']);
    expect(inner.lines).toHaveLength(3);
  });
});
