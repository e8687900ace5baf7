import { expect } from 'vitest';
import type { JournalView } from '../../firmware/journal/journal.js';

/**
 * What a remount must show (FORMAT.md, "Counters at mount"): the same transactions and batch, and
 * the STAN and voucher counters moved ahead of `before` (and of every number its transactions hold)
 * by at most `limit` values, never back.
 */
export function expectRemountOf(after: JournalView, before: JournalView, limit = 64): void {
  expect(after.transactions).toEqual(before.transactions);
  expect(after.counters.batch).toBe(before.counters.batch);
  for (const name of ['stan', 'voucher'] as const) {
    // Mount moves past the counter and past every number a transaction holds (tests begin with their own).
    const held = before.transactions.map((t) => (name === 'stan' ? t.stan : t.voucherNo));
    const base = Math.max(before.counters[name], ...held);
    const distance = (((after.counters[name] - base) % 999999) + 999999) % 999999;
    expect(distance, `${name} ${base} -> ${after.counters[name]}`).toBeLessThanOrEqual(limit);
  }
}
