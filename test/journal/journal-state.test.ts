import { describe, expect, it } from 'vitest';
import { JournalState, type RecordEffect } from '../../firmware/journal/journal-state.js';
import type { JournalRecord } from '../../firmware/journal/record-codec.js';
import type { NewTransaction } from '../../firmware/journal/journal.js';
import { APPROVAL, sale } from './sample-transactions.js';

/**
 * JournalState's accounting, which capacity() and GC decide from: liveBytes() is what the live
 * records occupy (the inspector prints it as "live N of M bytes"), isLive() is what GC must carry,
 * decidesRemovedStatus() is which dead records GC keeps as status tombstones (FORMAT.md, "Removal").
 * Frame sizes here are distinct powers of two, so every sum names the records it counted.
 */
function beginOf(tx: NewTransaction): JournalRecord {
  const { pan: _pan, ...request } = tx.request;
  return { kind: 'begin', tx: { ...tx, request: { ...request, sealedPan: new Uint8Array([1]) } } };
}

/** Applies records in order with sequence numbers 1, 2, ...; returns each record's effect by seq. */
function fold(state: JournalState, records: [JournalRecord, number][]): Map<number, RecordEffect> {
  const effects = new Map<number, RecordEffect>();
  let seq = 0;
  for (const [record, bytes] of records) {
    seq++;
    effects.set(seq, state.apply(record, seq, bytes));
  }
  return effects;
}

describe('JournalState live bytes', () => {
  it("count each counter's newest record once, for all three counters", () => {
    const state = new JournalState(0);
    fold(state, [
      [{ kind: 'counter', counter: 'stan', value: 1 }, 1],
      [{ kind: 'counter', counter: 'voucher', value: 1 }, 2],
      [{ kind: 'counter', counter: 'batch', value: 1 }, 4],
      [{ kind: 'counter', counter: 'stan', value: 2 }, 8],
    ]);
    // The first STAN record is garbage once the second lands.
    expect(state.liveBytes()).toBe(2 + 4 + 8);
  });

  it("count a transaction's begin and its later records, and only the newest tries record", () => {
    const state = new JournalState(0);
    fold(state, [
      [beginOf(sale(1)), 16],
      [{ kind: 'require-reversal', stan: 1, reason: '98' }, 32],
      [{ kind: 'reversal-tried', stan: 1, tries: 1 }, 64],
      [{ kind: 'reversal-tried', stan: 1, tries: 2 }, 128],
      [{ kind: 'reversal-acked', stan: 1 }, 256],
    ]);
    expect(state.liveBytes()).toBe(16 + 32 + 128 + 256);
  });

  it('drop a settled transaction and charge the approve of a void to the void, once', () => {
    const state = new JournalState(0);
    fold(state, [
      [beginOf(sale(1)), 16],
      [{ kind: 'approve', stan: 1, approval: APPROVAL }, 32],
      [beginOf(sale(2, { type: 'void', original: { voucherNo: 1, batchNo: 1 } })), 64],
      [{ kind: 'approve', stan: 2, approval: APPROVAL, voidsStan: 1 }, 128],
    ]);
    expect(state.liveBytes()).toBe(16 + 32 + 64 + 128);
    fold(state, [[{ kind: 'settle', batchNo: 1, nextBatch: 2 }, 256]]);
    expect(state.liveBytes()).toBe(256);
  });
});

