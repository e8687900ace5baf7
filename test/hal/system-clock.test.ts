import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/hal/clock.js';

describe('SystemClock', () => {
  it('never runs a timer before now() has reached its deadline (Node timers start from the cached loop time)', async () => {
    const clock = new SystemClock();
    const early: number[] = [];
    const fired = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const ms = 1 + i * 0.37;
        const deadline = clock.now() + ms;
        return new Promise<number>((resolve) =>
          clock.setTimer(ms, () => {
            if (clock.now() < deadline) early.push(deadline - clock.now());
            resolve(i);
          }),
        );
      }),
    );
    expect(fired).toHaveLength(40);
    expect(early).toEqual([]);
  });
});
