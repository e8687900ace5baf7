/**
 * bench:lcd - Firmata wire bytes to paint a 20x4 PCF8574 LCD, our driver versus johnny-five's LCD,
 * each on a firmata-io Board over a recording transport that answers the Firmata handshake.
 * Prints one JSON line.
 */
import { EventEmitter } from 'node:events';
import five from 'johnny-five';
import { SystemClock } from '../../firmware/hal/clock.js';
import type { IoPlugin } from '../../firmware/hal/io-plugin.js';
import { openFirmataBoard } from '../../firmware/hal/firmata-board.js';
import { Hd44780Display } from '../../firmware/drivers/lcd/hd44780-display.js';
import { Pcf8574Bus } from '../../firmware/drivers/lcd/pcf8574-bus.js';

const COLS = 20;
const ROWS = 4;
const LCD_ADDRESS = 0x27;
/** An Uno's 20 pins, each offering input, output and I2C, so both libraries accept the board. */
const PIN_COUNT = 20;

/**
 * Plays an Arduino running StandardFirmata just far enough for a Board to become ready: version and
 * firmware name on open, then capability and analog-mapping answers. Counts every byte written to it.
 */
class RecordingFirmataTransport extends EventEmitter {
  bytesWritten = 0;

  constructor() {
    super();
    setImmediate(() => {
      this.emit('open');
      this.reply([0xf9, 2, 6]);
      this.reply([0xf0, 0x79, 2, 6, ...[...'bench'].flatMap((c) => [c.charCodeAt(0), 0]), 0xf7]);
    });
  }

  write(buf: Buffer, callback?: (error?: Error | null) => void): boolean {
    this.bytesWritten += buf.length;
    if (buf[0] === 0xf0 && buf[1] === 0x6b) this.reply(capabilityResponse());
    if (buf[0] === 0xf0 && buf[1] === 0x69) this.reply([0xf0, 0x6a, ...Array<number>(PIN_COUNT).fill(0x7f), 0xf7]);
    if (callback) setImmediate(() => callback(null));
    return true;
  }

  private reply(bytes: number[]): void {
    setImmediate(() => this.emit('data', Buffer.from(bytes)));
  }
}

function capabilityResponse(): number[] {
  const pinModes = [0x00, 1, 0x01, 1, 0x06, 1, 0x0b, 1, 0x7f];
  return [0xf0, 0x6c, ...Array.from({ length: PIN_COUNT }, () => pinModes).flat(), 0xf7];
}

async function readyFirmata(): Promise<{ io: IoPlugin; transport: RecordingFirmataTransport }> {
  const transport = new RecordingFirmataTransport();
  const io = await openFirmataBoard(transport, { reportVersionTimeoutMs: 1000 });
  return { io, transport };
}

/** 80 distinct non-blank cells, so neither library gets a free ride from blanks. */
const FULL_SCREEN = ['SALE  RMB 1234.56 OK', 'CARD 622202****1234', 'PIN: ******  ENTER>', 'VOUCHER 000123 #0042'].map((l) =>
  l.replace(/ /g, '.'),
);
const ONE_CHANGE = { row: 3, col: 19, char: '3' };

async function measureOurs(): Promise<{ full: number; one: number }> {
  const { io, transport } = await readyFirmata();
  const clock = new SystemClock();
  const display = new Hd44780Display({ cols: COLS, rows: ROWS, clock, bus: new Pcf8574Bus({ io, clock, address: LCD_ADDRESS }) });
  await display.flush();
  transport.bytesWritten = 0;
  display.show(FULL_SCREEN);
  await display.flush();
  const full = transport.bytesWritten;
  transport.bytesWritten = 0;
  const changed = [...FULL_SCREEN];
  const row = changed[ONE_CHANGE.row]!;
  changed[ONE_CHANGE.row] = row.slice(0, ONE_CHANGE.col) + ONE_CHANGE.char + row.slice(ONE_CHANGE.col + 1);
  display.show(changed);
  await display.flush();
  return { full, one: transport.bytesWritten };
}

async function measureJohnnyFive(): Promise<{ full: number; one: number }> {
  const { io, transport } = await readyFirmata();
  const board = new five.Board({ io, repl: false, debug: false });
  await new Promise<void>((resolve) => board.on('ready', () => resolve()));
  const lcd = new five.LCD({ controller: 'PCF8574', address: LCD_ADDRESS, rows: ROWS, cols: COLS, board });
  transport.bytesWritten = 0;
  FULL_SCREEN.forEach((line, row) => lcd.cursor(row, 0).print(line));
  const full = transport.bytesWritten;
  transport.bytesWritten = 0;
  lcd.cursor(ONE_CHANGE.row, ONE_CHANGE.col).print(ONE_CHANGE.char);
  return { full, one: transport.bytesWritten };
}

/** johnny-five announces itself on stdout; keep stdout for the one JSON line. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const log = console.log;
  const info = console.info;
  console.log = () => undefined;
  console.info = () => undefined;
  try {
    return await work();
  } finally {
    console.log = log;
    console.info = info;
  }
}

const ours = await measureOurs();
const j5 = await quietly(measureJohnnyFive);
process.stdout.write(
  JSON.stringify({
    bench: 'lcd',
    bytes_full_20x4: ours.full,
    j5_bytes_full_20x4: j5.full,
    bytes_one_char: ours.one,
    j5_bytes_one_char: j5.one,
  }) + '\n',
);
process.exit(0);
