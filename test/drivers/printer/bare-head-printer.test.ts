import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import type { IoPlugin } from '../../../firmware/hal/io-plugin.js';
import { BareHeadPrinter, thermistorOnAnalogPin, type AnalogIo, type BareHeadPins } from '../../../firmware/drivers/printer/bare-head-printer.js';
import { loadReceiptFont } from '../../../firmware/drivers/printer/bitmap-font.js';
import { HALF_STEP_COILS } from '../../../firmware/drivers/printer/head-planner.js';
import { ROWS_PER_LINE, rasteriseLines } from '../../../firmware/drivers/printer/rasteriser.js';
import { layoutReceipt } from '../../../firmware/drivers/printer/receipt-layout.js';
import { runOnVirtualClock } from './fake-escpos-module.js';
import { REVERSAL_FAILED } from './sample-jobs.js';

const PINS: BareHeadPins = {
  clock: 2,
  data: 3,
  latch: 4,
  strobes: [5, 6, 7, 8, 9, 10],
  stepper: [11, 12, 13, 14],
  paperSensor: 15,
};

/** A pin-level model of the head on the far side of the IO plugin: it sees only digitalWrite calls. */
class PinLevelHead {
  readonly levels = new Map<number, number>();
  register: number[] = Array(384).fill(0);
  latched: number[] = Array(384).fill(0);
  halfSteps = 0;
  phase = 0;
  maxFiring = 0;
  readonly burnt: number[][] = [];
  paperCallback: ((v: number) => void) | undefined;
  onHalfStep: (halfSteps: number) => void = () => undefined;

  readonly io = {
    pinMode: () => undefined,
    digitalRead: (pin: number, cb: (v: number) => void) => {
      if (pin === PINS.paperSensor) this.paperCallback = cb;
    },
    digitalWrite: (pin: number, value: number) => this.write(pin, value),
  } as unknown as IoPlugin;

  private write(pin: number, value: number): void {
    const before = this.levels.get(pin) ?? 0;
    this.levels.set(pin, value);
    if (pin === PINS.clock && before === 0 && value === 1) {
      this.register.shift();
      this.register.push(this.levels.get(PINS.data) ?? 0);
    }
    if (pin === PINS.latch && before === 1 && value === 0) this.latched = [...this.register];
    const coil = PINS.stepper.indexOf(pin);
    if (coil >= 0) {
      const pattern = PINS.stepper.map((p) => this.levels.get(p) ?? 0);
      const next = HALF_STEP_COILS[(this.phase + 1) % 8]!;
      if (pattern.every((v, i) => v === next[i])) {
        this.phase = (this.phase + 1) % 8;
        this.halfSteps++;
        this.onHalfStep(this.halfSteps);
      }
    }
    this.fire();
  }

  private fire(): void {
    const firing: number[] = [];
    PINS.strobes.forEach((pin, g) => {
      if (this.levels.get(pin)) for (let x = g * 64; x < g * 64 + 64; x++) if (this.latched[x]) firing.push(x);
    });
    if (firing.length === 0) return;
    this.maxFiring = Math.max(this.maxFiring, firing.length);
    const row = Math.max(0, Math.ceil(this.halfSteps / 4) - 1);
    while (this.burnt.length <= row) this.burnt.push(Array(384).fill(0));
    for (const x of firing) this.burnt[row]![x] = 1;
  }
}

function rowBits(row: Uint8Array): number[] {
  return Array.from({ length: 384 }, (_, x) => ((row[x >> 3]! >> (7 - (x & 7))) & 1));
}

describe('bare head printer on IO pins', () => {
  it('burns exactly the receipt, never over 61 dots at once, and waits on the clock', async () => {
    const head = new PinLevelHead();
    const clock = new VirtualClock();
    const printer = new BareHeadPrinter(head.io, clock, { pins: PINS });
    head.paperCallback!(1);
    expect(await printer.paperPresent()).toBe(true);
    const outcome = await runOnVirtualClock(clock, printer.print(REVERSAL_FAILED));
    expect(outcome).toEqual({ ok: true });
    const raster = rasteriseLines(layoutReceipt(REVERSAL_FAILED), loadReceiptFont());
    expect(head.halfSteps).toBe(raster.length * 4);
    expect(head.maxFiring).toBeGreaterThan(0);
    expect(head.maxFiring).toBeLessThanOrEqual(61);
    raster.forEach((row, i) => expect(head.burnt[i] ?? Array(384).fill(0), `row ${i}`).toEqual(rowBits(row)));
    // The whole job ran on virtual time (>= 2 ms per dot row), and ended with strobes and coils off.
    expect(clock.now()).toBeGreaterThanOrEqual(raster.length * 2);
    for (const pin of [...PINS.strobes, ...PINS.stepper]) expect(head.levels.get(pin)).toBe(0);
  });

  it('stops at the line where the paper sensor reports paper end', async () => {
    const head = new PinLevelHead();
    const clock = new VirtualClock();
    const printer = new BareHeadPrinter(head.io, clock, { pins: PINS });
    head.paperCallback!(1);
    head.onHalfStep = (n) => {
      if (n === 3 * ROWS_PER_LINE * 4) head.paperCallback!(0);
    };
    expect(await runOnVirtualClock(clock, printer.print(REVERSAL_FAILED))).toEqual({ ok: false, reason: 'paper-out', linesPrinted: 3 });
    expect(await printer.paperPresent()).toBe(false);
  });

  it('refuses to print on an overheated head and switches everything off', async () => {
    const head = new PinLevelHead();
    const clock = new VirtualClock();
    const printer = new BareHeadPrinter(head.io, clock, { pins: PINS, readHeadCelsius: async () => 70 });
    expect(await runOnVirtualClock(clock, printer.print(REVERSAL_FAILED))).toEqual({ ok: false, reason: 'overheat', linesPrinted: 0 });
    expect(head.burnt).toEqual([]);
  });

  it('reads the head temperature from a thermistor on an analog pin', async () => {
    let report: ((v: number) => void) | undefined;
    const io = { analogRead: (_pin: number, cb: (v: number) => void) => (report = cb) } as unknown as AnalogIo;
    const read = thermistorOnAnalogPin(io, 0);
    await expect(read()).rejects.toThrow(/no thermistor reading yet/);
    report!(511.5);
    expect(await read()).toBeCloseTo(25, 6);
    expect(() => thermistorOnAnalogPin({} as AnalogIo, 0)).toThrow(/cannot read analog pins/);
  });

  it('refuses wiring mistakes', () => {
    const head = new PinLevelHead();
    expect(() => new BareHeadPrinter(head.io, new VirtualClock(), { pins: { ...PINS, strobes: [5, 6, 7] } })).toThrow(/6 strobe groups need as many strobe pins/);
    expect(() => new BareHeadPrinter(head.io, new VirtualClock(), { pins: { ...PINS, data: 2 } })).toThrow(/a pin is used twice/);
  });
});
