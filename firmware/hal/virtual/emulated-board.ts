/**
 * Builds a board model with its peripherals attached, from one plain description — or from a
 * board-config file (board-configs/*.json), so the emulated wiring is exactly what the drivers were
 * configured with. Tests and tools then drive the peripherals (press keys, read the screen, swipe,
 * read the printout, take the paper out) while the runtime talks to the board through VirtualIo
 * or the Firmata emulator, and to host-side serial devices through HostSerialPortModel.
 */
import type { BoardConfig, PinId } from '../board-config.js';
import type { Clock } from '../clock.js';
import { BoardModel } from './board-model.js';
import { boardProfile, type BoardProfile, type BoardProfileName } from './board-profiles.js';
import { EscPosPrinterModel, type EscPosPrinterOptions } from './escpos-printer-model.js';
import { HostSerialPortModel } from './host-serial-port-model.js';
import { I2cEepromModel, type I2cEepromOptions } from './i2c-eeprom-model.js';
import type { Hd44780Model } from './hd44780-model.js';
import { KeypadMatrixModel, type KeypadMatrixOptions } from './keypad-matrix-model.js';
import { ParallelLcdWiring, type ParallelLcdPins } from './parallel-lcd-wiring.js';
import { Pcf8574LcdBackpackModel, type LcdBackpackOptions } from './pcf8574-lcd-backpack-model.js';
import { SerialMagstripeReaderModel, type MagstripeReaderOptions } from './serial-magstripe-reader-model.js';
import type { PeripheralSide, SerialPeripheral } from './uart-line.js';

/** Where a serial peripheral hangs: a board UART reached through Firmata serial, or a host port. */
export type SerialAttachment = { firmataPort: number } | { hostPath: string };

export interface EmulatedBoardOptions {
  profile: BoardProfileName | BoardProfile;
  clock: Clock;
  keypad?: KeypadMatrixOptions;
  lcd?: LcdBackpackOptions;
  /** An HD44780 wired to pins instead of a backpack. */
  parallelLcd?: { pins: ParallelLcdPins; cols: number; rows: number };
  eeprom?: I2cEepromOptions;
  printer?: EscPosPrinterOptions & { on: SerialAttachment; baud: number };
  reader?: MagstripeReaderOptions & { on: SerialAttachment; baud: number };
}

export interface EmulatedBoard {
  board: BoardModel;
  keypad?: KeypadMatrixModel;
  lcd?: Pcf8574LcdBackpackModel;
  parallelLcd?: ParallelLcdWiring;
  /** The HD44780 controller of whichever LCD is fitted: read `screen.lines()`, `screen.violations`. */
  screen?: Hd44780Model;
  eeprom?: I2cEepromModel;
  printer?: EscPosPrinterModel;
  reader?: SerialMagstripeReaderModel;
  /** Host-side serial ports by path, to hand to the drivers in place of serialport's SerialPort. */
  hostPorts: Map<string, HostSerialPortModel>;
}

export function createEmulatedBoard(options: EmulatedBoardOptions): EmulatedBoard {
  const profile = typeof options.profile === 'string' ? boardProfile(options.profile) : options.profile;
  const board = new BoardModel(profile, options.clock);
  const result: EmulatedBoard = { board, hostPorts: new Map() };
  if (options.keypad) result.keypad = new KeypadMatrixModel(board, options.keypad);
  if (options.lcd) {
    const lcd = new Pcf8574LcdBackpackModel({ powerOnUs: board.nowUs(), ...options.lcd });
    board.i2c.attach(lcd.address, lcd);
    result.lcd = lcd;
    result.screen = lcd.lcd;
  }
  if (options.parallelLcd) {
    const { pins, cols, rows } = options.parallelLcd;
    result.parallelLcd = new ParallelLcdWiring(board, pins, cols, rows);
    result.screen = result.parallelLcd.lcd;
  }
  if (options.eeprom) {
    const eeprom = new I2cEepromModel(options.eeprom);
    board.i2c.attach(eeprom.address, eeprom);
    result.eeprom = eeprom;
  }
  if (options.printer) {
    const printer = new EscPosPrinterModel(options.printer);
    printer.connectStatusOutput(attachSerial(result, options.printer.on, options.printer.baud, printer, options.clock).send);
    result.printer = printer;
  }
  if (options.reader) {
    const reader = new SerialMagstripeReaderModel(options.reader);
    reader.attach(attachSerial(result, options.reader.on, options.reader.baud, reader, options.clock));
    result.reader = reader;
  }
  return result;
}

