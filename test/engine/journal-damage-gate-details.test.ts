/**
 * The journal damage gate (firmware/app/flows/journal-damage-gate.ts) on the pure engine: what the
 * boot logs for each finding and for counters the mount moved ahead, the boot after an earlier
 * acknowledgement, and the supervisor's acknowledgement when its store fails and when it holds.
 * journal-damage.test.ts drives the same gate end to end on a whole terminal with real flash damage.
 */
import { describe, expect, it } from 'vitest';
import type { JournalDamage } from '../../firmware/app/journal-damage.js';
import { defaultSettings } from '../../firmware/app/settings.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

const FINDINGS = ['sector 0: header copy B is damaged (the other copy holds)', 'sector 3: record at 0x40 fails its CRC'];
const DAMAGE_SCREEN = 'UnionPay POS\nJOURNAL DAMAGED\nCALL SUPPORT\nENTER=SUPERVISOR';

async function bootedWith(damage: Partial<JournalDamage>): Promise<EngineDriver> {
  const journalDamage: JournalDamage = { findings: FINDINGS, countersAdvanced: {}, fingerprint: 'f1f2f3f4f5f6f7f8', acknowledged: false, ...damage };
  const d = new EngineDriver(await flashTestJournal(), defaultSettings(), undefined, { journalDamage });
  await d.start();
  return d;
}

const events = (d: EngineDriver, name: string) => d.logs.filter((l) => l.event === name);

/** ENTER on the damage screen and the supervisor's password: the engine then asks to save the acknowledgement. */
async function supervisorAcknowledges(d: EngineDriver): Promise<void> {
  await d.keys('ENTER');
  await d.type('123456');
  await d.keys('ENTER');
  expect(d.waiting).toEqual({ op: 'save-damage-ack', fingerprint: 'f1f2f3f4f5f6f7f8' });
}

describe('journal damage at boot: the log', () => {
  it('one line per finding, numbered from 1 of the total, with the fingerprint; counters moved ahead logged with their old values', async () => {
    const d = await bootedWith({ countersAdvanced: { stan: 12, voucher: 12 } });
    expect(events(d, 'journal.damage')).toEqual([
      { event: 'journal.damage', fields: { finding: FINDINGS[0], number: 1, of: 2, fingerprint: 'f1f2f3f4f5f6f7f8' } },
      { event: 'journal.damage', fields: { finding: FINDINGS[1], number: 2, of: 2, fingerprint: 'f1f2f3f4f5f6f7f8' } },
    ]);
    expect(events(d, 'journal.counters-advanced')).toEqual([{ event: 'journal.counters-advanced', fields: { from: { stan: 12, voucher: 12 } } }]);
    expect(events(d, 'journal.damage-already-acknowledged')).toEqual([]);
    expect(d.screen).toBe(DAMAGE_SCREEN);
  });

  it('no counter moved ahead: no counters line', async () => {
    const d = await bootedWith({});
    expect(events(d, 'journal.damage')).toHaveLength(2);
    expect(events(d, 'journal.counters-advanced')).toEqual([]);
  });

  it('damage a supervisor acknowledged on an earlier boot: logged as such, and the idle screen comes up', async () => {
    const d = await bootedWith({ acknowledged: true });
    expect(events(d, 'journal.damage')).toHaveLength(2);
    expect(events(d, 'journal.damage-already-acknowledged')).toEqual([
      { event: 'journal.damage-already-acknowledged', fields: { fingerprint: 'f1f2f3f4f5f6f7f8' } },
    ]);
    expect(d.screen).toBe('POS MERCHANT\nUnionPay POS\nSIGN IN: ENTER\n');
  });
});

describe('journal damage: the supervisor acknowledges', () => {
  it('an acknowledgement the store cannot keep: STORAGE ERROR, nothing logged, the damage screen comes back', async () => {
    const d = await bootedWith({});
    await supervisorAcknowledges(d);
    await d.feed({ kind: 'damage-ack-saved', ok: false });
    expect(d.screen).toBe('ADMIN\nSTORAGE ERROR\n\n');
    expect(events(d, 'journal.damage-acknowledged')).toEqual([]);
    await d.keys('ENTER');
    expect(d.screen).toBe(DAMAGE_SCREEN);
    // Still refused: a sale does not start.
    await d.keys('1');
    expect(d.screen).toBe(DAMAGE_SCREEN);
  });

  it('a kept acknowledgement: logged with the fingerprint and the number of findings, ACKNOWLEDGED for 1.5 s, then idle', async () => {
    const d = await bootedWith({});
    await supervisorAcknowledges(d);
    await d.feed({ kind: 'damage-ack-saved', ok: true });
    expect(events(d, 'journal.damage-acknowledged')).toEqual([
      { event: 'journal.damage-acknowledged', fields: { fingerprint: 'f1f2f3f4f5f6f7f8', findings: 2 } },
    ]);
    expect(d.screen).toBe('ADMIN\nACKNOWLEDGED\n\n');
    expect(d.waiting).toEqual({ op: 'input', timeoutMs: 1500 });
    await d.advance(1500);
    expect(d.screen).toBe('POS MERCHANT\nUnionPay POS\nSIGN IN: ENTER\n');
  });
});
