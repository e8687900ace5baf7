import { describe, expect, it } from 'vitest';
import { runDay, type DayEvent } from './harness/day-run.js';
import { describeFailure } from './harness/failure-report.js';
import { shrinkEvents } from './harness/shrink.js';
import type { SimTerminal } from './harness/sim-terminal.js';
import { LedgerOracle } from './harness/ledger-oracle.js';
import { IssuerLedger } from '../../tools/host-sim/issuer-ledger.js';
import type { JournalTransaction } from '../../firmware/journal/journal.js';

/** A short day: sign-in, four sales, a balance inquiry, settlement. */
function shortDay(cutSale?: number): DayEvent[] {
  const events: DayEvent[] = [{ action: { do: 'sign-in' } }];
  for (let i = 1; i <= 4; i++) {
    const event: DayEvent = { action: { do: 'sale', amountFen: 1000 + i, card: i % 3 } };
    if (i === cutSale) event.cut = { request: 0, at: 'host-applied' };
    events.push(event);
  }
  events.push({ action: { do: 'balance', card: 0 } }, { action: { do: 'settle' } });
  return events;
}

/** Runs the short day in a world broken on purpose, to prove the oracle sees it. */
async function brokenDay(breakIt: (term: SimTerminal) => void, cutSale?: number) {
  return runDay(shortDay(cutSale), { seed: 4, inspect: breakIt });
}

