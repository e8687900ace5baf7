/**
 * Runs callbacks at given board times, strictly in the order they were scheduled for equal or
 * increasing times, with one clock timer armed at a time. Wire messages must arrive in order even
 * when the clock's own timers round or reorder nearby deadlines (setTimeout has 1 ms resolution).
 */
import type { Clock, TimerHandle } from '../clock.js';

export class OrderedTimeline {
  private readonly queue: { atUs: number; run: () => void }[] = [];
  private timer: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  get pending(): number {
    return this.queue.length;
  }

  at(atUs: number, run: () => void): void {
    // Never run before something scheduled earlier: times only move forward along the queue.
    const last = this.queue[this.queue.length - 1];
    this.queue.push({ atUs: last ? Math.max(atUs, last.atUs) : atUs, run });
    this.arm();
  }

  cancelAll(): void {
    this.queue.length = 0;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    const delayMs = Math.max(0, this.queue[0]!.atUs / 1000 - this.clock.now());
    this.timer = this.clock.setTimer(delayMs, () => {
      this.timer = undefined;
      this.runDue();
    });
  }

  private runDue(): void {
    const nowUs = this.clock.now() * 1000;
    while (this.queue.length > 0 && this.queue[0]!.atUs <= nowUs + 1e-6) this.queue.shift()!.run();
    this.arm();
  }
}
