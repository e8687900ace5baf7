import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { Hd44780Display } from '../../firmware/drivers/lcd/hd44780-display.js';
import { Pcf8574Bus } from '../../firmware/drivers/lcd/pcf8574-bus.js';
import { RecordingIo } from '../hal/recording-io.js';
import { parseSnifferLine, SniffedLcd } from './real-jig.js';

/**
 * The rig's LCD read-back: what an I2C sniffer prints for the real LCD driver's writes rebuilds the
 * glass through the PCF8574 + HD44780 model.
 */
describe('LCD read-back from I2C sniffer lines', () => {
  it('rebuilds the screen the LCD driver drew, ignoring other devices and sniffer chatter', async () => {
    const io = new RecordingIo();
    const clock = new VirtualClock();
    const display = new Hd44780Display({ cols: 20, rows: 4, clock, bus: new Pcf8574Bus({ io, clock, address: 0x27 }) });
    const screen = ['SALE', 'AMOUNT:', '                1.23', 'OPER 01'];
    display.show(screen);
    let done = false;
    const flushed = display.flush().then(() => (done = true));
    // Each wait starts from a read's answer (a promise chain), so let the event loop turn between steps.
    for (let i = 0; i < 2000 && !done; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = clock.nextDeadline();
      if (next !== undefined) clock.advance(next);
    }
    await flushed;
    const sniffed = new SniffedLcd({ address: 0x27, cols: 20, rows: 4 });
    sniffed.feed('# sniffer v1 ready');
    sniffed.feed('50 00 10 AA');
    for (const t of io.log) {
      if (t.op === 'i2cWrite') sniffed.feed(`${t.address.toString(16)} ${t.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}\r`);
    }
    expect(sniffed.lines()).toEqual(screen.map((line) => line.padEnd(20)));
  });

  it('reads address and bytes, and refuses lines that are not a transaction', () => {
    expect(parseSnifferLine('27 0C 08 4d')).toEqual({ address: 0x27, bytes: [0x0c, 0x08, 0x4d] });
    expect(parseSnifferLine('27')).toBeUndefined();
    expect(parseSnifferLine('NACK 27')).toBeUndefined();
    expect(parseSnifferLine('27 100')).toBeUndefined();
  });
});
