/**
 * Board configs (board-configs/*.json): which board runs the terminal and how each device is wired.
 * `validateBoardConfig` checks a parsed config against board-configs/schema.json (with the validator
 * tools/schema/board-config-validator.ts generates from it ahead of time), then the rules a
 * schema cannot say (keymap shape, a pin used twice, Hanzi on an HD44780, Firmata serial without
 * Firmata). Every error names the JSON path of the field and why.
 */
import { readFileSync } from 'node:fs';
import type { PosKey } from './pos-keys.js';
import { validate as validateSchema } from './board-config-validator.generated.js';
import { schemaErrors, type SchemaError } from './schema-check.js';

/** A number on Firmata and virtual boards, a name (GPIO17, P1-11) on linux-gpio / raspi-io / linux-io. */
export type PinId = number | string;

export type BoardSection =
  | { kind: 'firmata'; port: string; baud?: number; samplingIntervalMs?: number }
  | { kind: 'raspi-io' }
  | { kind: 'linux-gpio'; gpioChip: string; i2cBus?: string; spiDevice?: string }
  | { kind: 'linux-io' }
  | { kind: 'virtual' };

export interface RepeatConfig {
  delayMs?: number;
  intervalMs?: number;
  keys?: PosKey[];
}

export type KeypadSection =
  | {
      kind: 'matrix';
      rows: PinId[];
      cols: PinId[];
      keymap: (PosKey | null)[][];
      debounce?: { pressMs?: number; releaseMs?: number };
      scan?: { settleMs?: number; pollMs?: number };
      repeat?: RepeatConfig;
    }
  | { kind: 'j5-i2c'; controller: string; address?: number; keys: PosKey[][]; repeat?: RepeatConfig };

export type LcdSection =
  | { kind: 'pcf8574'; address: number; cols: 16 | 20; rows: 2 | 4; language: 'zh' | 'en' }
  | {
      kind: 'parallel';
      pins: { rs: PinId; en: PinId; d4: PinId; d5: PinId; d6: PinId; d7: PinId; backlight?: PinId };
      cols: 16 | 20;
      rows: 2 | 4;
      language: 'zh' | 'en';
    }
  | {
      kind: 'st7920';
      pins: { cs: PinId; sid: PinId; sclk: PinId; backlight?: PinId };
      cols: 16;
      rows: 4;
      language: 'zh' | 'en';
    };

export interface FirmataSerialPortConfig {
  id: number;
  rxPin?: PinId;
  txPin?: PinId;
}

export type PrinterSection =
  | { kind: 'escpos-serial'; path?: string; firmataPort?: FirmataSerialPortConfig; baud: number }
  | {
      kind: 'thermal-head';
      pins: { clk: PinId; data: PinId; latch: PinId; strobe: PinId[]; motor: PinId[]; paperSensor: PinId; thermistor?: PinId };
    }
  | { kind: 'virtual'; pngDir?: string };

export type MagstripeSection =
  | { kind: 'serial'; path: string; baud: number; stx?: boolean }
  | { kind: 'clock-data'; pins: { cls: PinId; rcl: PinId; rdt: PinId } }
  | { kind: 'virtual' };

export type FlashSection =
  | { kind: 'file'; path: string; size: number; sectorSize: number }
  | { kind: 'i2c-eeprom'; address: number; part: string; sectorSize?: number }
  | { kind: 'simulated'; size?: number; sectorSize?: number };

export interface HostSection {
  address: string;
  port: number;
  timeouts?: { connectMs?: number; responseMs?: number; reversalResponseMs?: number };
}

export interface BoardConfig {
  description?: string;
  board: BoardSection;
  keypad: KeypadSection;
  lcd: LcdSection;
  printer: PrinterSection;
  magstripe: MagstripeSection;
  flash: FlashSection;
  host: HostSection;
}

export type ConfigError = SchemaError;

export type BoardConfigResult = { ok: true; config: BoardConfig } | { ok: false; errors: ConfigError[] };

export function validateBoardConfig(raw: unknown): BoardConfigResult {
  const errors = schemaErrors(validateSchema, raw);
  if (errors.length > 0) return { ok: false, errors };
  const config = raw as BoardConfig;
  const ruleErrors = [...keymapErrors(config), ...pinConflicts(config), ...crossSectionErrors(config)];
  return ruleErrors.length > 0 ? { ok: false, errors: ruleErrors } : { ok: true, config };
}

