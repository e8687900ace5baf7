import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardConfigError, readBoardConfig, validateBoardConfig } from '../../firmware/hal/board-config.js';

const SHIPPED = ['sim', 'uno-firmata', 'mega-firmata', 'raspi', 'linux-board'];
const configPath = (name: string) => join(import.meta.dirname, '../../board-configs', `${name}.json`);

/** The uno config, changed by `edit`, validated; returns the error list ("path: message"). */
function errorsAfter(edit: (config: any) => void): string[] {
  const config = JSON.parse(JSON.stringify(readBoardConfig(configPath('uno-firmata'))));
  edit(config);
  const result = validateBoardConfig(config);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('shipped board configs', () => {
  it.each(SHIPPED)('%s.json validates', (name) => {
    const config = readBoardConfig(configPath(name));
    expect(config.board.kind).toMatch(/firmata|linux-gpio|virtual/);
  });

  it('match the brief: uno 4x4 + PCF8574 at 0x27, mega printer on Serial1, raspi /dev/serial0 + clock/data reader', () => {
    const uno = readBoardConfig(configPath('uno-firmata'));
    expect(uno.keypad.kind === 'matrix' && [uno.keypad.rows.length, uno.keypad.cols.length]).toEqual([4, 4]);
    expect(uno.lcd).toMatchObject({ kind: 'pcf8574', address: 0x27 });
    expect(uno.printer.kind === 'escpos-serial' && uno.printer.path).toBeTruthy();
    expect(uno.magstripe.kind).toBe('serial');
    const mega = readBoardConfig(configPath('mega-firmata'));
    expect(mega.printer).toMatchObject({ kind: 'escpos-serial', firmataPort: { id: 1 } });
    const raspi = readBoardConfig(configPath('raspi'));
    expect(raspi.printer).toMatchObject({ kind: 'escpos-serial', path: '/dev/serial0' });
    expect(raspi.magstripe.kind).toBe('clock-data');
    expect(readBoardConfig(configPath('sim')).board.kind).toBe('virtual');
  });
});

describe('bad board configs name the field and why', () => {
  it('a missing section', () => {
    expect(errorsAfter((c) => delete c.lcd)).toEqual(['$.lcd: is required']);
  });
  it('an unknown kind lists the known ones', () => {
    expect(errorsAfter((c) => (c.board.kind = 'arduino'))).toEqual([
      '$.board.kind: must be one of "firmata", "raspi-io", "linux-gpio", "linux-io", "virtual", got "arduino"',
    ]);
  });
  it('a misspelt field', () => {
    expect(errorsAfter((c) => (c.lcd.adress = 39))[0]).toMatch(/^\$\.lcd\.adress: is not a known field \(known: kind, address/);
  });
  it('a wrong type', () => {
    expect(errorsAfter((c) => (c.board.port = 3))).toEqual(['$.board.port: must be string, got 3']);
  });
  it('a section that is not an object', () => {
    expect(errorsAfter((c) => (c.flash = 'eeprom'))).toEqual(['$.flash: must be an object, got "eeprom"']);
  });
  it('a pin out of range', () => {
    expect(errorsAfter((c) => (c.keypad.rows[2] = 200))).toEqual(['$.keypad.rows[2]: must be <= 127, got 200']);
  });
  it('a pin name that is not a GPIO name', () => {
    expect(errorsAfter((c) => (c.keypad.cols[0] = 'D6'))).toEqual([
      '$.keypad.cols[0]: "D6" does not match ^(GPIO[0-9]{1,2}|P1-[0-9]{1,2})$',
    ]);
  });
  it('a raspi pin name on a Firmata board', () => {
    expect(errorsAfter((c) => (c.keypad.cols[0] = 'GPIO6'))[0]).toMatch(
      /^\$\.keypad\.cols\[0\]: pin name "GPIO6" is for raspi-io\/linux-io; a firmata board takes pin numbers/,
    );
  });
  it('an unknown key in the keymap', () => {
    expect(errorsAfter((c) => (c.keypad.keymap[1][3] = 'BACKSPACE'))[0]).toMatch(
      /^\$\.keypad\.keymap\[1\]\[3\]: must be one of "0", .*"DOWN", null, got "BACKSPACE"$/,
    );
  });
  it('a keymap whose shape does not match the pins', () => {
    expect(errorsAfter((c) => c.keypad.keymap.pop())).toEqual(['$.keypad.keymap: has 3 rows but keypad.rows lists 4 row pins']);
    expect(errorsAfter((c) => c.keypad.keymap[2].push(null))).toEqual([
      '$.keypad.keymap[2]: has 5 keys but keypad.cols lists 4 column pins',
    ]);
  });
  it('a key mapped twice', () => {
    expect(errorsAfter((c) => (c.keypad.keymap[3][0] = '1'))).toEqual(['$.keypad.keymap[3][0]: key "1" is already at $.keypad.keymap[0][0]']);
  });
  it('a pin used twice names both users', () => {
    expect(
      errorsAfter((c) => {
        c.magstripe = { kind: 'clock-data', pins: { cls: 10, rcl: 11, rdt: 7 } };
      }),
    ).toEqual(['$.magstripe.pins.rdt: pin 7 is used twice: by keypad.cols[1] and by magstripe.pins.rdt']);
  });
  it('Chinese screens on an HD44780', () => {
    expect(errorsAfter((c) => (c.lcd.language = 'zh'))).toEqual([
      '$.lcd.language: "zh" needs a Chinese-capable display (st7920); an HD44780 (pcf8574) has no Hanzi',
    ]);
  });
  it('an ESC/POS printer with both or neither of path and firmataPort', () => {
    expect(errorsAfter((c) => (c.printer.firmataPort = { id: 1 }))[0]).toMatch(/^\$\.printer: needs exactly one of path/);
    expect(errorsAfter((c) => delete c.printer.path)[0]).toMatch(/^\$\.printer: needs exactly one of path/);
  });
  it('Firmata serial on a board that is not Firmata, and a software port without pins', () => {
    const raspi = JSON.parse(JSON.stringify(readBoardConfig(configPath('raspi'))));
    raspi.printer = { kind: 'escpos-serial', firmataPort: { id: 1 }, baud: 9600 };
    const result = validateBoardConfig(raspi);
    expect(result.ok ? [] : result.errors).toEqual([
      { path: '$.printer.firmataPort', message: 'needs board.kind "firmata", this board is "linux-gpio"' },
    ]);
    expect(
      errorsAfter((c) => {
        delete c.printer.path;
        c.printer.firmataPort = { id: 8 };
      }),
    ).toEqual(['$.printer.firmataPort: software serial port 8 needs rxPin and txPin']);
  });
  it('an image size that is not whole sectors, an I2C address out of range, a host port out of range', () => {
    expect(errorsAfter((c) => (c.flash = { kind: 'file', path: '/tmp/x', size: 10000, sectorSize: 4096 }))).toEqual([
      '$.flash.size: 10000 is not a multiple of sectorSize 4096',
    ]);
    expect(errorsAfter((c) => (c.flash.address = 0x80))).toEqual(['$.flash.address: must be <= 119, got 128']);
    expect(errorsAfter((c) => (c.host.port = 70000))).toEqual(['$.host.port: must be <= 65535, got 70000']);
  });
  it('reports every problem at once', () => {
    expect(
      errorsAfter((c) => {
        c.board.baud = 12345;
        c.lcd.cols = 40;
      }),
    ).toEqual([
      '$.board.baud: must be one of 9600, 19200, 38400, 57600, 115200, got 12345',
      '$.lcd.cols: must be one of 16, 20, got 40',
    ]);
  });
  it('a file that is not JSON, and the thrown error lists the fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'board-config-'));
    writeFileSync(join(dir, 'broken.json'), '{ "board": ');
    expect(() => readBoardConfig(join(dir, 'broken.json'))).toThrow(/broken\.json: invalid board config\n {2}\$: cannot read as JSON/);
    writeFileSync(join(dir, 'empty.json'), '{}');
    try {
      readBoardConfig(join(dir, 'empty.json'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BoardConfigError);
      expect((error as BoardConfigError).errors.map((e) => e.path)).toEqual([
        '$.board', '$.keypad', '$.lcd', '$.printer', '$.magstripe', '$.flash', '$.host',
      ]);
    }
  });
});
