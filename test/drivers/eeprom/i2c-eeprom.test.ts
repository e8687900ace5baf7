import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { FlashRuleViolation } from '../../../firmware/drivers/flash/flash-device.js';
import { I2cEeprom, type EepromPartName } from '../../../firmware/drivers/flash/i2c-eeprom.js';
import { RecordingIo, type Transaction } from '../../hal/recording-io.js';
import { EepromModel } from './eeprom-model.js';
import { runUntilSettled } from '../../hal/run-until-settled.js';

const ADDRESS = 0x50;

/** `wire`: 0 for a local bus, 'firmata' for the driver's default (Firmata at 57600 baud). */
function rig(part: EepromPartName = 'AT24C256', wire: 0 | 'firmata' = 0) {
  const io = new RecordingIo();
  const clock = new VirtualClock();
  const fram = part.startsWith('FM');
  const size = part === 'FM24CL64' ? 8192 : 32768;
  const model = new EepromModel(clock, ADDRESS, size, fram ? size : 64, fram ? 0 : 5);
  model.attach(io);
  const writeTimes: number[] = [];
  const modelWrite = io.onI2cWrite;
  io.onI2cWrite = (address, bytes) => {
    if (bytes.length > 2) writeTimes.push(clock.now());
    modelWrite(address, bytes);
  };
  const eeprom = new I2cEeprom({ io, clock, address: ADDRESS, part, ...(wire === 0 ? { msPerWireByte: 0, i2cMsPerByte: 0 } : {}) });
  const drive = <T>(promise: Promise<T>) => runUntilSettled(clock, promise);
  return { io, clock, model, eeprom, drive, writeTimes };
}

const writes = (log: Transaction[]) =>
  log.filter((t): t is Extract<Transaction, { op: 'i2cWrite' }> => t.op === 'i2cWrite' && t.bytes.length > 2);

