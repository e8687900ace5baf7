/**
 * Issue 10, item 2 on the terminal: journal damage found at mount is logged (one line per finding),
 * shown at boot (流水存储异常 请联系维护 / JOURNAL DAMAGED - CALL SUPPORT), and no new transaction
 * starts until the supervisor acknowledges; owed reversals still go out. The damage is a flipped bit
 * in a sector header copy of the simulated NOR (format v2 keeps two copies: FORMAT.md, "Bit rot").
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { damageFingerprint, JsonFileDamageAckStore } from '../../firmware/app/journal-damage.js';
import { dataStart, headerSlotBytes } from '../../firmware/journal/sector-header.js';
import { RecordingDisplay } from './doubles/devices.js';
import { TerminalRig } from './doubles/terminal-rig.js';

function flipBit(rig: TerminalRig, at: number): void {
  const snapshot = rig.flash.snapshot();
  const image = new Uint8Array(snapshot.image);
  image[at]! ^= 0x01;
  rig.flash.restore({ ...snapshot, image });
}

/** Flips one bit of sector `sector`'s second header copy: mount reads on, and reports it. */
function rotHeaderCopyB(rig: TerminalRig, sector: number): void {
  flipBit(rig, sector * 4096 + headerSlotBytes(16) + 4);
}

/** A signed-in terminal with a sale whose power was cut after begin: a reversal is owed. */
async function withOwedReversal(display?: RecordingDisplay): Promise<TerminalRig> {
  const rig = new TerminalRig(display);
  await rig.boot();
  await rig.signIn();
  rig.host.faults.push('power-cut');
  await rig.sale(4321);
  expect(rig.journal.view().transactions[0]!.status).toBe('pending');
  return rig;
}

describe('journal damage at boot', () => {
  it('logs each finding, reverses what it can read, shows JOURNAL DAMAGED and refuses sales until the supervisor acknowledges', async () => {
    const rig = await withOwedReversal();
    rotHeaderCopyB(rig, 0);
    const sent = rig.host.requests.length;
    await rig.reboot();

    const findings = rig.journal.health().findings;
    expect(findings).toHaveLength(1);
    const logged = rig.logger.lines.filter((l) => l.event === 'journal.damage');
    expect(logged.map((l) => l.fields.finding)).toEqual(findings);
    expect(logged[0]!.level).toBe('error');
    // The owed reversal went out at boot, damage or not.
    expect(rig.host.requests.slice(sent).map((r) => r.mti)).toEqual(['0400']);
    await rig.toIdleOrDamage();
    expect(rig.screen).toBe('UnionPay POS\nJOURNAL DAMAGED\nCALL SUPPORT\nENTER=SUPERVISOR');

    // A sale by key or by swipe does not start.
    await rig.press('1');
    await rig.swipe(rig.card());
    expect(rig.host.requests.slice(sent).map((r) => r.mti)).toEqual(['0400']);
    expect(rig.screen).toContain('JOURNAL DAMAGED');

    // A wrong supervisor password acknowledges nothing.
    await rig.press('ENTER');
    await rig.type('999999');
    await rig.press('ENTER');
    await rig.toIdleOrDamage();
    expect(rig.screen).toContain('JOURNAL DAMAGED');
    expect(await rig.damageAckStore.load()).toBeUndefined();

    await rig.press('ENTER');
    await rig.type('123456');
    await rig.press('ENTER');
    expect(rig.all).toContain('ACKNOWLEDGED');
    expect(await rig.damageAckStore.load()).toBe(damageFingerprint(findings));
    expect(rig.logger.lines.some((l) => l.event === 'journal.damage-acknowledged')).toBe(true);
    await rig.toIdle();
    await rig.signIn();
    await rig.sale(1000);
    expect(rig.all).toContain('APPROVED');
  });

  it('the same damage after an acknowledgement does not stop the next boot; new damage does', async () => {
    const rig = await withOwedReversal();
    rotHeaderCopyB(rig, 0);
    await rig.reboot();
    await rig.toIdleOrDamage();
    await rig.press('ENTER');
    await rig.type('123456');
    await rig.press('ENTER');
    await rig.toIdle();

    await rig.reboot();
    await rig.toIdleOrDamage();
    expect(rig.journal.health().findings).toHaveLength(1);
    expect(rig.screen).not.toContain('JOURNAL DAMAGED');
    expect(rig.atIdle()).toBe(true);
    // Still logged on every boot: the log is where maintenance looks.
    expect(rig.logger.lines.filter((l) => l.event === 'journal.damage')).toHaveLength(2);

    const acknowledged = rig.journal.health().findings;
    // A bit inside the first record of sector 0 (just past its two header copies).
    flipBit(rig, dataStart(16) + 8);
    await rig.reboot();
    await rig.toIdleOrDamage();
    expect(rig.journal.health().findings).not.toEqual(acknowledged);
    expect(rig.screen).toContain('JOURNAL DAMAGED');
  });

  it('a healthy journal shows no damage screen and logs no finding', async () => {
    const rig = await withOwedReversal();
    await rig.reboot();
    await rig.toIdle();
    expect(rig.all).not.toContain('JOURNAL DAMAGED');
    expect(rig.logger.lines.filter((l) => l.event === 'journal.damage')).toEqual([]);
  });

  it('fits a 16x2 LCD and the Chinese 16x4 screen; sign-in (9-1) stays open and sends the owed reversals', async () => {
    const two = await withOwedReversal(new RecordingDisplay(16, 2, false));
    rotHeaderCopyB(two, 0);
    two.host.faults.push('unreachable');
    await two.reboot();
    await two.toIdleOrDamage();
    expect(two.display.text).toBe('JOURNAL DAMAGED\nCALL SUPPORT');
    // The boot round could not reach the host; sign-in's round sends the reversal.
    expect(two.journal.view().transactions[0]!.status).toBe('reversal-pending');
    await two.press('9', '1');
    await two.type('01');
    await two.press('ENTER');
    await two.type('0000');
    await two.press('ENTER');
    await two.toIdleOrDamage();
    expect(two.journal.view().transactions[0]!.status).toBe('reversed');
    expect(two.display.text).toBe('JOURNAL DAMAGED\nCALL SUPPORT');

    const zh = await withOwedReversal(new RecordingDisplay(16, 4, true));
    rotHeaderCopyB(zh, 0);
    await zh.reboot();
    await zh.toIdleOrDamage();
    expect(zh.display.text).toBe('银联POS\n流水存储异常\n请联系维护\n确认键 主管确认');
  });
});

describe('journal-damage.json', () => {
  it('keeps the acknowledged fingerprint; a missing or damaged file is no acknowledgement (the screen comes back)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-damage-'));
    const store = new JsonFileDamageAckStore(join(dir, 'journal-damage.json'));
    expect(await store.load()).toBeUndefined();
    const fingerprint = damageFingerprint(['sector 3: header copy B is damaged (the other copy holds)']);
    await store.save(fingerprint);
    expect(await new JsonFileDamageAckStore(join(dir, 'journal-damage.json')).load()).toBe(fingerprint);
    writeFileSync(join(dir, 'journal-damage.json'), '{"acknowledged": "');
    expect(await store.load()).toBeUndefined();
  });

  it('the fingerprint does not depend on the order mount reports findings in', () => {
    expect(damageFingerprint(['a', 'b'])).toBe(damageFingerprint(['b', 'a']));
    expect(damageFingerprint(['a', 'b'])).not.toBe(damageFingerprint(['a', 'c']));
  });
});
