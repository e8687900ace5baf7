import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import {
  DEFAULT_HEAD_CONFIG,
  maxDotsAtOnce,
  peakCurrentAmps,
  strobeMillis,
  thermistorCelsius,
  validateHeadConfig,
} from '../../../firmware/drivers/printer/head-config.js';
import { HALF_STEP_COILS, opDurationMs, planHeadRows, type HeadOp } from '../../../firmware/drivers/printer/head-planner.js';
import { HeadSimulator } from '../../../firmware/drivers/printer/head-simulator.js';
import { loadReceiptFont } from '../../../firmware/drivers/printer/bitmap-font.js';
import { ROW_BYTES, rasteriseLines } from '../../../firmware/drivers/printer/rasteriser.js';
import { layoutReceipt } from '../../../firmware/drivers/printer/receipt-layout.js';
import { REVERSAL_FAILED, SALE_RECEIPT, SETTLEMENT } from './sample-jobs.js';

const CFG = DEFAULT_HEAD_CONFIG;
const STROBE = 1.9;

function simulate(rows: Uint8Array[], strobeMs = STROBE, config = CFG): { sim: HeadSimulator; ms: number; ops: HeadOp[] } {
  const plan = planHeadRows(rows, strobeMs, 0, config);
  const sim = new HeadSimulator(config);
  sim.apply(plan.ops);
  return { sim, ms: plan.durationMs, ops: plan.ops };
}

function randomRow(rng: SeededRandom, density: number): Uint8Array {
  const row = new Uint8Array(ROW_BYTES);
  for (let x = 0; x < 384; x++) if (rng.next() < density) row[x >> 3]! |= 0x80 >> (x & 7);
  return row;
}

describe('head electrical limits and strobe table', () => {
  it('allows 61 dots at once at 7.2 V, 176 Ω, 2.5 A', () => {
    expect(maxDotsAtOnce(CFG)).toBe(61);
    expect(peakCurrentAmps(61, CFG)).toBeLessThanOrEqual(2.5);
    expect(peakCurrentAmps(62, CFG)).toBeGreaterThan(2.5);
    expect(maxDotsAtOnce({ ...CFG, supplyVolts: 8.5 })).toBe(51);
  });

  it('strobe time: 1.9 ms nominal, longer cold or at low voltage, shorter hot', () => {
    expect(strobeMillis(25, 7.2)).toBeCloseTo(1.9, 9);
    expect(strobeMillis(-20, 7.2)).toBeCloseTo(2.6, 9);
    expect(strobeMillis(5, 7.2)).toBeCloseTo(2.3, 9);
    expect(strobeMillis(55, 7.2)).toBeCloseTo(1.7, 9);
    expect(strobeMillis(25, 6.0)).toBeCloseTo(1.9 * (7.2 / 6) ** 2, 9);
    expect(strobeMillis(25, 8.4)).toBeLessThan(1.9);
  });

  it('refuses an overheated head, an impossible supply and a bad config', () => {
    expect(() => strobeMillis(70, 7.2)).toThrow(/over 65 °C/);
    expect(() => strobeMillis(25, 12)).toThrow(/outside 6-8.5 V/);
    expect(() => strobeMillis(Number.NaN, 7.2)).toThrow(/not a number/);
    expect(() => validateHeadConfig({ ...CFG, strobeGroups: 5 })).toThrow(/strobeGroups must divide 384/);
    expect(() => validateHeadConfig({ ...CFG, halfStepsPerRow: 0 })).toThrow(/halfStepsPerRow/);
    expect(() => validateHeadConfig({ ...CFG, maxCurrentAmps: 0.01 })).toThrow(/maxCurrentAmps must be > 0|not allow even one dot/);
  });

  it('converts the thermistor ADC reading to °C (beta equation)', () => {
    expect(thermistorCelsius(511.5)).toBeCloseTo(25, 6);
    expect(thermistorCelsius(200)).toBeGreaterThan(50);
    expect(thermistorCelsius(900)).toBeLessThan(0);
    expect(() => thermistorCelsius(0)).toThrow(/open or shorted/);
    expect(() => thermistorCelsius(1023)).toThrow(/open or shorted/);
  });
});

