import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../firmware/iso8583/codec.js';
import { parseFuzzArgs } from '../../tools/fuzz/fuzz-args.js';
import { fuzzIso8583 } from '../../tools/fuzz/iso8583-fuzz.js';
import { iterationsFor } from '../mutation-budget.js';

const ITERATIONS = iterationsFor(20_000);

describe('ISO 8583 fuzzer', () => {
  it(`${ITERATIONS} iterations of random and mutated input: nothing but Iso8583Error, every accepted input canonical`, () => {
    const report = fuzzIso8583({ iterations: ITERATIONS, seed: 8583, hangMs: Infinity });
    expect(report.failures).toEqual([]);
    expect(report.crashes).toBe(0);
    // The mutations must reach past the first bytes: some inputs are accepted, most rejected.
    expect(report.accepted).toBeGreaterThan(ITERATIONS / 40);
    expect(report.accepted).toBeLessThan(ITERATIONS * 0.95);
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

  it('counts an input that is slow on every try as a hang', () => {
    let tick = 0;
    let pending = 0;
    // The clock advances 1 ms per reading, plus 100 ms after a decode of an input of even length.
    const now = () => (tick += 1 + pending, pending = 0, tick);
    const decode = (bytes: Uint8Array) => {
      if (bytes.length % 2 === 0) pending = 100;
      return decodeMessage(bytes);
    };
    const report = fuzzIso8583({ iterations: 50, seed: 2, hangMs: 50, now, decode });
    expect(report.hangs).toBeGreaterThan(0);
    expect(report.failures.every((f) => /^hang: 10\d\.0 ms on each of 4 tries input=([0-9a-f]{4})*$/.test(f))).toBe(true);
  });

  it('does not count one slow reading (the machine, not the decoder) as a hang', () => {
    let tick = 0;
    // Two readings per iteration; the 16th (the end of iteration 8) comes 100 ms late.
    const now = () => (++tick === 16 ? (tick += 100) : tick);
    const report = fuzzIso8583({ iterations: 20, seed: 2, hangMs: 50, now });
    expect(tick).toBeGreaterThan(140);
    expect(report.hangs).toBe(0);
  });
});

describe('fuzzer command line', () => {
  it('reads --iterations, --seed and --hang-ms, with defaults', () => {
    expect(parseFuzzArgs(['--iterations', '20000'], 9)).toEqual({ iterations: 20000, seed: 9, hangMs: 50 });
    expect(parseFuzzArgs(['--seed', '5', '--hang-ms', '80', '--iterations', '1'], 9)).toEqual({ iterations: 1, seed: 5, hangMs: 80 });
  });
  it('rejects unknown options and bad numbers clearly', () => {
    expect(() => parseFuzzArgs(['--iters', '5'], 0)).toThrow(/unknown option --iters/);
    expect(() => parseFuzzArgs(['--iterations'], 0)).toThrow(/--iterations needs a non-negative integer, got nothing/);
    expect(() => parseFuzzArgs(['--iterations', '1e3x'], 0)).toThrow(/got "1e3x"/);
    expect(() => parseFuzzArgs(['--seed', '-1'], 0)).toThrow(/--seed needs a non-negative integer/);
  });
});
