/**
 * Runs a virtual clock until a promise settles, letting callbacks due on the next event-loop turn
 * (an IO plugin's replies) run between steps. `stepMs` advances by a fixed amount (for boards that
 * schedule their own replies on the clock); by default the clock jumps to its next timer.
 */
import type { VirtualClock } from '../../firmware/hal/clock.js';

export async function runUntilSettled<T>(clock: VirtualClock, promise: Promise<T>, stepMs?: number): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 100_000 && !settled; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (settled) break;
    const step = stepMs ?? clock.nextDeadline();
    if (step !== undefined) clock.advance(step);
  }
  return promise;
}
