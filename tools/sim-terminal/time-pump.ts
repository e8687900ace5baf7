/**
 * Moves the simulated terminal's time along. On a virtual clock the pump advances time itself,
 * timer by timer, letting real I/O (the flash image, the loopback socket) finish between timers; on
 * the system clock it only waits. `settle()` returns when the shell waits for the cashier and no
 * device timer is due soon; cashier-level timeouts (result screens, idle) are left to `run(ms)`.
 */
import type { TerminalShell } from '../../firmware/app/terminal-shell.js';
import { VirtualClock, type Clock } from '../../firmware/hal/clock.js';

/** Timers nearer than this are device work (debounce, scan, LCD steps), run by settle(). */
const DEVICE_HORIZON_MS = 500;
/** Real time to wait for the host before letting the link's own timeout fire on the virtual clock. */
const HOST_PATIENCE_MS = 20_000;
/** Longest real time settle() waits on the system clock. */
const SYSTEM_SETTLE_LIMIT_MS = 120_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TimePump {
  /** Called whenever the devices are quiet (the LCD finished drawing): a moment to read the glass. */
  observe: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly shell: () => TerminalShell | undefined,
  ) {}

  private get virtual(): VirtualClock | undefined {
    return this.clock instanceof VirtualClock ? this.clock : undefined;
  }

  /** Lets `ms` of terminal time pass. */
  async run(ms: number): Promise<void> {
    const clock = this.virtual;
    if (!clock) {
      await sleep(ms);
      return;
    }
    const end = clock.now() + ms;
    for (;;) {
      await this.drainIo();
      const next = clock.nextDeadline();
      if (next === undefined || clock.now() + next > end) break;
      clock.advance(next);
    }
    clock.advance(end - clock.now());
    await this.drainIo();
    this.observe?.();
  }

  /** Until the shell waits for the cashier (or halted) and the devices are quiet. */
  async settle(): Promise<void> {
    const clock = this.virtual;
    if (!clock) return this.settleOnSystemClock();
    let hostWaitMs = 0;
    for (let guard = 0; guard < 200_000; guard++) {
      await this.drainIo();
      const shell = this.shell();
      const busy = shell !== undefined && !shell.halted && !shell.isIdle();
      const next = clock.nextDeadline();
      if (next !== undefined && next <= DEVICE_HORIZON_MS) {
        clock.advance(next);
        continue;
      }
      this.observe?.();
      if (!busy) return;
      if (shell.waiting?.op === 'host' && hostWaitMs < HOST_PATIENCE_MS) {
        await sleep(2);
        hostWaitMs += 2;
        continue;
      }
      if (shell.waiting?.op !== 'host') {
        // A flash or print step in progress on real I/O: give it a moment.
        await sleep(1);
        if (clock.nextDeadline() === next && !this.shell()?.isIdle()) hostWaitMs += 1;
        if (hostWaitMs < HOST_PATIENCE_MS) continue;
      }
      // Nothing moves without time: let the next timer (a link timeout) fire.
      if (next === undefined) return;
      clock.advance(next);
      hostWaitMs = 0;
    }
    throw new Error('the simulated terminal did not settle');
  }

  private async settleOnSystemClock(): Promise<void> {
    const start = Date.now();
    await sleep(30);
    while (Date.now() - start < SYSTEM_SETTLE_LIMIT_MS) {
      this.observe?.();
      const shell = this.shell();
      if (!shell || shell.halted || shell.isIdle()) return;
      await sleep(10);
    }
  }

  /** Lets promise chains and loopback socket events run to completion. */
  private async drainIo(): Promise<void> {
    for (let i = 0; i < 4; i++) await nextTurn();
  }
}
