import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { emulatedFirmataBoard, runFor, runUntil } from './emulator-harness.js';

const TRACKS = {
  track1: 'B4352378366824999^TEST/CARD^05102011000088200882000000',
  track2: '4352378366824999=051020110000882',
};

describe('serial peripherals through Firmata serial sysex', () => {
  it('serial writes reach the ESC/POS printer model, Chinese included; DLE EOT 4 gets the paper status', async () => {
    const { io, clock, printer } = await emulatedFirmataBoard({ profile: 'mega', printer: { on: { firmataPort: 1 }, baud: 9600 } });
    io.serialConfig!({ portId: 1, baud: 9600 });
    const status: number[] = [];
    io.serialRead!(1, (bytes) => status.push(...bytes));
    const job = [0x1b, 0x40, 0x1c, 0x26, ...iconv.encode('消费 SALE\n', 'gb18030'), 0x1c, 0x2e, ...Buffer.from('TOTAL 12.00\n', 'latin1')];
    for (let i = 0; i < job.length; i += 29) io.serialWrite!(1, job.slice(i, i + 29));
    await runFor(clock, 100);
    expect(printer!.printed).toEqual(['消费 SALE', 'TOTAL 12.00']);
    expect(printer!.unknownCommands).toEqual([]);

    io.serialWrite!(1, [0x10, 0x04, 4]);
    await runUntil(clock, () => status.length === 1);
    expect(status).toEqual([0x12]);
    printer!.setPaperOut(true);
    io.serialWrite!(1, [0x10, 0x04, 4, ...Buffer.from('LOST\n', 'latin1')]);
    await runUntil(clock, () => status.length === 2);
    expect(status[1]).toBe(0x72);
    await runFor(clock, 20);
    expect(printer!.linesLostToPaperOut).toBe(1);
  });

  it('a GS v 0 raster prints as an image line', async () => {
    const { io, clock, printer } = await emulatedFirmataBoard({ profile: 'mega', printer: { on: { firmataPort: 1 }, baud: 9600 } });
    io.serialConfig!({ portId: 1, baud: 9600 });
    const raster = [0x1d, 0x76, 0x30, 0x00, 2, 0, 3, 0, 0xff, 0x00, 0x0f, 0xf0, 0xaa, 0x55];
    io.serialWrite!(1, raster);
    await runFor(clock, 50);
    expect(printer!.printed).toEqual(['[raster 16x3]']);
    expect([...printer!.rasters[0]!.data]).toEqual([0xff, 0x00, 0x0f, 0xf0, 0xaa, 0x55]);
  });

  it('reader lines arrive through serial replies, framed, paced at the reader baud', async () => {
    const { io, clock, reader, emulator } = await emulatedFirmataBoard({ profile: 'mega', reader: { on: { firmataPort: 2 }, baud: 9600, stx: true } });
    io.serialConfig!({ portId: 2, baud: 9600 });
    let text = '';
    io.serialRead!(2, (bytes) => (text += Buffer.from(bytes).toString('latin1')));
    await runFor(clock, 5);
    const t0 = clock.now();
    reader!.swipe(TRACKS);
    const expected = `\x02%${TRACKS.track1}?\r;${TRACKS.track2}?\x03\r`;
    await runUntil(clock, () => text.length === expected.length);
    expect(text).toBe(expected);
    // 9600 baud: 1.04 ms a byte on the reader's line
    expect(clock.now() - t0).toBeGreaterThanOrEqual(expected.length * (10 / 9.6) - 0.01);
    expect(emulator.board.serialLine(2)!.lostBytes).toBe(0);
  });

  it('a garbled swipe and a failed track come out as the reader sends them', async () => {
    const { io, clock, reader } = await emulatedFirmataBoard({ profile: 'uno', reader: { on: { firmataPort: 8 }, baud: 9600 } });
    io.serialConfig!({ portId: 8, baud: 9600, rxPin: 10, txPin: 11 });
    let text = '';
    io.serialRead!(8, (bytes) => (text += Buffer.from(bytes).toString('latin1')));
    await runFor(clock, 5);
    reader!.swipe(TRACKS, { kind: 'track-failed', track: 2 });
    await runUntil(clock, () => text.endsWith(';E?\r'));
    expect(text).toBe(`%${TRACKS.track1}?\r;E?\r`);
    expect(reader!.swipeText({ track2: '1234=5678' }, { kind: 'garbled-character', position: 1 })).toBe(';1734=5678?\r');
    expect(reader!.swipeText({ track2: '1234=5678' }, { kind: 'no-end-sentinel' })).toBe(';1234=5678\r');
    expect(() => reader!.swipeText({})).toThrow(/at least one track/);
  });

  it('a reader at the wrong baud produces framing garbage', async () => {
    const { io, clock, reader, board } = await emulatedFirmataBoard({ profile: 'mega', reader: { on: { firmataPort: 3 }, baud: 19200 } });
    io.serialConfig!({ portId: 3, baud: 9600 });
    let count = 0;
    io.serialRead!(3, (bytes) => (count += bytes.length));
    await runFor(clock, 5);
    reader!.swipe({ track2: '1234=5678' });
    await runFor(clock, 50);
    expect(count).toBe(12);
    expect(board.serialLine(3)!.framingErrors).toBe(12);
  });
});
