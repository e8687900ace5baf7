/**
 * Bare 384-dot head backend (thin shell over the head planner): drives CLK/DAT, /LAT, the strobe lines,
 * the 4 stepper coils and reads the paper sensor through IoPlugin pins. Between text lines it checks the
 * paper sensor and the head temperature (strobe time follows the thermistor). Waits go through the Clock,
 * never a busy loop; on a host event loop timers have ~1 ms granularity, so the real pace is slower than
 * the plan's, never faster (a strobe is never cut short). Meant for on-board GPIO (raspi-io / linux-io):
 * over Firmata the 1,152 pin writes per shifted row make it far too slow.
 */
import type { Clock } from '../../hal/clock.js';
import { PinMode, type IoPlugin } from '../../hal/io-plugin.js';
import { loadReceiptFont, type BitmapFont } from './bitmap-font.js';
import {
  DEFAULT_HEAD_CONFIG,
  DEFAULT_THERMISTOR,
  HeadConfigError,
  MAX_HEAD_CELSIUS,
  NOMINAL_CELSIUS,
  strobeMillis,
  thermistorCelsius,
  validateHeadConfig,
  type HeadConfig,
  type ThermistorParams,
} from './head-config.js';
import { HALF_STEP_COILS, planHeadRows, type HeadOp } from './head-planner.js';
import type { PrintJob, PrintOutcome, ReceiptPrinter } from './print-job.js';
import { HEAD_DOTS, dotAt, rasteriseLine } from './rasteriser.js';
import { OneAtATime } from './one-at-a-time.js';
import { layoutReceipt } from './receipt-layout.js';

export interface BareHeadPins {
  clock: number;
  data: number;
  /** /LAT, active low. */
  latch: number;
  /** One strobe pin per group, group 0 (dots 0-63) first; active high. */
  strobes: number[];
  /** Stepper coils A, B, A', B' (through a driver such as a DRV8833). */
  stepper: [number, number, number, number];
  paperSensor: number;
}

export interface BareHeadOptions {
  pins: BareHeadPins;
  headConfig?: HeadConfig;
  /** Sensor level with paper present. Default 1. */
  paperPresentLevel?: 0 | 1;
  /** Head temperature source; default a fixed 25 °C (no thermistor fitted). */
  readHeadCelsius?: () => Promise<number>;
  font?: BitmapFont;
}

/** IO plugins that can read an ADC pin (johnny-five's analogRead: continuous reports). */
export type AnalogIo = IoPlugin & { analogRead?(pin: number, callback: (value: number) => void): void };

/** A head-temperature source from a thermistor on an analog pin (latest reported value). */
export function thermistorOnAnalogPin(
  io: AnalogIo,
  analogPin: number,
  params: ThermistorParams = DEFAULT_THERMISTOR,
): () => Promise<number> {
  if (typeof io.analogRead !== 'function') throw new Error('this IO plugin cannot read analog pins (thermistor)');
  let latest: number | undefined;
  io.analogRead(analogPin, (value) => {
    latest = value;
  });
  return async () => {
    if (latest === undefined) throw new HeadConfigError('no thermistor reading yet');
    return thermistorCelsius(latest, params);
  };
}

export class BareHeadPrinter implements ReceiptPrinter {
  private readonly config: HeadConfig;
  private readonly font: BitmapFont;
  private readonly presentLevel: 0 | 1;
  private readonly readHeadCelsius: () => Promise<number>;
  /** Last reported sensor level; undefined until the first report (then assumed present). */
  private paperLevel: number | undefined;
  private stepperPhase = 0;
  private readonly queue = new OneAtATime();

  constructor(
    private readonly io: IoPlugin,
    private readonly clock: Clock,
    private readonly options: BareHeadOptions,
  ) {
    this.config = options.headConfig ?? DEFAULT_HEAD_CONFIG;
    validateHeadConfig(this.config);
    const { pins } = options;
    if (pins.strobes.length !== this.config.strobeGroups) {
      throw new HeadConfigError(`${this.config.strobeGroups} strobe groups need as many strobe pins (got ${pins.strobes.length})`);
    }
    const used = [pins.clock, pins.data, pins.latch, ...pins.strobes, ...pins.stepper, pins.paperSensor];
    if (new Set(used).size !== used.length) throw new HeadConfigError('a pin is used twice');
    this.font = options.font ?? loadReceiptFont();
    this.presentLevel = options.paperPresentLevel ?? 1;
    this.readHeadCelsius = options.readHeadCelsius ?? (async () => NOMINAL_CELSIUS);
    for (const pin of [pins.clock, pins.data, pins.latch, ...pins.strobes, ...pins.stepper]) io.pinMode(pin, PinMode.OUTPUT);
    for (const pin of [pins.clock, pins.data, ...pins.strobes, ...pins.stepper]) io.digitalWrite(pin, 0);
    io.digitalWrite(pins.latch, 1);
    io.pinMode(pins.paperSensor, PinMode.INPUT);
    io.digitalRead(pins.paperSensor, (value) => {
      this.paperLevel = value;
    });
  }

  async paperPresent(): Promise<boolean> {
    return this.paperLevel === undefined || this.paperLevel === this.presentLevel;
  }

  print(job: PrintJob): Promise<PrintOutcome> {
    return this.queue.run(() => this.printNow(job));
  }

  private async printNow(job: PrintJob): Promise<PrintOutcome> {
    const lines = layoutReceipt(job);
    try {
      for (let i = 0; i < lines.length; i++) {
        if (!(await this.paperPresent())) return { ok: false, reason: 'paper-out', linesPrinted: i };
        let celsius: number;
        try {
          celsius = await this.readHeadCelsius();
        } catch {
          return { ok: false, reason: 'offline', linesPrinted: i };
        }
        if (celsius > MAX_HEAD_CELSIUS) return { ok: false, reason: 'overheat', linesPrinted: i };
        const strobeMs = strobeMillis(celsius, this.config.supplyVolts);
        const plan = planHeadRows(rasteriseLine(lines[i]!, this.font), strobeMs, this.stepperPhase, this.config);
        this.stepperPhase = plan.endPhase;
        await this.execute(plan.ops);
      }
      return { ok: true };
    } finally {
      await this.execute([{ op: 'release' }]);
    }
  }

  private async execute(ops: readonly HeadOp[]): Promise<void> {
    const { pins } = this.options;
    const io = this.io;
    for (const op of ops) {
      switch (op.op) {
        case 'shift':
          for (let x = 0; x < HEAD_DOTS; x++) {
            io.digitalWrite(pins.data, dotAt(op.data, x) ? 1 : 0);
            io.digitalWrite(pins.clock, 1);
            io.digitalWrite(pins.clock, 0);
          }
          break;
        case 'latch':
          io.digitalWrite(pins.latch, 0);
          io.digitalWrite(pins.latch, 1);
          break;
        case 'strobe':
          pins.strobes.forEach((pin, g) => {
            if (op.groups & (1 << g)) io.digitalWrite(pin, op.on ? 1 : 0);
          });
          break;
        case 'step':
          HALF_STEP_COILS[op.phase]!.forEach((level, c) => io.digitalWrite(pins.stepper[c]!, level));
          break;
        case 'release':
          for (const pin of [...pins.strobes, ...pins.stepper]) io.digitalWrite(pin, 0);
          break;
        case 'wait':
          await new Promise<void>((resolve) => this.clock.setTimer(op.ms, resolve));
          break;
      }
    }
  }
}
