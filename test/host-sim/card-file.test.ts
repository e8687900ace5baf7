import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CardFileError, loadCardFile, luhnValid, validateCards } from '../../tools/host-sim/card-file.js';

const good = { pan: '6217000000000000012', expiry: '3012', pin: '123456', balanceFen: 100, status: 'ok' };

describe('card file', () => {
  it('loads the default file: a dozen valid cards covering every decline path', () => {
    const cards = loadCardFile();
    expect(cards.length).toBe(14);
    expect(cards.every((c) => luhnValid(c.pan))).toBe(true);
    expect(cards.filter((c) => c.pan.startsWith('62')).length).toBeGreaterThanOrEqual(8);
    expect(cards.some((c) => /^[45]/.test(c.pan))).toBe(true);
    for (const status of ['lost', 'stolen', 'expired'] as const) expect(cards.some((c) => c.status === status)).toBe(true);
    expect(cards.some((c) => c.limitFen !== undefined)).toBe(true);
    expect(cards.some((c) => c.status === 'ok' && c.balanceFen < 10000)).toBe(true);
  });

  it('names the card and field at fault', () => {
    expect(() => validateCards([good, { ...good, pan: '6217000000000000013' }])).toThrow(/card 1: pan fails the Luhn check/);
    expect(() => validateCards([good, good])).toThrow(/card 1: pan appears twice/);
    expect(() => validateCards([{ ...good, expiry: '3013' }])).toThrow(/expiry must be YYMM/);
    expect(() => validateCards([{ ...good, pin: '12' }])).toThrow(/pin/);
    expect(() => validateCards([{ ...good, balanceFen: -1 }])).toThrow(/balanceFen/);
    expect(() => validateCards([{ ...good, status: 'frozen' }])).toThrow(/status/);
    expect(() => validateCards([{ ...good, limitFen: 1.5 }])).toThrow(/limitFen/);
    expect(() => validateCards([null])).toThrow(CardFileError);
  });

  it('reports unreadable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cards-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => loadCardFile(bad)).toThrow(/cannot read as JSON/);
    writeFileSync(bad, '{"cards": 3}');
    expect(() => loadCardFile(bad)).toThrow(/expected an array/);
    expect(() => loadCardFile(join(dir, 'missing.json'))).toThrow(CardFileError);
  });
});
