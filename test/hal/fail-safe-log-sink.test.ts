/**
 * A failing log write never stops the terminal (issue 10, item 5): the sink counts and drops the
 * line, warns once, and notes the loss when writing works again. The terminal rig then trades and
 * sends its owed reversal while every log write fails with ENOSPC, as on a full SD card.
 */
import { describe, expect, it } from 'vitest';
import { FailSafeLogSink } from '../../firmware/hal/fail-safe-log-sink.js';
import { JsonLineLogger } from '../../firmware/hal/log.js';
import { TerminalRig } from '../engine/doubles/terminal-rig.js';

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/** A log file on a card that can be filled and emptied. */
class Card {
  full = false;
  readonly lines: string[] = [];
  write = (line: string): void => {
    if (this.full) throw enospc();
    this.lines.push(line);
  };
}

describe('FailSafeLogSink', () => {
  it('counts dropped lines, warns once, and records the loss once writing works again', () => {
    const card = new Card();
    const warnings: string[] = [];
    const sink = new FailSafeLogSink(card.write, (m) => warnings.push(m), 'state/terminal.log');
    sink.line('{"event":"a"}');
    card.full = true;
    for (let i = 0; i < 5; i++) sink.line(`{"event":"b${i}"}`);
    expect(sink.failures).toBe(5);
    expect(warnings).toEqual([
      'state/terminal.log: write failed (ENOSPC); the terminal goes on trading, log lines are dropped and counted until writing works again',
    ]);
    card.full = false;
    sink.line('{"event":"c"}');
    expect(card.lines).toHaveLength(3);
    expect(JSON.parse(card.lines[1]!)).toMatchObject({ event: 'log.lines-lost', count: 5 });
    expect(card.lines[2]).toBe('{"event":"c"}');
    card.full = true;
    sink.line('{"event":"d"}');
    expect(warnings).toHaveLength(1);
    expect(sink.failures).toBe(6);
  });
});

describe('the terminal with its log on a full disk', () => {
  it('boots, sends the owed reversal and takes the next sale while every log write fails', async () => {
    const rig = new TerminalRig();
    const card = new Card();
    const warnings: string[] = [];
    const json = new JsonLineLogger(new FailSafeLogSink(card.write, (m) => warnings.push(m)).line, 'debug');
    // The rig's logger writes JSON lines to the card from here on, as pos run's does.
    rig.logger.log = (level, event, fields) => json.log(level, event, fields);
    await rig.boot();
    await rig.signIn();
    rig.host.faults.push('power-cut');
    await rig.sale(4321);
    card.full = true;
    const sent = rig.host.requests.length;
    await rig.reboot();
    expect(rig.host.requests.slice(sent).map((r) => r.mti)).toEqual(['0400']);
    expect(rig.journal.view().transactions[0]!.status).toBe('reversed');
    await rig.toIdle();
    await rig.signIn();
    await rig.sale(1000);
    expect(rig.all).toContain('APPROVED');
    expect(warnings).toHaveLength(1);
    expect(rig.halted).toBeUndefined();
  });
});