describe('I2C EEPROM FlashDevice (AT24C256)', () => {
  it('has EEPROM geometry: no erase needed, byte program unit, 32 KiB', () => {
    expect(rig().eeprom.geometry).toEqual({ size: 32768, sectorSize: 1024, programUnit: 1, erasedValue: 0xff, needsErase: false });
  });

  it('writes in page-bounded chunks that fit a Firmata I2C request, and reads back what it wrote', async () => {
    const { io, eeprom, model, drive } = rig();
    const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 7 + 3) & 0xff);
    await drive(eeprom.program(50, data));
    const log = writes(io.take());
    for (const w of log) {
      expect(w.bytes.length).toBeLessThanOrEqual(29);
      const at = (w.bytes[0]! << 8) | w.bytes[1]!;
      const end = at + w.bytes.length - 2 - 1;
      expect(Math.floor(at / 64)).toBe(Math.floor(end / 64));
    }
    // 50..63 (14), 64..127 as 27+27+10, 128..191 as 27+27+10, 192..249 as 27+27+4
    expect(log.map((w) => w.bytes.length - 2)).toEqual([14, 27, 27, 10, 27, 27, 10, 27, 27, 4]);
    expect(Array.from(model.memory.slice(50, 250))).toEqual(Array.from(data));
    expect(model.nacked).toBe(0);
    expect(Array.from(await drive(eeprom.read(50, 200)))).toEqual(Array.from(data));
  });

  it('waits out the 5 ms write cycle on the clock between writes, plus the write\'s own wire time over Firmata', async () => {
    const local = rig('AT24C256', 0);
    await local.drive(local.eeprom.program(0, new Uint8Array(60).fill(1)));
    expect(local.writeTimes).toEqual([0, 5, 10]);
    const firmata = rig('AT24C256', 'firmata');
    await firmata.drive(firmata.eeprom.program(0, new Uint8Array(60).fill(1)));
    const gap = firmata.writeTimes[1]! - firmata.writeTimes[0]!;
    expect(gap).toBeCloseTo(5 + (5 + 2 * 29) * (10 / 57.6) + 30 * 0.09, 6);
    expect(firmata.model.nacked).toBe(0);
  });

  it('queues a 1-byte barrier read just before each write and times the write cycle from its answer', async () => {
    const { io, clock, eeprom, model, drive, writeTimes } = rig();
    // Other traffic on the wire holds the barrier's answer (and the write behind it) back by 7 ms.
    io.deliverAnswer = (length, deliver) => (length === 1 ? clock.setTimer(7, deliver) : queueMicrotask(deliver));
    await drive(eeprom.program(0, new Uint8Array(60).fill(1)));
    const ops = io.take().filter((t) => t.op === 'i2cReadOnce' || (t.op === 'i2cWrite' && t.bytes.length > 2));
    expect(ops.slice(0, 6).map((t) => (t.op === 'i2cReadOnce' ? `read ${t.length}` : 'write'))).toEqual(['read 1', 'write', 'read 1', 'write', 'read 1', 'write']);
    // the write queued at 0 could have reached the chip as late as 7: its cycle is waited out to 12
    expect(writeTimes).toEqual([0, 12, 24]);
    expect(model.nacked).toBe(0);
  });

  it('fails a program when the barrier read is never answered, naming it', async () => {
    const { io, eeprom, drive } = rig();
    io.respond = () => undefined;
    await expect(drive(eeprom.program(0, new Uint8Array([1])))).rejects.toThrow(
      /^EEPROM 0x50 did not answer the read that times its write cycle within 1000 ms$/,
    );
  });

  it('catches a write the chip NACKed (a part slower than its data sheet) instead of losing it silently', async () => {
    const { eeprom, model, drive } = rig();
    (model as unknown as { writeCycleMs: number }).writeCycleMs = 8;
    // a read may land in a write cycle and go unanswered on this dead-on-NACK rig: either way the program fails
    await expect(drive(eeprom.program(0, new Uint8Array(60).fill(0x42)))).rejects.toThrow(
      /^EEPROM 0x50(: byte \d+ reads back 0x[0-9a-f]+ after writing 0x42 \(after a rewrite\)| did not answer a \d+-byte read at \d+ within 1000 ms \(after a rewrite\)| did not answer the read that times its write cycle within 1000 ms)$/,
    );
    expect(model.nacked).toBeGreaterThan(0);
  });

  it('rewrites once when the read-back differs, then fails naming the byte', async () => {
    const { io, eeprom, model, drive } = rig();
    io.respond = (address, length) => (address === ADDRESS ? model.read(length)?.map((b) => b & 0xfe) : undefined);
    await expect(drive(eeprom.program(10, new Uint8Array([0x41, 0x43])))).rejects.toThrow(
      /^EEPROM 0x50: byte 10 reads back 0x40 after writing 0x41 \(after a rewrite\)$/,
    );
    expect(model.writeCycles).toBe(2);
  });

  it('resolves a program only after its last write cycle and read-back, so it is durable then', async () => {
    const { eeprom, clock, drive } = rig();
    let done = false;
    const programmed = eeprom.program(0, new Uint8Array([1, 2, 3])).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    clock.advance(4.9);
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    await drive(programmed);
    expect(clock.now()).toBe(5);
  });

  it('reads in chunks of at most 32 bytes, setting the address pointer before each', async () => {
    const { io, eeprom, model, drive } = rig();
    model.memory.set(Uint8Array.from({ length: 100 }, (_, i) => i), 1000);
    io.take();
    const bytes = await drive(eeprom.read(1000, 100));
    expect(Array.from(bytes)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const log = io.take();
    expect(log.filter((t) => t.op === 'i2cReadOnce').map((t) => (t as { length: number }).length)).toEqual([32, 32, 32, 4]);
    expect(log.filter((t) => t.op === 'i2cWrite').map((t) => (t as { bytes: number[] }).bytes)).toEqual([
      [0x03, 0xe8],
      [0x04, 0x08],
      [0x04, 0x28],
      [0x04, 0x48],
    ]);
  });

  it('runs a read issued during a program after the write cycle, never into a NACK', async () => {
    const { eeprom, model, drive } = rig();
    const programmed = eeprom.program(10, new Uint8Array([9, 8, 7]));
    const read = eeprom.read(10, 3);
    await drive(programmed);
    expect(Array.from(await drive(read))).toEqual([9, 8, 7]);
    expect(model.nacked).toBe(0);
  });

  it('erases a sector to 0xFF and counts programs, bytes, erases and syncs', async () => {
    const { eeprom, model, drive } = rig();
    await drive(eeprom.program(1024, new Uint8Array(10)));
    await drive(eeprom.erase(1));
    await drive(eeprom.sync());
    expect(model.memory.slice(1024, 2048).every((b) => b === 0xff)).toBe(true);
    const counters = eeprom.counters();
    expect(counters).toMatchObject({ programs: 1, bytesProgrammed: 10, erases: 1, syncs: 1 });
    expect(counters.eraseCountPerSector.slice(0, 3)).toEqual([0, 1, 0]);
    expect(counters.eraseCountPerSector).toHaveLength(32);
  });

  it('rejects out-of-range operations with a FlashRuleViolation', async () => {
    const { eeprom } = rig();
    await expect(eeprom.program(32760, new Uint8Array(10))).rejects.toBeInstanceOf(FlashRuleViolation);
    await expect(eeprom.read(-1, 4)).rejects.toThrow(/read of 4 bytes at -1 is outside the 32768-byte device/);
    await expect(eeprom.erase(32)).rejects.toThrow(/sectors 0-31/);
  });

  it('fails a read the chip never answers, after the timeout, with the address and offset', async () => {
    const { io, eeprom, drive } = rig();
    io.respond = () => undefined;
    await expect(drive(eeprom.read(256, 8))).rejects.toThrow(/EEPROM 0x50 did not answer a 8-byte read at 256 within 1000 ms/);
  });

  it('rejects a bad part, address or sector size when built', () => {
    const io = new RecordingIo();
    const clock = new VirtualClock();
    expect(() => new I2cEeprom({ io, clock, address: ADDRESS, part: 'AT24C999' as EepromPartName })).toThrow(/unknown EEPROM\/FRAM part "AT24C999"/);
    expect(() => new I2cEeprom({ io, clock, address: 0x90, part: 'AT24C256' })).toThrow(/not a 7-bit I2C address/);
    expect(() => new I2cEeprom({ io, clock, address: ADDRESS, part: 'AT24C256', sectorSize: 1000 })).toThrow(/must divide/);
  });
});

describe('I2C FRAM FlashDevice (FM24C256)', () => {
  it('writes without a write-cycle wait or page limit', async () => {
    const { io, eeprom, model, clock, drive } = rig('FM24C256');
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    await drive(eeprom.program(60, data));
    expect(clock.now()).toBe(0);
    expect(writes(io.take()).map((w) => w.bytes.length - 2)).toEqual([27, 27, 27, 19]);
    expect(Array.from(model.memory.slice(60, 160))).toEqual(Array.from(data));
  });
});
