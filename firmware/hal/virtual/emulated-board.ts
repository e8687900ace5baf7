/**
 * Builds a board model with its peripherals attached, from one plain description (the same facts a
 * board-config file holds: which pins the keypad uses, where the LCD backpack and EEPROM sit, which
 * serial ports the printer and reader hang on). Tests and tools then drive the peripherals
 * (press keys, read the screen, swipe, read the printout) while the runtime talks to the board
 * through VirtualIo or the Firmata emulator.
 */
import type { Clock } from '../clock.js';
import { BoardModel } from './board-model.js';
import { boardProfile, type BoardProfile } from './board-profiles.js';
import { I2cEepromModel, type I2cEepromOptions } from './i2c-eeprom-model.js';
import { KeypadMatrixModel, type KeypadMatrixOptions } from './keypad-matrix-model.js';
import { Pcf8574LcdBackpackModel, type LcdBackpackOptions } from './pcf8574-lcd-backpack-model.js';

export interface EmulatedBoardOptions {
  profile: 'uno' | 'mega' | BoardProfile;
  clock: Clock;
  keypad?: KeypadMatrixOptions;
  lcd?: LcdBackpackOptions;
  eeprom?: I2cEepromOptions;
}

export interface EmulatedBoard {
  board: BoardModel;
  keypad?: KeypadMatrixModel;
  lcd?: Pcf8574LcdBackpackModel;
  eeprom?: I2cEepromModel;
}

export function createEmulatedBoard(options: EmulatedBoardOptions): EmulatedBoard {
  const profile = typeof options.profile === 'string' ? boardProfile(options.profile) : options.profile;
  const board = new BoardModel(profile, options.clock);
  const result: EmulatedBoard = { board };
  if (options.keypad) result.keypad = new KeypadMatrixModel(board, options.keypad);
  if (options.lcd) {
    const lcd = new Pcf8574LcdBackpackModel({ powerOnUs: board.nowUs(), ...options.lcd });
    board.i2c.attach(lcd.address, lcd);
    result.lcd = lcd;
  }
  if (options.eeprom) {
    const eeprom = new I2cEepromModel(options.eeprom);
    board.i2c.attach(eeprom.address, eeprom);
    result.eeprom = eeprom;
  }
  return result;
}
