/**
 * `pos sim` on a real pseudo-terminal (tmux), driven by keystrokes with the screen read back: the
 * README's story at 80x24 — sign in, a sale whose request has left when p cuts the power (the
 * issuer shows the 单边帐 until the 冲正 at boot clears it), then a sale whose merchant copy runs
 * out of paper half-way — all on one screen; and the same console using the room of a 120x40 window.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const sessions: string[] = [];

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function startSim(name: string, width: number, height: number): void {
  const varDir = mkdtempSync(join(tmpdir(), 'pos-tmux-'));
  sessions.push(name);
  const cwd = new URL('../..', import.meta.url).pathname;
  tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), '-c', cwd, `${process.execPath} --import tsx tools/cli/main.ts sim --var ${varDir} --fresh; sleep 30`);
}

const screen = (name: string) => tmux('capture-pane', '-p', '-t', name);

async function waitFor(name: string, text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const shown = screen(name);
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() > end) throw new Error(`screen never showed ${String(text)}; it shows:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Types keys one at a time, as a person does. */
async function type(name: string, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    tmux('send-keys', '-t', name, key);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

afterEach(() => {
  for (const name of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', name]);
});

describe.skipIf(!hasTmux)('pos sim in a terminal (tmux; skipped where tmux is not installed)', () => {
  it('80x24: a power cut after the request left, the 冲正, and paper out mid-receipt, all on one screen', async () => {
    const s = `pos-sim-80-${process.pid}`;
    startSim(s, 80, 24);
    await waitFor(s, 'SIGN IN: ENTER', 60_000);
    await type(s, 'Enter', '0', '1', 'Enter', '0', '0', '0', '0', 'Enter');
    await waitFor(s, 'OPER 01 READY');

    // Sale 1: p while the host's answer is on its way (it answers after 1.5 s).
    await type(s, '1', '5', '0', '0', 'Enter', 's', '3');
    await waitFor(s, 'ENTER TO CONFIRM');
    await type(s, 'Enter', '2', '4', '6', '8', '1', '0', 'Enter');
    const applied = await waitFor(s, /issuer rc 00 debit 5\.00 \*0042/);
    expect(applied).toContain('one_sided=1 lost_approvals=0 单边帐!');
    expect(applied).not.toContain('<- terminal 0210');
    await type(s, 'p');
    const reversed = await waitFor(s, /<- terminal 0410 rc 00/);
    expect(reversed).toContain('*** POWER CUT');
    expect(reversed).toMatch(/-> host 冲正 reversal 0400/);
    expect(reversed).toContain('one_sided=0');
    expect(reversed).toMatch(/ 3 \*0042 +2000000\.00/);

    // The LCD says what was undone until a key is pressed; then sale 2 after signing in again:
    // o while the merchant copy is on the head.
    await waitFor(s, 'REVERSAL DONE');
    await type(s, 'Enter');
    await waitFor(s, 'SIGN IN: ENTER');
    await type(s, 'Enter', '0', '1', 'Enter', '0', '0', '0', '0', 'Enter');
    await waitFor(s, 'OPER 01 READY');
    await type(s, '1', '5', '0', '0', 'Enter', 's', '3');
    await waitFor(s, 'ENTER TO CONFIRM');
    await type(s, 'Enter', '2', '4', '6', '8', '1', '0', 'Enter');
    await waitFor(s, 'receipt printing...');
    await type(s, 'o');
    const out = await waitFor(s, /printer: paper-out after \d+ lines/);
    const printed = Number(/paper-out after (\d+) lines/.exec(out)![1]);
    expect(printed).toBeGreaterThan(0);
    expect(printed).toBeLessThan(30);
    expect(out).toContain('paper OUT');
    await type(s, 'i');
    const done = await waitFor(s, /printed merchant copy \(\d+ lines\)/);
    expect(done).toMatch(/approvals=1 one_sided=0 lost_approvals=0/);
    expect(done).toMatch(/ 3 \*0042 +1999995\.00/);

    // Every row fits the 80 columns and the LCD never moved.
    const rows = done.split('\n').filter((_, i) => i < 24);
    expect(rows[1]).toMatch(/^\+-{20}\+/);
    await type(s, 'x');
    await waitFor(s, 'pos sim: switched off');
  }, 180_000);

  it('120x40: the same console, with the whole receipt and a longer event log', async () => {
    const s = `pos-sim-120-${process.pid}`;
    startSim(s, 120, 40);
    const shown = await waitFor(s, 'SIGN IN: ENTER', 60_000);
    const rows = shown.split('\n');
    expect(rows[1]).toMatch(/^\+-{20}\+/);
    expect(rows[39]).toMatch(/^> /);
    // Four ledger columns at 120 columns: the 14 cards in rows of four, cards 1, 5, 9 and 13 on the first.
    expect(rows.find((r) => r.includes(' 1 *0012'))).toMatch(/ 1 \*0012.* 5 \*0014.* 9 \*0098.* 13 \*0111/);
    await type(s, 'x');
    await waitFor(s, 'pos sim: switched off');
  }, 90_000);
});
