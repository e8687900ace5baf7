/**
 * Runs an LCD controller's steps in order without blocking: writes go to the bus at once, waits
 * (power-up, clear/home) become Clock timers that start once the bus has confirmed the writes before
 * them reached the controller (on a shared Firmata wire other devices' requests can hold them back
 * for any time), or on a bus that owns its link after the wire time it still owes.
 */
import type { Clock, TimerHandle } from '../../hal/clock.js';
import type { LcdBus, LcdWrite } from './lcd-bus.js';

export type LcdStep =
  | { kind: 'wake-up-nibble'; nibble: number }
  | { kind: 'write'; items: readonly LcdWrite[] }
  | { kind: 'wait'; ms: number };

export class LcdStepQueue {
  private readonly steps: LcdStep[] = [];
  private timer: TimerHandle | undefined;
  private idleWaiters: (() => void)[] = [];

  /** `onIdle` runs whenever the queue empties, so the display can send what changed meanwhile. */
  constructor(
    private readonly bus: LcdBus,
    private readonly clock: Clock,
    private readonly onIdle: () => void,
  ) {}

  get busy(): boolean {
    return this.timer !== undefined || this.steps.length > 0;
  }

  push(...steps: LcdStep[]): void {
    this.steps.push(...steps);
    if (this.timer === undefined) this.run();
  }

  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private run(): void {
    while (this.steps.length > 0) {
      const step = this.steps.shift()!;
      if (step.kind === 'wait') {
        const after = (ms: number) => {
          this.timer = this.clock.setTimer(ms, () => {
            this.timer = undefined;
            this.run();
          });
        };
        if (this.bus.reached) {
          // Busy meanwhile: a placeholder timer keeps new steps queued behind this wait.
          this.timer = { id: -1 };
          void this.bus.reached().then(() => after(step.ms));
        } else after(step.ms + this.bus.drainMs());
        return;
      }
      if (step.kind === 'wake-up-nibble') this.bus.writeWakeUpNibble(step.nibble);
      else this.batchWrites(step.items);
    }
    this.onIdle();
    if (!this.busy) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Joins consecutive write steps into one bus write, so the bus can fill its transactions. */
  private batchWrites(first: readonly LcdWrite[]): void {
    const items = [...first];
    for (let next = this.steps[0]; next?.kind === 'write'; next = this.steps[0]) {
      items.push(...next.items);
      this.steps.shift();
    }
    this.bus.write(items);
  }
}