/** Thrown by `readBoardConfig`; the message lists every problem, one per line. */
export class BoardConfigError extends Error {
  constructor(
    readonly source: string,
    readonly errors: ConfigError[],
  ) {
    super(`${source}: invalid board config\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
    this.name = 'BoardConfigError';
  }
}

export function readBoardConfig(path: string): BoardConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BoardConfigError(path, [{ path: '$', message: `cannot read as JSON: ${(error as Error).message}` }]);
  }
  const result = validateBoardConfig(raw);
  if (!result.ok) throw new BoardConfigError(path, result.errors);
  return result.config;
}

function keymapErrors(config: BoardConfig): ConfigError[] {
  const keypad = config.keypad;
  if (keypad.kind !== 'matrix') return [];
  const errors: ConfigError[] = [];
  if (keypad.keymap.length !== keypad.rows.length) {
    errors.push({
      path: '$.keypad.keymap',
      message: `has ${keypad.keymap.length} rows but keypad.rows lists ${keypad.rows.length} row pins`,
    });
  }
  keypad.keymap.forEach((row, r) => {
    if (row.length !== keypad.cols.length) {
      errors.push({
        path: `$.keypad.keymap[${r}]`,
        message: `has ${row.length} keys but keypad.cols lists ${keypad.cols.length} column pins`,
      });
    }
  });
  const seen = new Map<string, string>();
  keypad.keymap.forEach((row, r) =>
    row.forEach((key, c) => {
      if (key === null) return;
      const here = `$.keypad.keymap[${r}][${c}]`;
      const first = seen.get(key);
      if (first) errors.push({ path: here, message: `key ${JSON.stringify(key)} is already at ${first}` });
      else seen.set(key, here);
    }),
  );
  return errors;
}

/** Every pin with the config field that uses it. I2C devices share the bus pins by design. */
function pinUsers(config: BoardConfig): { pin: PinId; user: string }[] {
  const users: { pin: PinId; user: string }[] = [];
  const add = (pin: PinId | undefined, user: string) => {
    if (pin !== undefined) users.push({ pin, user });
  };
  const addAll = (pins: Record<string, PinId | PinId[] | undefined>, prefix: string) => {
    for (const [name, pin] of Object.entries(pins)) {
      if (Array.isArray(pin)) pin.forEach((p, i) => add(p, `${prefix}.${name}[${i}]`));
      else add(pin, `${prefix}.${name}`);
    }
  };
  if (config.keypad.kind === 'matrix') addAll({ rows: config.keypad.rows, cols: config.keypad.cols }, 'keypad');
  if (config.lcd.kind !== 'pcf8574') addAll(config.lcd.pins, 'lcd.pins');
  if (config.printer.kind === 'thermal-head') addAll(config.printer.pins, 'printer.pins');
  if (config.printer.kind === 'escpos-serial' && config.printer.firmataPort) {
    const port = config.printer.firmataPort;
    addAll({ rxPin: port.rxPin, txPin: port.txPin }, 'printer.firmataPort');
  }
  if (config.magstripe.kind === 'clock-data') addAll(config.magstripe.pins, 'magstripe.pins');
  return users;
}

function pinConflicts(config: BoardConfig): ConfigError[] {
  const firstUser = new Map<string, string>();
  const errors: ConfigError[] = [];
  for (const { pin, user } of pinUsers(config)) {
    const key = String(pin);
    const first = firstUser.get(key);
    if (first) errors.push({ path: `$.${user}`, message: `pin ${key} is used twice: by ${first} and by ${user}` });
    else firstUser.set(key, user);
  }
  return errors;
}

function crossSectionErrors(config: BoardConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  if (config.lcd.kind !== 'st7920' && config.lcd.language === 'zh') {
    errors.push({ path: '$.lcd.language', message: `"zh" needs a Chinese-capable display (st7920); an HD44780 (${config.lcd.kind}) has no Hanzi` });
  }
  const printer = config.printer;
  if (printer.kind === 'escpos-serial') {
    if ((printer.path === undefined) === (printer.firmataPort === undefined)) {
      errors.push({ path: '$.printer', message: 'needs exactly one of path (a host serial port) or firmataPort (the board\'s, through Firmata)' });
    }
    if (printer.firmataPort && config.board.kind !== 'firmata') {
      errors.push({ path: '$.printer.firmataPort', message: `needs board.kind "firmata", this board is "${config.board.kind}"` });
    }
    if (printer.firmataPort && printer.firmataPort.id >= 8 && (printer.firmataPort.rxPin === undefined || printer.firmataPort.txPin === undefined)) {
      errors.push({ path: '$.printer.firmataPort', message: `software serial port ${printer.firmataPort.id} needs rxPin and txPin` });
    }
  }
  const namedPin = pinUsers(config).find(({ pin }) => typeof pin === 'string');
  if (namedPin && (config.board.kind === 'firmata' || config.board.kind === 'virtual')) {
    errors.push({
      path: `$.${namedPin.user}`,
      message: `pin name ${JSON.stringify(namedPin.pin)} is for raspi-io/linux-io; a ${config.board.kind} board takes pin numbers (A0 is 14 on an Uno, 54 on a Mega)`,
    });
  }
  if (config.flash.kind === 'file' && config.flash.size % config.flash.sectorSize !== 0) {
    errors.push({ path: '$.flash.size', message: `${config.flash.size} is not a multiple of sectorSize ${config.flash.sectorSize}` });
  }
  return errors;
}
