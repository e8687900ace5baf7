/**
 * The bare 384-dot thermal head and its paper-feed stepper: electrical limits, strobe energy table and
 * mechanism assumptions. Figures follow the LTP02 class of 58 mm heads; each is a default the board
 * config may override.
 */
import { HEAD_DOTS } from './rasteriser.js';

export interface HeadConfig {
  /** Strobe groups across the 384 dots (6 x 64 on this head class). */
  strobeGroups: number;
  /** Head supply Vp, volts. */
  supplyVolts: number;
  /** Resistance of one heating element, ohms. */
  headOhms: number;
  /** Peak current the supply may deliver to the head, amperes. */
  maxCurrentAmps: number;
  /** Half-steps of the 4-phase stepper per 0.125 mm dot row (two full steps, 1-2 phase drive). */
  halfStepsPerRow: number;
  /** Shortest half-step period the motor follows without losing steps at Vp (2,000 pps). */
  minHalfStepMs: number;
  /**
   * Time to clock one bit into the head's shift register. 1 µs assumes on-board GPIO (raspi-io /
   * linux-io, 3 writes per bit); bit-banging over Firmata would be ~0.5 s a row and is not a target.
   */
  shiftMicrosPerBit: number;
  /** /LAT pulse width. */
  latchMicros: number;
}

export const DEFAULT_HEAD_CONFIG: Readonly<HeadConfig> = {
  strobeGroups: 6,
  supplyVolts: 7.2,
  headOhms: 176,
  maxCurrentAmps: 2.5,
  halfStepsPerRow: 4,
  minHalfStepMs: 0.5,
  shiftMicrosPerBit: 1,
  latchMicros: 1,
};

export const NOMINAL_VOLTS = 7.2;
export const NOMINAL_CELSIUS = 25;
/** Above this the head must cool before printing (element life, paper discolouring). */
export const MAX_HEAD_CELSIUS = 65;
const MIN_VOLTS = 6.0;
const MAX_VOLTS = 8.5;

/**
 * Strobe time at 7.2 V by head temperature: a cold head needs more energy per dot. Between points the
 * time is interpolated linearly; below -10 °C the -10 °C value holds.
 */
const STROBE_MS_AT_NOMINAL_VOLTS: readonly (readonly [celsius: number, ms: number])[] = [
  [-10, 2.6],
  [0, 2.4],
  [10, 2.2],
  [25, 1.9],
  [40, 1.8],
  [55, 1.7],
  [MAX_HEAD_CELSIUS, 1.7],
];

export class HeadConfigError extends Error {
  constructor(message: string) {
    super(`thermal head: ${message}`);
    this.name = 'HeadConfigError';
  }
}

export function validateHeadConfig(config: HeadConfig): void {
  if (!Number.isInteger(config.strobeGroups) || config.strobeGroups < 1 || HEAD_DOTS % config.strobeGroups !== 0) {
    throw new HeadConfigError(`strobeGroups must divide ${HEAD_DOTS} (got ${config.strobeGroups})`);
  }
  if (!(config.supplyVolts >= MIN_VOLTS && config.supplyVolts <= MAX_VOLTS)) {
    throw new HeadConfigError(`supplyVolts must be ${MIN_VOLTS}-${MAX_VOLTS} V (got ${config.supplyVolts})`);
  }
  for (const key of ['headOhms', 'maxCurrentAmps', 'minHalfStepMs', 'shiftMicrosPerBit', 'latchMicros'] as const) {
    if (!(config[key] > 0)) throw new HeadConfigError(`${key} must be > 0 (got ${config[key]})`);
  }
  if (!Number.isInteger(config.halfStepsPerRow) || config.halfStepsPerRow < 1) {
    throw new HeadConfigError(`halfStepsPerRow must be a positive integer (got ${config.halfStepsPerRow})`);
  }
  if (maxDotsAtOnce(config) < 1) throw new HeadConfigError('the current limit does not allow even one dot');
}

/** dots x Vp / R_head <= I_max  =>  dots <= I_max x R_head / Vp (61 at the defaults). */
export function maxDotsAtOnce(config: HeadConfig): number {
  return Math.floor((config.maxCurrentAmps * config.headOhms) / config.supplyVolts + 1e-9);
}

export function peakCurrentAmps(dots: number, config: HeadConfig): number {
  return (dots * config.supplyVolts) / config.headOhms;
}

/**
 * Strobe time for the head temperature and supply voltage: the table at 7.2 V, scaled by (7.2 / V)^2
 * because the energy per dot is V^2 / R x t.
 */
export function strobeMillis(celsius: number, supplyVolts: number): number {
  if (!Number.isFinite(celsius)) throw new HeadConfigError(`head temperature is not a number (${celsius})`);
  if (celsius > MAX_HEAD_CELSIUS) throw new HeadConfigError(`head at ${celsius} °C is over ${MAX_HEAD_CELSIUS} °C`);
  if (!(supplyVolts >= MIN_VOLTS && supplyVolts <= MAX_VOLTS)) {
    throw new HeadConfigError(`supply ${supplyVolts} V is outside ${MIN_VOLTS}-${MAX_VOLTS} V`);
  }
  const table = STROBE_MS_AT_NOMINAL_VOLTS;
  let ms = table[0]![1];
  for (let i = 1; i < table.length; i++) {
    const [c0, m0] = table[i - 1]!;
    const [c1, m1] = table[i]!;
    if (celsius >= c0 && celsius <= c1) {
      ms = m0 + ((m1 - m0) * (celsius - c0)) / (c1 - c0);
      break;
    }
  }
  return ms * (NOMINAL_VOLTS / supplyVolts) ** 2;
}

/**
 * An NTC thermistor on an ADC: Vcc - R_fixed - (ADC) - NTC - GND, beta equation. Defaults: 30 kΩ at
 * 25 °C, B = 3950, 30 kΩ fixed resistor, 10-bit ADC (typical of 58 mm heads and Arduino-class boards).
 */
export interface ThermistorParams {
  r25Ohms: number;
  beta: number;
  fixedOhms: number;
  adcMax: number;
}

export const DEFAULT_THERMISTOR: Readonly<ThermistorParams> = { r25Ohms: 30_000, beta: 3950, fixedOhms: 30_000, adcMax: 1023 };

export function thermistorCelsius(adc: number, p: ThermistorParams = DEFAULT_THERMISTOR): number {
  if (!(adc > 0 && adc < p.adcMax)) throw new HeadConfigError(`thermistor reading ${adc} is open or shorted`);
  const ohms = (p.fixedOhms * adc) / (p.adcMax - adc);
  return 1 / (1 / 298.15 + Math.log(ohms / p.r25Ohms) / p.beta) - 273.15;
}
