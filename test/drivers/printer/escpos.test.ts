import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import type { IoPlugin } from '../../../firmware/hal/io-plugin.js';
import { FIRMATA_SERIAL_CHUNK, firmataSerialLink, serialPortLink } from '../../../firmware/drivers/printer/byte-link.js';
import { ESC_POS, encodeEscPosJob, encodeLine, parsePaperStatus } from '../../../firmware/drivers/printer/escpos-encoder.js';
import { EscPosPrinter } from '../../../firmware/drivers/printer/escpos-printer.js';
import { layoutReceipt } from '../../../firmware/drivers/printer/receipt-layout.js';
import { FakeEscPosModule, runOnVirtualClock } from './fake-escpos-module.js';
import { REVERSAL_FAILED, SALE_RECEIPT } from './sample-jobs.js';

const TIMING = { baud: 9600, printSpeedMmPerS: 50 };

describe('ESC/POS encoder', () => {
  it('encodes a small job to the expected bytes (GB18030, FS & once, trailing spaces trimmed)', () => {
    const job = encodeEscPosJob(['签购单', 'RMB 88.00   '], 'once', TIMING);
    expect([...job.preamble]).toEqual([0x1b, 0x40, 0x1b, 0x33, 30, 0x1c, 0x26]);
    expect([...job.lines[0]!.bytes]).toEqual([0xc7, 0xa9, 0xb9, 0xba, 0xb5, 0xa5, 0x0a]);
    expect([...job.lines[1]!.bytes]).toEqual([0x52, 0x4d, 0x42, 0x20, 0x38, 0x38, 0x2e, 0x30, 0x30, 0x0a]);
  });

  it('wraps each Chinese run in FS & ... FS . when the module needs it, and sends nothing for always-Chinese modules', () => {
    expect([...encodeLine('A中B', 'around-runs')]).toEqual([0x41, 0x1c, 0x26, 0xd6, 0xd0, 0x1c, 0x2e, 0x42, 0x0a]);
    expect([...encodeLine('A中B', 'always')]).toEqual([0x41, 0xd6, 0xd0, 0x42, 0x0a]);
    expect([...encodeEscPosJob([], 'always', TIMING).preamble]).toEqual([0x1b, 0x40, 0x1b, 0x33, 30]);
  });

  it('holds each line for the longer of wire time and print time', () => {
    // 3.75 mm at 50 mm/s = 75 ms; 10 bytes at 9600 baud = 10.4 ms.
    expect(encodeEscPosJob(['RMB 88.00'], 'once', TIMING).lines[0]!.holdMs).toBeCloseTo(75, 6);
    // At 1200 baud a 20-byte line takes 166.7 ms on the wire.
    const slow = encodeEscPosJob(['中'.repeat(9) + 'A'], 'once', { baud: 1200, printSpeedMmPerS: 50 });
    expect(slow.lines[0]!.holdMs).toBeCloseTo((20 * 10 * 1000) / 1200, 6);
    expect(() => encodeEscPosJob([], 'once', { baud: 0, printSpeedMmPerS: 50 })).toThrow(/baud > 0/);
  });

  it('a sale receipt is well under 1,500 bytes', () => {
    const job = encodeEscPosJob(layoutReceipt(SALE_RECEIPT), 'once', TIMING);
    const bytes = job.preamble.length + job.lines.reduce((n, l) => n + l.bytes.length, 0);
    expect(bytes).toBeLessThan(1500);
  });

  it('decodes DLE EOT 4 paper status bits and refuses a byte that is not a status', () => {
    expect(parsePaperStatus(0x12)).toEqual({ paperOut: false, nearEnd: false });
    expect(parsePaperStatus(0x1e)).toEqual({ paperOut: false, nearEnd: true });
    expect(parsePaperStatus(0x72)).toEqual({ paperOut: true, nearEnd: false });
    expect(() => parsePaperStatus(0x41)).toThrow(/not a DLE EOT 4 status byte: 0x41/);
  });
});

