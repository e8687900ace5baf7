import { describe, expect, it, vi } from 'vitest';
import { PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { TerminalRig } from './doubles/terminal-rig.js';

/**
 * The shell runs the journal's housekeeping (Journal.housekeep) whenever the engine waits for the
 * cashier, so a sale's commits never wait for a sector erase or a garbage collection: on NOR flash
 * those take tens to hundreds of milliseconds, felt at the till as a late receipt.
 */
async function signedIn(): Promise<TerminalRig> {
  const rig = new TerminalRig();
  await rig.boot();
  await rig.signIn();
  return rig;
}

describe('the shell housekeeps the journal while it waits for the cashier', () => {
  it('over sales that wrap the journal, every erase happens while the terminal waits for a key, none inside a journal call', async () => {
    const rig = await signedIn();
    const during: string[] = [];
    const erase = rig.flash.erase.bind(rig.flash);
    vi.spyOn(rig.flash, 'erase').mockImplementation((sector) => {
      during.push(rig.shell.waiting?.op ?? 'none');
      return erase(sector);
    });
    // 16 sectors of 4 KiB: the ring wraps after about 350 of the engine's sales, then erases a sector every 20 or so.
    for (let i = 0; during.length < 10 && i < 800; i++) {
      if (rig.journal.capacity().transactionsLeft === 0) {
        await rig.press('8', 'ENTER');
        await rig.toIdle();
      }
      await rig.sale(100 + i, i % 2);
      await rig.toIdle();
    }
    expect(during.length).toBe(10);
    expect(during.filter((op) => op !== 'input')).toEqual([]);
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });

  it('a key pressed during housekeeping reaches the engine at once; the terminal counts as idle only once housekeeping is done', async () => {
    const rig = await signedIn();
    let finish!: () => void;
    const housekeep = rig.journal.housekeep.bind(rig.journal);
    vi.spyOn(rig.journal, 'housekeep').mockImplementationOnce(async () => {
      await new Promise<void>((resolve) => (finish = resolve));
      return housekeep();
    });
    await rig.press('1');
    await rig.settle();
    // Waiting for the amount, housekeeping still running.
    expect(rig.shell.isIdle()).toBe(false);
    rig.shell.key({ key: '5', repeat: false });
    expect(rig.screen).toContain('0.05');
    const idle = rig.shell.idle();
    let idleSeen = false;
    void idle.then(() => (idleSeen = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idleSeen).toBe(false);
    finish();
    await idle;
    expect(rig.shell.isIdle()).toBe(true);
  });

  it('a device error during housekeeping is logged; the next sale is refused before anything is sent, and a reboot trades again', async () => {
    const rig = await signedIn();
    // Fill the head until the next housekeeping erases (or collects) something, with an erase that fails.
    vi.spyOn(rig.flash, 'erase').mockRejectedValue(new Error('erase failed: status register E_FAIL'));
    let sales = 0;
    while (!rig.logger.lines.some((e) => e.event === 'journal.housekeeping-failed') && sales < 800) {
      // Settled before it is full, so the ring wraps and GC's erases come, and the sale after the
      // failure finds room (a sale costs at most one): a full terminal would say SETTLE FIRST first.
      if (rig.journal.capacity().transactionsLeft < 2) {
        await rig.press('8', 'ENTER');
        await rig.toIdle();
      }
      await rig.sale(100 + sales);
      await rig.toIdle();
      sales++;
    }
    expect(rig.logger.lines.find((e) => e.event === 'journal.housekeeping-failed')?.fields).toMatchObject({ error: expect.stringContaining('E_FAIL') });
    const sent = rig.host.requests.length;
    await rig.sale(4200);
    expect(rig.all).toMatch(/JOURNAL|ERROR/);
    expect(rig.host.requests.length).toBe(sent);
    await rig.toIdle();
    // Logged once, not at every key the cashier pressed since.
    expect(rig.logger.lines.filter((e) => e.event === 'journal.housekeeping-failed')).toHaveLength(1);
    // Whoever waits for idle while an operation runs (a supervisor stopping the terminal, the
    // harnesses) is woken at the next input wait, though housekeeping no longer runs there.
    let woken = 0;
    let asked = 0;
    const show = rig.display.show.bind(rig.display);
    vi.spyOn(rig.display, 'show').mockImplementation((lines) => {
      if (!rig.shell.isIdle()) {
        asked++;
        void rig.shell.idle().then(() => woken++);
      }
      show(lines);
    });
    await rig.sale(4201);
    await rig.toIdle();
    vi.mocked(rig.display.show).mockRestore();
    expect(asked).toBeGreaterThan(0);
    expect(woken).toBe(asked);
    vi.mocked(rig.flash.erase).mockRestore();
    await rig.reboot();
    await rig.signIn();
    await rig.sale(4300);
    await rig.toIdle();
    expect(rig.journal.view().transactions.at(-1)).toMatchObject({ status: 'approved', amountFen: 4300, printed: true });
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });

  it('a power cut during housekeeping halts the shell as a cut anywhere else does', async () => {
    const rig = await signedIn();
    vi.spyOn(rig.flash, 'erase').mockRejectedValue(new PowerCut(1));
    for (let i = 0; i < 800 && rig.halted === undefined; i++) {
      await rig.sale(100 + i);
      await rig.toIdle();
    }
    expect(rig.halted).toBeInstanceOf(PowerCut);
    expect(rig.shell.halted).toBe(true);
    expect(rig.logger.lines.some((e) => e.event === 'journal.housekeeping-failed')).toBe(false);
  });
});
