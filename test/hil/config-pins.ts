/**
 * What a Firmata board must offer for a board config: each numbered pin the config wires, with the
 * pin modes its driver puts it in, and whether the config needs the board's I2C bus.
 */
import type { BoardConfig, PinId } from '../../firmware/hal/board-config.js';
import { PinMode } from '../../firmware/hal/io-plugin.js';

export interface PinNeed {
  pin: number;
  modes: number[];
  use: string;
}

export function pinsTheConfigNeeds(config: BoardConfig): { pins: PinNeed[]; i2c: boolean } {
  const pins: PinNeed[] = [];
  const need = (pin: PinId | undefined, modes: number[], use: string) => {
    if (pin === undefined) return;
    if (typeof pin !== 'number') throw new Error(`${use}: pin ${JSON.stringify(pin)} is a name; a Firmata board config numbers its pins`);
    pins.push({ pin, modes, use });
  };
  const output = [PinMode.OUTPUT];
  if (config.keypad.kind === 'matrix') {
    // Rows are driven LOW or left floating (INPUT); columns are pulled up and report changes.
    config.keypad.rows.forEach((pin, i) => need(pin, [PinMode.OUTPUT, PinMode.INPUT], `keypad.rows[${i}]`));
    config.keypad.cols.forEach((pin, i) => need(pin, [PinMode.PULLUP], `keypad.cols[${i}]`));
  }
  const lcd = config.lcd;
  if (lcd.kind !== 'pcf8574') for (const [name, pin] of Object.entries(lcd.pins)) need(pin, output, `lcd.pins.${name}`);
  const printer = config.printer;
  if (printer.kind === 'escpos-serial' && printer.firmataPort) {
    need(printer.firmataPort.rxPin, [PinMode.SERIAL], 'printer.firmataPort.rxPin');
    need(printer.firmataPort.txPin, [PinMode.SERIAL], 'printer.firmataPort.txPin');
  }
  if (printer.kind === 'thermal-head') {
    const { strobe, motor, paperSensor, ...rest } = printer.pins;
    for (const [name, pin] of Object.entries(rest)) need(pin, output, `printer.pins.${name}`);
    strobe.forEach((pin, i) => need(pin, output, `printer.pins.strobe[${i}]`));
    motor.forEach((pin, i) => need(pin, output, `printer.pins.motor[${i}]`));
    need(paperSensor, [PinMode.INPUT], 'printer.pins.paperSensor');
  }
  if (config.magstripe.kind === 'clock-data') {
    for (const [name, pin] of Object.entries(config.magstripe.pins)) need(pin, [PinMode.INPUT], `magstripe.pins.${name}`);
  }
  const i2c = lcd.kind === 'pcf8574' || config.flash.kind === 'i2c-eeprom' || config.keypad.kind === 'j5-i2c';
  return { pins, i2c };
}