describe('ESC/POS printer over a byte link', () => {
  it('sends status query, init, the lines paced, and a status query after each line', async () => {
    const clock = new VirtualClock();
    const module = new FakeEscPosModule(clock, 9600);
    const printer = new EscPosPrinter(module, clock, { baud: 9600 });
    const outcome = await runOnVirtualClock(clock, printer.print(REVERSAL_FAILED));
    expect(outcome).toEqual({ ok: true });
    const job = encodeEscPosJob(layoutReceipt(REVERSAL_FAILED), 'once', TIMING);
    const expected = [...ESC_POS.paperStatusQuery, ...job.preamble];
    for (const line of job.lines) expected.push(...line.bytes, ...ESC_POS.paperStatusQuery);
    expect(module.received).toEqual(expected);
    // Paced: the job cannot finish before every line's hold time has passed.
    const holds = job.lines.reduce((ms, l) => ms + l.holdMs, 0);
    expect(clock.now()).toBeGreaterThanOrEqual(holds);
  });

  it('reports paper-out mid-receipt from DLE EOT with the lines printed, then prints again after a reload', async () => {
    const clock = new VirtualClock();
    const module = new FakeEscPosModule(clock, 9600, 5);
    const printer = new EscPosPrinter(module, clock, { baud: 9600 });
    expect(await runOnVirtualClock(clock, printer.print(SALE_RECEIPT))).toEqual({ ok: false, reason: 'paper-out', linesPrinted: 4 });
    expect(await runOnVirtualClock(clock, printer.paperPresent())).toBe(false);
    const sentBefore = module.received.length;
    expect(await runOnVirtualClock(clock, printer.print(SALE_RECEIPT))).toEqual({ ok: false, reason: 'paper-out', linesPrinted: 0 });
    // Nothing but the status query goes out while the paper is out.
    expect(module.received.slice(sentBefore)).toEqual([...ESC_POS.paperStatusQuery]);
    module.paperLines = undefined;
    expect(await runOnVirtualClock(clock, printer.paperPresent())).toBe(true);
    expect(await runOnVirtualClock(clock, printer.print(SALE_RECEIPT))).toEqual({ ok: true });
  });

  it('calls a silent printer offline', async () => {
    const clock = new VirtualClock();
    const module = new FakeEscPosModule(clock, 9600, undefined, true);
    const printer = new EscPosPrinter(module, clock, { baud: 9600, statusTimeoutMs: 300 });
    expect(await runOnVirtualClock(clock, printer.print(SALE_RECEIPT))).toEqual({ ok: false, reason: 'offline', linesPrinted: 0 });
    expect(clock.now()).toBe(300);
  });

  it('rejects a bad job before sending anything', async () => {
    const clock = new VirtualClock();
    const module = new FakeEscPosModule(clock, 9600);
    const printer = new EscPosPrinter(module, clock, { baud: 9600 });
    await expect(printer.print({ ...SALE_RECEIPT, amountFen: -1 })).rejects.toThrow(/amountFen/);
    expect(module.received).toEqual([]);
  });
});

describe('byte links', () => {
  it('Firmata serial: configures the port, chunks writes to 29 payload bytes and forwards replies', async () => {
    const writes: number[][] = [];
    let reply: ((bytes: number[]) => void) | undefined;
    const configs: unknown[] = [];
    const io = {
      serialConfig: (o: unknown) => configs.push(o),
      serialWrite: (_port: number, bytes: number[]) => writes.push(bytes),
      serialRead: (_port: number, cb: (bytes: number[]) => void) => {
        reply = cb;
      },
    } as unknown as IoPlugin;
    const link = firmataSerialLink(io, 1, 9600);
    expect(configs).toEqual([{ portId: 1, baud: 9600 }]);
    await link.write(Uint8Array.from({ length: 70 }, (_, i) => i));
    expect(writes.map((w) => w.length)).toEqual([FIRMATA_SERIAL_CHUNK, FIRMATA_SERIAL_CHUNK, 12]);
    expect(writes.flat()).toEqual(Array.from({ length: 70 }, (_, i) => i));
    const got: number[] = [];
    const off = link.onData((b) => got.push(...b));
    reply!([0x12]);
    off();
    reply!([0x72]);
    expect(got).toEqual([0x12]);
  });

  it('Firmata serial: a plugin without serial support gets a clear error', () => {
    expect(() => firmataSerialLink({} as IoPlugin, 1, 9600)).toThrow(/no serial support/);
  });

  it('serialport: writes through the port and reports write errors', async () => {
    const listeners: ((b: Buffer) => void)[] = [];
    const written: Buffer[] = [];
    let fail = false;
    const port = {
      write: (data: Buffer, cb: (e?: Error | null) => void) => {
        written.push(data);
        cb(fail ? new Error('EIO') : null);
      },
      on: (_e: 'data', l: (b: Buffer) => void) => listeners.push(l),
      removeListener: () => undefined,
    };
    const link = serialPortLink(port);
    await link.write(Uint8Array.of(0x1b, 0x40));
    expect(written[0]).toEqual(Buffer.from([0x1b, 0x40]));
    fail = true;
    await expect(link.write(Uint8Array.of(1))).rejects.toThrow('EIO');
    const got: number[] = [];
    link.onData((b) => got.push(...b));
    listeners[0]!(Buffer.from([0x12]));
    expect(got).toEqual([0x12]);
  });
});

describe('one job at a time', () => {
  it('a second print waits for the first instead of interleaving its bytes', async () => {
    const clock = new VirtualClock();
    const module = new FakeEscPosModule(clock, 9600);
    const printer = new EscPosPrinter(module, clock, { baud: 9600 });
    const both = Promise.all([printer.print(REVERSAL_FAILED), printer.print(SALE_RECEIPT)]);
    expect(await runOnVirtualClock(clock, both)).toEqual([{ ok: true }, { ok: true }]);
    const first = encodeEscPosJob(layoutReceipt(REVERSAL_FAILED), 'once', TIMING);
    const expectedFirst = [...ESC_POS.paperStatusQuery, ...first.preamble];
    for (const line of first.lines) expectedFirst.push(...line.bytes, ...ESC_POS.paperStatusQuery);
    expect(module.received.slice(0, expectedFirst.length)).toEqual(expectedFirst);
    expect(module.received.slice(expectedFirst.length, expectedFirst.length + 5)).toEqual([...ESC_POS.paperStatusQuery, 0x1b, 0x40]);
  });

  it('a failed job does not block the next one', async () => {
    const clock = new VirtualClock();
    const printer = new EscPosPrinter(new FakeEscPosModule(clock, 9600), clock, { baud: 9600 });
    const bad = printer.print({ ...SALE_RECEIPT, amountFen: -1 });
    await expect(bad).rejects.toThrow(/amountFen/);
    expect(await runOnVirtualClock(clock, printer.print(REVERSAL_FAILED))).toEqual({ ok: true });
  });
});
