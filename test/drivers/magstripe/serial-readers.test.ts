import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { MemoryLogger } from '../../../firmware/hal/log.js';
import type { SwipeResult } from '../../../firmware/drivers/magstripe/card-read.js';
import { FirmataSerialSwipeReader } from '../../../firmware/drivers/magstripe/firmata-serial-reader.js';
import { SerialAsciiSwipeReader } from '../../../firmware/drivers/magstripe/serial-ascii-reader.js';
import { FakeIo } from './fake-io.js';

const T1 = '%B4352378366824999^TEST/CARD^05102011000088200882000000?';
const T2 = ';4352378366824999=051020110000882?';
const PATH = '/dev/ttyMAGSTRIPE';

async function openMockPort(): Promise<SerialPortMock> {
  SerialPortMock.binding.createPort(PATH, { echo: false, record: false });
  const port = new SerialPortMock({ path: PATH, baudRate: 9600 });
  await new Promise<void>((resolve, reject) => port.on('open', resolve).on('error', reject));
  return port;
}

/** Turns the event loop until the mock binding's data has come through the stream pipeline. */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('serial ASCII reader (serialport + readline parser)', () => {
  afterEach(() => SerialPortMock.binding.reset());

  it('turns CR-terminated track lines into one swipe, with and without STX/ETX', async () => {
    const port = await openMockPort();
    const clock = new VirtualClock();
    const reader = new SerialAsciiSwipeReader(port, { clock });
    const results: SwipeResult[] = [];
    reader.onSwipe((r) => results.push(r));

    port.port!.emitData(`${T1}\r${T2}\r`);
    await until(() => results.length === 1);
    port.port!.emitData(`\x02${T1}\r${T2}\r\x03\r`);
    await until(() => results.length === 2);
    expect(results).toEqual([
      expect.objectContaining({ ok: true, pan: '4352378366824999', cardholderName: 'TEST/CARD' }),
      expect.objectContaining({ ok: true, pan: '4352378366824999', cardholderName: 'TEST/CARD' }),
    ]);
    await reader.close();
    expect(port.isOpen).toBe(false);
  });

  it('a track-2-only swipe ends after the quiet period; E becomes a logged reader error without track data', async () => {
    const port = await openMockPort();
    const clock = new VirtualClock();
    const logger = new MemoryLogger();
    const reader = new SerialAsciiSwipeReader(port, { clock, logger, quietMs: 100 });
    const results: SwipeResult[] = [];
    reader.onSwipe((r) => results.push(r));

    port.port!.emitData(`${T2}\r`);
    // The line is through once the quiet timer is armed.
    await until(() => clock.nextDeadline() !== undefined);
    expect(results).toEqual([]);
    clock.advance(100);
    expect(results).toEqual([expect.objectContaining({ ok: true, pan: '4352378366824999' })]);

    port.port!.emitData(`${T1}\r;E?\r`);
    await until(() => results.length === 2);
    expect(results[1]).toEqual({ ok: false, reason: 'reader-reported-error', detail: 'reader reported track 2 failed' });
    expect(logger.lines).toEqual([
      { level: 'warn', event: 'magstripe.bad-swipe', fields: { reason: 'reader-reported-error', detail: 'reader reported track 2 failed' } },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('4352378366824999');
    await reader.close();
  });
});

describe('Firmata serial reader (IoPlugin serial sysex)', () => {
  it('configures the port, reassembles lines split across replies and emits swipes', () => {
    const io = new FakeIo();
    const clock = new VirtualClock();
    const reader = new FirmataSerialSwipeReader(io.asPlugin(), { serial: { portId: 8, baud: 9600, rxPin: 10, txPin: 11 }, clock });
    const results: SwipeResult[] = [];
    const stop = reader.onSwipe((r) => results.push(r));
    expect(io.serialConfigs).toEqual([{ portId: 8, baud: 9600, rxPin: 10, txPin: 11 }]);

    // Firmata delivers about 29 bytes per reply.
    const stream = `\x02${T1}\r${T2}\r\x03\r`;
    for (let i = 0; i < stream.length; i += 29) io.receive(8, stream.slice(i, i + 29));
    expect(results).toEqual([expect.objectContaining({ ok: true, pan: '4352378366824999', cardholderName: 'TEST/CARD' })]);

    // A final track without its CR is finished by the quiet period.
    io.receive(8, T2);
    clock.advance(149);
    expect(results).toHaveLength(1);
    clock.advance(1);
    expect(results).toHaveLength(2);
    expect(results[1]).toMatchObject({ ok: true, pan: '4352378366824999' });

    stop();
    io.receive(8, `${T1}\r${T2}\r`);
    expect(results).toHaveLength(2);
    return reader.close().then(() => expect(io.serialClosed).toEqual([8]));
  });

  it('refuses an IO plugin without serial support', () => {
    const io = new FakeIo();
    expect(() => new FirmataSerialSwipeReader(io.asPlugin(false), { serial: { portId: 0, baud: 9600 }, clock: new VirtualClock() })).toThrow(
      /no serial support/,
    );
  });
});
