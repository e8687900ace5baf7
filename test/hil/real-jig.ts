/**
 * The jig around a real board (test/hil/README.md, "the jig"). Each part is fitted when its
 * environment variables name it:
 * - keys: HIL_JIG_PORT (a second board running StandardFirmataPlus) and HIL_JIG_KEYS (a JSON file
 *   {"5": 22, ...}: the jig pin whose optocoupler / analog switch closes that key's row-column pair;
 *   HIGH = closed);
 * - reader: HIL_READER_TX, a host serial adapter whose TX is wired to the terminal's reader input
 *   (the reader unplugged); the jig sends what the reader would, framed as the config says;
 * - printer: HIL_PRINTER_RX, a host serial adapter whose RX taps the terminal's printer TX line;
 *   the bytes go through the same ESC/POS interpreter the emulator's printer model uses.
 * - LCD: HIL_LCD_SNIFFER, the serial port of an I2C sniffer on the LCD's SDA/SCL (HIL_LCD_SNIFFER_BAUD,
 *   default 115200) printing one line per write transaction, address then data bytes in hex
 *   ("27 0C 08 4D 49"); the bytes go through the emulator's PCF8574 + HD44780 model, which rebuilds
 *   the glass. The sniffer gives no timing, so the model is fed 2 ms apart and HD44780 timing
 *   violations are not judged on the rig.
 * The paper sensor has no override on the rig yet: the paper-out test skips, naming it.
 */
import { readFileSync } from 'node:fs';
import { ReadlineParser } from '@serialport/parser-readline';
import { SerialPort } from 'serialport';
import type { BoardConfig } from '../../firmware/hal/board-config.js';
import { openFirmataBoard } from '../../firmware/hal/firmata-board.js';
import { HIGH, LOW, PinMode, type IoPlugin } from '../../firmware/hal/io-plugin.js';
import { EscPosPrinterModel } from '../../firmware/hal/virtual/escpos-printer-model.js';
import { Pcf8574LcdBackpackModel } from '../../firmware/hal/virtual/pcf8574-lcd-backpack-model.js';
import { SerialMagstripeReaderModel } from '../../firmware/hal/virtual/serial-magstripe-reader-model.js';
import type { Jig } from './hil-target.js';

/** 9 bit times a byte at 100 kHz. */
const I2C_100KHZ_BYTE_US = 90;

export async function openRealJig(env: NodeJS.ProcessEnv, config: BoardConfig): Promise<{ parts: Jig; close(): Promise<void> }> {
  const ports: SerialPort[] = [];
  const parts: Jig = {};
  const open = async (path: string, baudRate: number) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(new Error(`HIL jig: cannot open ${path}: ${error.message}`)) : resolve())));
    ports.push(port);
    return port;
  };

  if (env.HIL_JIG_PORT && env.HIL_JIG_KEYS) {
    const pins = keyPins(env.HIL_JIG_KEYS);
    const io: IoPlugin = await openFirmataBoard(await open(env.HIL_JIG_PORT, 57600));
    for (const pin of Object.values(pins)) {
      io.pinMode(pin, PinMode.OUTPUT);
      io.digitalWrite(pin, LOW);
    }
    const pinOf = (key: string) => {
      const pin = pins[key];
      if (pin === undefined) throw new Error(`HIL jig: ${env.HIL_JIG_KEYS} has no pin for key ${key}`);
      return pin;
    };
    parts.keys = { press: (key) => io.digitalWrite(pinOf(key), HIGH), release: (key) => io.digitalWrite(pinOf(key), LOW) };
  }

  if (env.HIL_READER_TX && config.magstripe.kind === 'serial') {
    const port = await open(env.HIL_READER_TX, config.magstripe.baud ?? 9600);
    const reader = new SerialMagstripeReaderModel({ stx: config.magstripe.stx ?? false });
    parts.reader = { swipe: (tracks, variant) => port.write(Buffer.from(reader.swipeText(tracks, variant), 'latin1')) };
  }

  if (env.HIL_PRINTER_RX && config.printer.kind === 'escpos-serial') {
    const port = await open(env.HIL_PRINTER_RX, config.printer.baud ?? 9600);
    const model = new EscPosPrinterModel();
    port.on('data', (chunk: Buffer) => model.receive([...chunk], Number.MAX_SAFE_INTEGER));
    parts.printer = { printed: () => [...model.printed] };
  }

  if (env.HIL_LCD_SNIFFER && config.lcd.kind === 'pcf8574') {
    const port = await open(env.HIL_LCD_SNIFFER, Number(env.HIL_LCD_SNIFFER_BAUD ?? 115_200));
    const glass = new SniffedLcd(config.lcd);
    port.pipe(new ReadlineParser({ delimiter: '\n' })).on('data', (line: string) => glass.feed(line));
    parts.lcd = { lines: () => glass.lines(), violations: () => [] };
  }

  return {
    parts,
    async close() {
      await Promise.all(ports.map((port) => new Promise<void>((resolve) => port.close(() => resolve()))));
    },
  };
}

/** The LCD glass rebuilt from an I2C sniffer's lines: the PCF8574 + HD44780 model fed 2 ms apart. */
export class SniffedLcd {
  private readonly backpack: Pcf8574LcdBackpackModel;
  private atUs = 1_000_000;

  constructor(lcd: { address: number; cols: number; rows: number }) {
    this.backpack = new Pcf8574LcdBackpackModel({ address: lcd.address, cols: lcd.cols, rows: lcd.rows });
  }

  feed(line: string): void {
    const transaction = parseSnifferLine(line);
    if (!transaction || transaction.address !== this.backpack.address) return;
    this.backpack.write(transaction.bytes, this.atUs, I2C_100KHZ_BYTE_US);
    this.atUs += 2000;
  }

  lines(): string[] {
    return this.backpack.lcd.lines();
  }
}

/** "27 0C 08 4D" -> address 0x27, bytes [0x0c, 0x08, 0x4d]; anything else (sniffer chatter) -> undefined. */
export function parseSnifferLine(line: string): { address: number; bytes: number[] } | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 2 || !fields.every((f) => /^[0-9a-fA-F]{1,2}$/.test(f))) return undefined;
  const [address, ...bytes] = fields.map((f) => parseInt(f, 16));
  return { address: address!, bytes };
}

function keyPins(file: string): Record<string, number> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`HIL jig: ${file} must be a JSON object {"key": pin}`);
  for (const [key, pin] of Object.entries(parsed)) {
    if (!Number.isInteger(pin)) throw new Error(`HIL jig: ${file}: key ${key} needs an integer pin, got ${JSON.stringify(pin)}`);
  }
  return parsed as Record<string, number>;
}
