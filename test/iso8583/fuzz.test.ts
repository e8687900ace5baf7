import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../firmware/iso8583/codec.js';
import { fuzzIso8583 } from '../../tools/fuzz/iso8583-fuzz.js';

describe('ISO 8583 fuzzer', () => {
  it('20,000 iterations of random and mutated input: nothing but Iso8583Error, every accepted input canonical', () => {
    const report = fuzzIso8583({ iterations: 20_000, seed: 8583, hangMs: Infinity });
    expect(report.failures).toEqual([]);
    expect(report.crashes).toBe(0);
    // The mutations must reach past the first bytes: some inputs are accepted, most rejected.
    expect(report.accepted).toBeGreaterThan(500);
    expect(report.accepted).toBeLessThan(19_000);
  });

  it('counts a decoder that throws something else as a crash', () => {
    let calls = 0;
    const report = fuzzIso8583({
      iterations: 200,
      seed: 1,
      decode: (bytes) => {
        if (++calls % 10 === 0) throw new TypeError('planted');
        return decodeMessage(bytes);
      },
    });
    expect(report.crashes).toBeGreaterThanOrEqual(15);
    expect(report.failures[0]).toMatch(/^crash: threw TypeError: planted input=/);
  });

  it('counts an iteration that takes longer than hangMs by its clock as a hang', () => {
    let tick = 0;
    // Two readings per iteration, each 1 ms later; the 16th (the end of iteration 8) comes 100 ms late.
    const now = () => (++tick === 16 ? (tick += 100) : tick);
    const report = fuzzIso8583({ iterations: 20, seed: 2, hangMs: 50, now });
    expect(report.hangs).toBe(1);
    expect(report.failures).toEqual([expect.stringMatching(/^hang: /)]);
  });
});