describe('JournalState transaction room (what capacity() counts)', () => {
  it("a live transaction holds its begin and its follow-up room, which its later records are drawn from, not added to", () => {
    const state = new JournalState(1024);
    fold(state, [[beginOf(sale(1)), 16]]);
    expect(state.transactionRoom()).toBe(16 + 1024);
    fold(state, [
      [{ kind: 'approve', stan: 1, approval: APPROVAL }, 32],
      [{ kind: 'require-reversal', stan: 1, reason: '96' }, 64],
      [{ kind: 'reversal-tried', stan: 1, tries: 1 }, 128],
      [{ kind: 'reversal-tried', stan: 1, tries: 2 }, 256],
      [{ kind: 'reversal-failed', stan: 1 }, 512],
    ]);
    expect(state.liveBytes()).toBe(16 + 32 + 64 + 256 + 512);
    expect(state.transactionRoom()).toBe(16 + 1024);
  });

  it('later records beyond the room count for what they occupy', () => {
    const state = new JournalState(100);
    fold(state, [
      [beginOf(sale(1)), 16],
      [{ kind: 'require-reversal', stan: 1, reason: '98' }, 64],
      [{ kind: 'reversal-tried', stan: 1, tries: 1 }, 128],
    ]);
    expect(state.transactionRoom()).toBe(16 + 64 + 128);
    // The superseded tries record is garbage: back within the room.
    fold(state, [[{ kind: 'reversal-tried', stan: 1, tries: 2 }, 32]]);
    expect(state.transactionRoom()).toBe(16 + 100);
  });

  it('counter records take none of it: the engine takes a STAN between asking capacity() and begin', () => {
    const state = new JournalState(1024);
    fold(state, [[beginOf(sale(1)), 16]]);
    fold(state, [
      [{ kind: 'counter', counter: 'stan', value: 2 }, 32],
      [{ kind: 'counter', counter: 'batch', value: 1 }, 64],
      [{ kind: 'counter', counter: 'voucher', value: 2 }, 128],
      [{ kind: 'counter', counter: 'stan', value: 65536 }, 256],
    ]);
    expect(state.transactionRoom()).toBe(16 + 1024);
  });

  it('a settled transaction, and one whose STAN a later begin takes, hold nothing', () => {
    const state = new JournalState(1024);
    fold(state, [
      [beginOf(sale(1)), 16],
      [{ kind: 'approve', stan: 1, approval: APPROVAL }, 32],
      [beginOf(sale(2)), 64],
      [{ kind: 'require-reversal', stan: 2, reason: '98' }, 2048],
    ]);
    expect(state.transactionRoom()).toBe(16 + 1024 + 64 + 2048);
    fold(state, [[{ kind: 'settle', batchNo: 1, nextBatch: 2 }, 16]]);
    // The reversal owed stays (R4); its STAN comes back once it is done and settled, on replay.
    expect(state.transactionRoom()).toBe(64 + 2048);
    fold(state, [[beginOf(sale(2, { batchNo: 2 })), 128]]);
    expect(state.transactionRoom()).toBe(128 + 1024);
  });
});

describe('JournalState liveness (what GC carries)', () => {
  it('the newest settle record stays live after a batch counter record takes over the batch number', () => {
    const state = new JournalState(0);
    const effects = fold(state, [
      [{ kind: 'settle', batchNo: 1, nextBatch: 2 }, 16],
      [{ kind: 'settle', batchNo: 2, nextBatch: 3 }, 16],
      [{ kind: 'counter', counter: 'batch', value: 9 }, 16],
    ]);
    // Rule 2 of FORMAT.md "Removal": without it, a settled transaction whose begin GC carried comes back.
    expect(state.isLive(2, effects.get(2)!)).toBe(true);
    expect(state.isLive(1, effects.get(1)!)).toBe(false);
    expect(state.isLive(3, effects.get(3)!)).toBe(true);
  });

  it('a superseded tries record is dead while the newest one is live', () => {
    const state = new JournalState(0);
    const effects = fold(state, [
      [beginOf(sale(1)), 16],
      [{ kind: 'require-reversal', stan: 1, reason: '98' }, 16],
      [{ kind: 'reversal-tried', stan: 1, tries: 1 }, 16],
      [{ kind: 'reversal-tried', stan: 1, tries: 2 }, 16],
    ]);
    expect([1, 2, 3, 4].map((seq) => state.isLive(seq, effects.get(seq)!))).toEqual([true, true, false, true]);
  });

  it("only a removed transaction's status records decide its status: not its begin, tries or printed records", () => {
    const state = new JournalState(0);
    const effects = fold(state, [
      [beginOf(sale(1)), 16],
      [{ kind: 'require-reversal', stan: 1, reason: '98' }, 16],
      [{ kind: 'reversal-tried', stan: 1, tries: 1 }, 16],
      [{ kind: 'reversal-acked', stan: 1 }, 16],
      [{ kind: 'printed', stan: 1 }, 16],
      [{ kind: 'settle', batchNo: 1, nextBatch: 2 }, 16],
    ]);
    expect([1, 2, 3, 4, 5].map((seq) => state.decidesRemovedStatus(effects.get(seq)!))).toEqual([[], [1], [], [1], []]);
  });
});

describe('JournalState counters after a loss (advanceAfterLoss)', () => {
  it('a loss bound past a whole STAN lap jumps as far as it can without wrapping: the next STAN is one handed out a lap ago, not one just after', () => {
    // Any number may have been handed out in such a loss; the farthest jump short of a lap (999,997)
    // leaves the counter at 498 from 500, so the next STAN, 499, is the oldest of them. A jump of
    // a lap or more would wrap to just past 500, the numbers most likely handed out last.
    const state = new JournalState(0);
    fold(state, [[{ kind: 'counter', counter: 'stan', value: 500 }, 1]]);
    expect(state.advanceAfterLoss(999_998)).toMatchObject({ stan: 500 });
    expect(state.counters.stan).toBe(498);
    const small = new JournalState(0);
    fold(small, [[{ kind: 'counter', counter: 'stan', value: 500 }, 1]]);
    small.advanceAfterLoss(20);
    expect(small.counters.stan).toBe(521);
  });
});
