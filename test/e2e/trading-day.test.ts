/**
 * The product end to end: `pos sim --script` as a child process — the real runtime on the virtual
 * board, the host simulator on loopback, the journal in a file image — through a whole day: sign-in,
 * sales, a power cut after a sale request left, the reprint, settlement. Checked: the screens, the
 * printed receipts (text and PNG), the journal image, and the issuer ledger (no 单边帐).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Run {
  code: number | null;
  out: string;
  lines: string[];
}

function posSim(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cli/main.ts', 'sim', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, lines: out.split('\n') }));
    child.stdin.end(stdin ?? '');
  });
}

/** The text between the `> show-receipt` line and the next command. */
function shownReceipt(run: Run): string[] {
  const start = run.lines.findIndex((l) => l === '> show-receipt');
  const end = run.lines.findIndex((l, i) => i > start && l.startsWith('> '));
  return run.lines.slice(start + 1, end).map((l) => l.replace(/^ {2}:/, ''));
}

describe('pos sim --script: a trading day with a power cut mid-sale', () => {
  it('signs in, sells, survives the cut with a reversal, reprints, settles; the issuer holds no 单边帐', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'pos-e2e-'));
    const run = await posSim(['--script', 'tools/sim-terminal/scripts/demo-day.txt', '--var', varDir]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).not.toContain('FAILED (line');

    // The cut came after the host had applied the 50.00 sale; the reboot reversed it at once.
    const cut = run.lines.findIndex((l) => l.includes('*** armed'));
    const afterCut = run.lines.slice(cut).join('\n');
    expect(afterCut).toMatch(/ok: seen shows "REVERSING"/);
    expect(afterCut).toMatch(/ok: screen shows "REVERSAL DONE"[\s\S]*ok: screen shows "50.00 NO."/);
    expect(run.out).toContain('sim: 106 steps, 2 boots, 1 power cuts, 7 receipts, expects 26 passed 0 failed');

    // Receipts: both copies of each sale, the reprint marked, and the settlement without the reversed sale.
    expect(run.out).toContain('ok: receipt shows "MERCHANT COPY"');
    expect(run.out).toContain('ok: receipt shows "REPRINT"');
    const settlement = shownReceipt(run).join('\n');
    expect(settlement).toContain('结算总计单 SETTLEMENT');
    expect(settlement).toMatch(/合计借记 +2 +100\.34/);
    expect(settlement).toContain('对账平 BALANCED');
    expect(settlement).toContain('冲正失败 FAILED REVERSALS: 0');

    // Only masked card numbers anywhere on the console.
    expect(run.out).not.toMatch(/6217000000000000012|6222020000000000034/);
    expect(run.out).toContain('621700*********0012');

    // PNG copies of the 7 receipts, and the journal image left behind verifies.
    const sessions = readdirSync(join(varDir, 'receipts'));
    expect(sessions).toHaveLength(1);
    expect(readdirSync(join(varDir, 'receipts', sessions[0]!)).sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `receipt-${n}.png`).sort());
    expect(existsSync(join(varDir, 'sim', 'journal.img'))).toBe(true);

    // Operations: settlement progress on the console; the JSON-line log has the cut and the reversal, no clear PAN.
    expect(run.out).toContain('  settlement: batch 1 balanced');
    const log = readFileSync(join(varDir, 'sim', 'terminal.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; event: string });
    expect(log.map((l) => l.event)).toEqual(expect.arrayContaining(['sim.power-cut', 'shell.halted', 'reversal.cleared', 'settlement.done']));
    expect(log.every((l) => ['debug', 'info', 'warn', 'error'].includes(l.level))).toBe(true);
    expect(readFileSync(join(varDir, 'sim', 'terminal.log'), 'utf8')).not.toMatch(/6217000000000000012|6222020000000000034/);

    // The issuer ledger check is the summary's last line: nothing one-sided, no approval lost.
    expect(run.lines.filter(Boolean).at(-1)).toBe('ledger: approvals=2 one_sided=0 lost_approvals=0');

    // The next day on the same flash image (batch 2 now) against a restarted host simulator that kept its books.
    const nextDay = await posSim(['--script', 'tools/sim-terminal/scripts/demo-day.txt', '--var', varDir]);
    expect(nextDay.code, nextDay.out).toBe(0);
    expect(shownReceipt(nextDay).join('\n')).toMatch(/批次号\(BATCH NO\.\): +000002/);
    expect(nextDay.lines.filter(Boolean).at(-1)).toBe('ledger: approvals=2 one_sided=0 lost_approvals=0');
  }, 120_000);

  it('a failed expect exits 1 and names the line; a bad script line is one error, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-e2e-'));
    writeFileSync(join(dir, 'wrong.txt'), '# the first screen asks for sign-in, not a sale\nexpect SALE\n');
    const failed = await posSim(['--script', join(dir, 'wrong.txt'), '--var', join(dir, 'var')]);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('FAILED (line 2): screen does not show "SALE"');
    expect(failed.out).toContain('expects 0 passed 1 failed');

    writeFileSync(join(dir, 'bad.txt'), 'enter\nswipe zero\n');
    const bad = await posSim(['--script', join(dir, 'bad.txt'), '--var', join(dir, 'var')]);
    expect(bad.code).toBe(2);
    expect(bad.out.trim()).toBe(`pos sim: ${join(dir, 'bad.txt')} line 2: "swipe" takes a card number from 1, e.g. swipe 2`);
  }, 120_000);

  it('without a TTY and without --script it reads commands from stdin (CI), and the journal survives a restart', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'pos-e2e-'));
    const day1 = await posSim(['--var', varDir], 'enter\nkeys 01\nenter\nkeys 0000\nenter\nwait 3000\nkey 1\nkeys 500\nenter\nswipe 3\nenter\nkeys 246810\nenter\nexpect TEAR OFF\nno-such-command\n');
    expect(day1.code, day1.out).toBe(0);
    expect(day1.out).toContain('line 15: unknown command "no-such-command"');
    expect(day1.out).toContain('ledger: approvals=1 one_sided=0 lost_approvals=0');
    // Restarted: the same flash image, so the approved sale is still in the batch (reprint finds it).
    const day2 = await posSim(['--var', varDir], 'enter\nkeys 01\nenter\nkeys 0000\nenter\nwait 3000\nkey 6\nkey 1\nexpect-receipt REPRINT\nexpect-receipt RMB 5.00\n');
    expect(day2.code, day2.out).toBe(0);
    expect(day2.out).toContain('expects 2 passed 0 failed');
    // The issuer's books were kept (var/sim/host-books.json): the sale still held is still at the issuer, no false alarm.
    expect(day2.out).toContain('ledger: approvals=1 one_sided=0 lost_approvals=0');
  }, 120_000);
});
