/**
 * Runs an LCD controller's steps in order without blocking: writes go to the bus at once, waits
 * (power-up, clear/home) become Clock timers that also cover the wire time the bus still owes.
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
        this.timer = this.clock.setTimer(step.ms + this.bus.drainMs(), () => {
          this.timer = undefined;
          this.run();
        });
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