describe('head planner', () => {
  it('never fires more dots at once than the supply allows (random rows, all densities, two supplies)', () => {
    const rng = new SeededRandom(20261122);
    for (const config of [CFG, { ...CFG, supplyVolts: 8.5 }]) {
      const rows = Array.from({ length: 300 }, (_, i) => randomRow(rng, (i % 11) / 10));
      const { sim } = simulate(rows, STROBE, config);
      expect(sim.maxDotsFiring).toBeLessThanOrEqual(maxDotsAtOnce(config));
      expect(sim.maxDotsFiring).toBeGreaterThan(0);
      rows.forEach((row, i) => expect(sim.burnt[i], `row ${i}`).toEqual(row));
    }
  });

  it('burns exactly the receipt raster, row for row, within the limit', () => {
    const font = loadReceiptFont();
    for (const job of [SALE_RECEIPT, REVERSAL_FAILED, SETTLEMENT]) {
      const rows = rasteriseLines(layoutReceipt(job), font);
      const { sim } = simulate(rows);
      expect(sim.maxDotsFiring).toBeLessThanOrEqual(61);
      expect(sim.rowsFed).toBe(rows.length);
      rows.forEach((row, i) => expect(sim.burnt[i] ?? new Uint8Array(ROW_BYTES)).toEqual(row));
    }
  });

  it('a blank row only feeds paper: 4 half-steps at the 0.5 ms minimum = 2 ms', () => {
    const { ms, ops } = simulate([new Uint8Array(ROW_BYTES)]);
    expect(ms).toBeCloseTo(2, 9);
    expect(ops.filter((o) => o.op === 'step')).toHaveLength(4);
    expect(ops.some((o) => o.op === 'strobe' || o.op === 'shift')).toBe(false);
  });

  it('a sparse row is one shift, one latch and one strobe of all its groups together', () => {
    const row = new Uint8Array(ROW_BYTES);
    row[0] = 0xff; // group 0
    row[47] = 0xff; // group 5
    const { ms, ops } = simulate([row]);
    expect(ops.filter((o) => o.op === 'shift')).toHaveLength(1);
    expect(ops.filter((o) => o.op === 'strobe' && o.on)).toEqual([{ op: 'strobe', groups: 0b100001, on: true }]);
    // shift 384 µs + latch 1 µs + strobe 1.9 ms; the 4 half-steps (2 ms) run alongside.
    expect(ms).toBeCloseTo(0.384 + 0.001 + 1.9, 9);
  });

  it('strobes whole groups in turn when they are too many together (dynamic division: one shift)', () => {
    const row = new Uint8Array(ROW_BYTES);
    row.fill(0xff, 0, 6); // 48 dots in group 0
    row.fill(0xff, 24, 30); // 48 dots in group 3
    const { ms, ops, sim } = simulate([row]);
    expect(ops.filter((o) => o.op === 'shift')).toHaveLength(1);
    expect(ops.filter((o) => o.op === 'strobe' && o.on).map((o) => (o as { groups: number }).groups)).toEqual([0b1, 0b1000]);
    expect(sim.maxDotsFiring).toBe(48);
    expect(ms).toBeCloseTo(0.385 + 2 * 1.9, 9);
  });

  it('cuts the row into runs of up to 61 dots when that needs fewer strobes than whole groups', () => {
    const row = new Uint8Array(ROW_BYTES);
    for (let g = 0; g < 6; g++) row.fill(0xff, g * 8, g * 8 + 5); // 40 dots in each group: 6 group strobes
    const { ms, ops, sim } = simulate([row]);
    expect(ops.filter((o) => o.op === 'shift')).toHaveLength(4); // ceil(240 / 61)
    expect(sim.maxDotsFiring).toBe(61);
    expect(ms).toBeCloseTo(4 * (0.385 + 1.9), 9);
  });

  it('splits a group that is over the limit on its own: a black row takes ceil(384 / 61) = 7 burns', () => {
    const { ops, sim, ms } = simulate([new Uint8Array(ROW_BYTES).fill(0xff)]);
    expect(ops.filter((o) => o.op === 'strobe' && o.on)).toHaveLength(7);
    expect(sim.maxDotsFiring).toBe(61);
    expect(sim.burnt[0]).toEqual(new Uint8Array(ROW_BYTES).fill(0xff));
    expect(ms).toBeCloseTo(7 * (0.385 + 1.9), 9);
  });

  it('plan time equals the sum of op durations, and steps walk the 8-phase half-step sequence', () => {
    const rows = rasteriseLines(layoutReceipt(SALE_RECEIPT).slice(0, 3), loadReceiptFont());
    const plan = planHeadRows(rows, STROBE, 6);
    expect(plan.ops.reduce((ms, op) => ms + opDurationMs(op, CFG), 0)).toBeCloseTo(plan.durationMs, 6);
    const phases = plan.ops.flatMap((o) => (o.op === 'step' ? [o.phase] : []));
    expect(phases).toHaveLength(rows.length * 4);
    expect(phases.slice(0, 4)).toEqual([7, 0, 1, 2]);
    expect(plan.endPhase).toBe(phases.at(-1));
    // Consecutive half-step phases differ by exactly one coil.
    for (let p = 0; p < 8; p++) {
      const a = HALF_STEP_COILS[p]!;
      const b = HALF_STEP_COILS[(p + 1) % 8]!;
      expect(a.filter((v, i) => v !== b[i])).toHaveLength(1);
    }
  });

  it('the strobe is off whenever a new row is latched', () => {
    const rng = new SeededRandom(7);
    const { ops } = simulate(Array.from({ length: 50 }, () => randomRow(rng, 0.5)));
    let on = 0;
    for (const op of ops) {
      if (op.op === 'strobe') on = op.on ? on | op.groups : on & ~op.groups;
      if (op.op === 'latch' || op.op === 'shift') expect(on).toBe(0);
    }
    expect(on).toBe(0);
  });

  it('a typical sale receipt prints at >= 30 mm/s at 25 °C and 7.2 V', () => {
    const rows = rasteriseLines(layoutReceipt(SALE_RECEIPT), loadReceiptFont());
    const { ms } = simulate(rows, strobeMillis(25, 7.2));
    const mmPerS = rows.length / 8 / (ms / 1000);
    expect(mmPerS).toBeGreaterThanOrEqual(30);
  });

  it('refuses bad input', () => {
    expect(() => planHeadRows([new Uint8Array(47)], STROBE)).toThrow(/48 bytes/);
    expect(() => planHeadRows([], 0)).toThrow(/strobe time must be > 0/);
    expect(() => planHeadRows([], STROBE, 8)).toThrow(/phase must be 0-7/);
  });
});