function attachSerial(result: EmulatedBoard, on: SerialAttachment, baud: number, peripheral: SerialPeripheral, clock: Clock): PeripheralSide {
  if ('firmataPort' in on) {
    const line = result.board.serialLine(on.firmataPort);
    if (!line) throw new Error(`serial port ${on.firmataPort} does not exist on ${result.board.profile.name}`);
    return line.connect(peripheral, baud);
  }
  if (result.hostPorts.has(on.hostPath)) throw new Error(`host port ${on.hostPath} already has a peripheral`);
  const port = new HostSerialPortModel(clock, baud, on.hostPath);
  result.hostPorts.set(on.hostPath, port);
  return port.connect(peripheral);
}

const EEPROM_PARTS: Record<string, I2cEepromOptions> = {
  AT24C128: { kind: 'eeprom', sizeBytes: 16384, pageSize: 64 },
  AT24C256: { kind: 'eeprom', sizeBytes: 32768, pageSize: 64 },
  AT24C512: { kind: 'eeprom', sizeBytes: 65536, pageSize: 128 },
  FM24C256: { kind: 'fram', sizeBytes: 32768, pageSize: 64 },
  FM24CL64: { kind: 'fram', sizeBytes: 8192, pageSize: 64 },
};

/**
 * The emulated board a board config describes. The profile is Mega when the config uses a pin
 * above 19 or a hardware serial port, else Uno, unless given. Sections the emulator has no model
 * for (ST7920, bare thermal head, clock/data reader, virtual devices) are left out.
 */
export function emulatedBoardFromConfig(config: BoardConfig, clock: Clock, profile?: BoardProfileName): EmulatedBoard {
  const options: EmulatedBoardOptions = { profile: profile ?? inferProfile(config), clock };
  if (config.keypad.kind === 'matrix') {
    options.keypad = { rowPins: config.keypad.rows.map(pinNumber), colPins: config.keypad.cols.map(pinNumber), layout: config.keypad.keymap };
  }
  if (config.lcd.kind === 'pcf8574') options.lcd = { address: config.lcd.address, cols: config.lcd.cols, rows: config.lcd.rows };
  if (config.lcd.kind === 'parallel') {
    const p = config.lcd.pins;
    const pins: ParallelLcdPins = { rs: pinNumber(p.rs), en: pinNumber(p.en), d4: pinNumber(p.d4), d5: pinNumber(p.d5), d6: pinNumber(p.d6), d7: pinNumber(p.d7) };
    if (p.backlight !== undefined) pins.backlight = pinNumber(p.backlight);
    options.parallelLcd = { pins, cols: config.lcd.cols, rows: config.lcd.rows };
  }
  if (config.flash.kind === 'i2c-eeprom') {
    const part = EEPROM_PARTS[config.flash.part];
    if (!part) throw new Error(`no EEPROM model for part ${config.flash.part} (known: ${Object.keys(EEPROM_PARTS).join(', ')})`);
    options.eeprom = { ...part, address: config.flash.address };
  }
  if (config.printer.kind === 'escpos-serial') {
    const on = config.printer.firmataPort ? { firmataPort: config.printer.firmataPort.id } : { hostPath: config.printer.path ?? '/dev/ttyUSB0' };
    options.printer = { on, baud: config.printer.baud };
  }
  if (config.magstripe.kind === 'serial') {
    options.reader = { on: { hostPath: config.magstripe.path }, baud: config.magstripe.baud, stx: config.magstripe.stx ?? false };
  }
  return createEmulatedBoard(options);
}

function pinNumber(pin: PinId): number {
  if (typeof pin !== 'number') throw new Error(`pin "${pin}" is a named pin; the Firmata board emulator needs pin numbers`);
  return pin;
}

function inferProfile(config: BoardConfig): BoardProfileName {
  const pins = [
    ...(config.keypad.kind === 'matrix' ? [...config.keypad.rows, ...config.keypad.cols] : []),
    ...(config.lcd.kind === 'pcf8574' ? [] : Object.values(config.lcd.pins)),
  ];
  const usesMegaPins = pins.some((p) => typeof p === 'number' && p > 19);
  const usesHardwareSerial = config.printer.kind === 'escpos-serial' && (config.printer.firmataPort?.id ?? 8) < 8;
  return usesMegaPins || usesHardwareSerial ? 'mega' : 'uno';
}