describe('the oracle catches what it must (worlds broken on purpose)', () => {
  it('a clean short day and a cut one pass', async () => {
    expect((await runDay(shortDay(), { seed: 4 })).verdict.oneSided).toEqual([]);
    const cut = await runDay(shortDay(2), { seed: 4 });
    expect(cut.cuts).toBe(1);
    expect(cut.verdict).toEqual({
      oneSided: [], lostApprovals: [], wrongReversals: [], stanReuse: [], manual: 0, unknownRefunds: 0, manualUnlisted: [], receiptsWithoutDebit: [],
      approvalsWithoutReceipt: [], settlementMismatches: [], unnecessaryManual: [], reversalsSkipped: [],
    });
  });

  it('an approval whose receipt never printed is caught', async () => {
    const r = await brokenDay((term) => {
      const print = term.printer.print.bind(term.printer);
      term.printer.print = async (job) => (job.kind === 'transaction' && job.amountFen === 1003 ? { ok: true } : print(job));
    });
    expect(r.verdict.approvalsWithoutReceipt).toEqual(['000001/000004']);
  });

  it("a settlement off the host's books, with nothing in the batch to explain it, is caught", async () => {
    const r = await brokenDay((term) => {
      const records = term.host.issuer.batchRecords.bind(term.host.issuer);
      term.host.issuer.batchRecords = (terminalId, batch) => {
        const all = records(terminalId, batch);
        return all.length > 0 ? [...all, { ...all[0]!, stan: '000999' }] : all;
      };
    });
    expect(r.verdict.settlementMismatches).toHaveLength(1);
    expect(r.verdict.settlementMismatches[0]).toMatch(/^batch 000001: terminal .* host /);
  });

  it('a reversal given up although the host answered 00 is an unnecessary manual handling', async () => {
    const day: DayEvent[] = [
      { action: { do: 'sign-in' } },
      { action: { do: 'sale', amountFen: 777, card: 0 }, faults: ['drop'] },
    ];
    const r = await runDay(day, {
      seed: 5,
      inspect: (term) => {
        const exchange = term.host.exchange.bind(term.host);
        // The terminal is told 96 whatever the host answered (a terminal that misreads 00).
        term.host.exchange = async (request, options) => {
          const result = await exchange(request, options);
          if (request.mti === '0400') result.message.fields[39] = '96';
          return result;
        };
      },
    });
    expect(r.verdict.manual).toBe(1);
    expect(r.verdict.unnecessaryManual).toEqual(['000001/000002']);
  });

  it('a host that answers 0410 00 but never undoes the debit leaves a 单边帐: one-sided', async () => {
    const r = await brokenDay((term) => {
      term.host.ledger.reverse = () => undefined;
    }, 2);
    expect(r.verdict.oneSided).toEqual(['000001/000003']);
  });

  it('approvals that never reach the books are lost approvals', async () => {
    const r = await brokenDay((term) => {
      const post = term.host.ledger.post.bind(term.host.ledger);
      term.host.ledger.post = (input) => {
        const entry = post(input);
        if (input.amountFen === 1003) term.host.ledger.reverse(entry);
        return entry;
      };
    });
    expect(r.verdict.lostApprovals).toEqual(['000001/000004']);
    expect(r.verdict.wrongReversals).toEqual(['000001/000004']);
  });

  it('a terminal that hands out one STAN twice is caught', async () => {
    const r = await brokenDay((term) => {
      const boot = term.boot.bind(term);
      term.boot = async () => {
        await boot();
        const take = term.journal.takeCounter.bind(term.journal);
        let stans = 0;
        term.journal.takeCounter = async (name) => {
          const value = await take(name);
          // The 6th STAN (the balance inquiry, which the journal does not hold) repeats the 5th.
          return name === 'stan' && ++stans === 6 ? value - 1 : value;
        };
      };
    });
    expect(r.verdict.stanReuse).toEqual(['0200 000005']);
  });

  it('a reversal out of tries is counted as manual, with its slip and its line in the settlement report', async () => {
    const day: DayEvent[] = [
      { action: { do: 'sign-in' } },
      { action: { do: 'sale', amountFen: 777, card: 0 }, faults: ['drop', 'drop', 'delay', 'garble'] },
      { action: { do: 'settle' } },
    ];
    const fine = await runDay(day, { seed: 5 });
    expect(fine.verdict).toMatchObject({ oneSided: [], manual: 1, manualUnlisted: [] });
    const slipLost = await runDay(day, {
      seed: 5,
      inspect: (term) => {
        const print = term.printer.print.bind(term.printer);
        term.printer.print = async (job) => (job.kind === 'reversal-failed' ? { ok: true } : print(job));
      },
    });
    expect(slipLost.verdict.manualUnlisted).toEqual(['000001/000002']);
  });

  it('a receipt printed for a transaction the issuer does not hold is caught (R2: record, then print)', async () => {
    const r = await brokenDay((term) => {
      const print = term.printer.print.bind(term.printer);
      term.printer.print = async (job) => print(job.kind === 'transaction' && job.amountFen === 1002 ? { ...job, voucherNo: '000999' } : job);
    });
    expect(r.verdict.receiptsWithoutDebit).toEqual(['000001/000999']);
  });

  it('a boot that lets another request out before the reversal its flash image owed is caught (R5)', () => {
    const oracle = new LedgerOracle();
    const pending = { type: 'sale', stan: 7, voucherNo: 7, batchNo: 1, amountFen: 100, status: 'pending', reversible: true, reversalTries: 0, printed: false } as unknown as JournalTransaction;
    oracle.observeBoot([pending], 3);
    const sent = [{ mti: '0800' }, { mti: '0200' }, { mti: '0200' }, { mti: '0800', stan: '000008', batch: undefined }, { mti: '0400', stan: '000007', batch: '000001' }];
    const verdict = oracle.check({ ledger: new IssuerLedger(), sent: sent.map((r) => ({ stan: undefined, batch: undefined, ...r })) }, [], [], { cuts: 1 });
    expect(verdict.reversalsSkipped).toEqual(['boot 1: 0800 went out before the reversal of 000001/000007']);
    const inOrder = new LedgerOracle();
    inOrder.observeBoot([pending], 3);
    const fine = [...sent.slice(0, 3), sent[4]!, sent[3]!];
    expect(inOrder.check({ ledger: new IssuerLedger(), sent: fine.map((r) => ({ stan: undefined, batch: undefined, ...r })) }, [], [], { cuts: 1 }).reversalsSkipped).toEqual([]);
  });

  it('a failure prints its seed and a shorter trace that still fails', async () => {
    const report = await describeFailure(shortDay(2), {
      seed: 4,
      inspect: (term) => {
        term.host.ledger.reverse = () => undefined;
      },
    });
    // The runner signs the operator in by itself: the cut sale alone reproduces it.
    expect(report).toMatch(/^FAILED seed=4 events=7 shortest=1\n/);
    expect(report.split('\n').at(-1)).toBe('{"action":{"do":"sale","amountFen":1002,"card":2},"cut":{"request":0,"at":"host-applied"}}');
    expect(report).toContain('"oneSided":["000001/000002"]');
  });
});

describe('shrinking', () => {
  it('drops every event the failure does not need', async () => {
    const events = Array.from({ length: 40 }, (_, i) => i);
    const shortest = await shrinkEvents(events, async (e) => e.includes(7) && e.includes(31));
    expect(shortest).toEqual([7, 31]);
  });

  it('stops after its budget of re-runs', async () => {
    let runs = 0;
    const shortest = await shrinkEvents(Array.from({ length: 100 }, (_, i) => i), async () => {
      runs++;
      return false;
    }, 10);
    expect(runs).toBe(10);
    expect(shortest).toHaveLength(100);
  });
});
