/**
 * Clocks: the system clock for the board and a virtual clock for simulations. The contract itself
 * (Clock, TimerHandle) is a port in firmware/ports/clock.ts, shared with the app.
 */
import type { Clock, TimerHandle } from '../ports/clock.js';

export type { Clock, TimerHandle };

export class SystemClock implements Clock {
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private nextId = 1;
  now(): number {
    return performance.now();
  }
  wallTime(): Date {
    return new Date();
  }
  setTimer(ms: number, callback: () => void): TimerHandle {
    const id = this.nextId++;
    const deadline = this.now() + Math.max(0, ms);
    const arm = (wait: number) => {
      const t = setTimeout(() => {
        // Node starts a timer from the event loop's cached time, so it can fire up to a millisecond
        // before now() reaches the deadline; whoever compares now() with it (the engine's input
        // timeouts) would take the timer for early and wait for one that never comes.
        const left = deadline - this.now();
        if (left > 0) return arm(left);
        this.timers.delete(id);
        callback();
      }, wait);
      this.timers.set(id, t);
    };
    arm(Math.max(0, ms));
    return { id };
  }
  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(handle.id);
  }
}

/** A clock that moves only when told to. Timers fire in deadline order, ties in creation order. */
export class VirtualClock implements Clock {
  private current = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  constructor(private readonly epoch: Date = new Date('2026-11-22T09:00:00+08:00')) {}

  now(): number {
    return this.current;
  }
  wallTime(): Date {
    return new Date(this.epoch.getTime() + this.current);
  }
  setTimer(ms: number, callback: () => void): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { at: this.current + Math.max(0, ms), callback });
    return { id };
  }
  clearTimer(handle: TimerHandle | undefined): void {
    if (handle) this.pending.delete(handle.id);
  }
  /** Milliseconds until the next timer, or undefined when none is set. */
  nextDeadline(): number | undefined {
    let best: number | undefined;
    for (const t of this.pending.values()) if (best === undefined || t.at < best) best = t.at;
    return best === undefined ? undefined : best - this.current;
  }
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Infinity;
      for (const [id, t] of this.pending) {
        if (t.at <= target && (t.at < dueAt || (t.at === dueAt && id < (dueId ?? Infinity)))) {
          dueId = id;
          dueAt = t.at;
        }
      }
      if (dueId === undefined) break;
      const timer = this.pending.get(dueId)!;
      this.pending.delete(dueId);
      this.current = Math.max(this.current, timer.at);
      timer.callback();
    }
    this.current = target;
  }
}
