import { describe, expect, it } from 'vitest';
import { FaultPlan } from '../../tools/host-sim/fault-plan.js';

const req = (index: number, mti = '0200', stan = String(index).padStart(6, '0')) => ({ index, mti, stan, terminalId: '10000159' });

describe('fault plan', () => {
  it('applies scripted faults by index, MTI and STAN, each as many times as asked', () => {
    const plan = new FaultPlan({
      scripted: [
        { kind: 'drop', requestIndex: 1 },
        { kind: 'garble', mti: '0400', times: 2 },
        { kind: 'delay', stan: '000007', delayMs: 1500 },
      ],
    });
    expect(plan.decide(req(0))).toBeUndefined();
    expect(plan.decide(req(1))).toMatchObject({ kind: 'drop' });
    expect(plan.decide(req(2, '0400'))?.kind).toBe('garble');
    expect(plan.decide(req(3, '0400'))?.kind).toBe('garble');
    expect(plan.decide(req(4, '0400'))).toBeUndefined();
    expect(plan.decide(req(7))).toEqual({ kind: 'delay', delayMs: 1500 });
    expect(plan.decide(req(7))).toBeUndefined();
    expect(plan.applied.map((a) => a.index)).toEqual([1, 2, 3, 7]);
  });

  it('replays random faults from the seed at about the asked rate', () => {
    const run = () => {
      const plan = new FaultPlan({ random: { seed: 42, rate: 0.2, kinds: ['drop', 'wrong-mac'] } });
      return Array.from({ length: 1000 }, (_, i) => plan.decide(req(i))?.kind ?? '-');
    };
    const a = run();
    expect(run()).toEqual(a);
    const hits = a.filter((k) => k !== '-').length;
    expect(hits).toBeGreaterThan(150);
    expect(hits).toBeLessThan(250);
    expect(new Set(a)).toEqual(new Set(['-', 'drop', 'wrong-mac']));
  });

  it('refuses unknown kinds and rates outside [0, 1]', () => {
    expect(() => new FaultPlan({ scripted: [{ kind: 'explode' as never }] })).toThrow(/unknown fault kind/);
    expect(() => new FaultPlan({ random: { seed: 1, rate: 1.5 } })).toThrow(/rate/);
    expect(() => new FaultPlan({ scripted: [{ kind: 'drop', times: 0 }] })).toThrow(/positive/);
  });
});
