/**
 * The linux-gpio IO plugin against fake device bindings: a fake GPIO chip whose lines the test drives
 * and reads, and a fake i2c-dev bus that records transactions and can fail one.
 */
import { describe, expect, it } from 'vitest';
import { PinMode } from '../../firmware/hal/io-plugin.js';
import type { GpioChipBinding, I2cBusBinding, Level, LinuxBoardBindings } from '../../firmware/hal/linux-gpio/bindings.js';
import { LinuxGpioIo } from '../../firmware/hal/linux-gpio/linux-gpio-io.js';
import { importOptional } from '../../firmware/hal/linux-gpio/native-bindings.js';
import { loadBoard } from '../../firmware/hal/board-loader.js';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { VirtualClock } from '../../firmware/hal/clock.js';

class FakeChip implements GpioChipBinding {
  readonly levels = new Map<number, Level>();
  readonly requested = new Map<number, { kind: 'in' | 'out'; bias?: string; onEdge?: (v: Level) => void }>();
  readonly released: number[] = [];
  closed = false;
  requestOutput(offset: number, initial: Level) {
    if (this.requested.has(offset)) throw new Error(`line ${offset} busy`);
    this.requested.set(offset, { kind: 'out' });
    this.levels.set(offset, initial);
    return this.request(offset);
  }
  requestInput(offset: number, bias: 'pull-up' | 'as-is', _consumer: string, onEdge: (v: Level) => void) {
    if (this.requested.has(offset)) throw new Error(`line ${offset} busy`);
    this.requested.set(offset, { kind: 'in', bias, onEdge });
    if (!this.levels.has(offset)) this.levels.set(offset, bias === 'pull-up' ? 1 : 0);
    return this.request(offset);
  }
  /** The outside world moves an input line: the kernel reports the edge. */
  drive(offset: number, value: Level) {
    this.levels.set(offset, value);
    this.requested.get(offset)?.onEdge?.(value);
  }
  close() {
    this.closed = true;
  }
  private request(offset: number) {
    return {
      value: () => this.levels.get(offset) ?? 0,
      setValue: (v: Level) => void this.levels.set(offset, v),
      release: () => {
        this.requested.delete(offset);
        this.released.push(offset);
      },
    };
  }
}

class FakeBus implements I2cBusBinding {
  readonly log: string[] = [];
  failNext = false;
  pending: (() => void)[] = [];
  write(address: number, bytes: Uint8Array, done: (e: Error | null) => void) {
    this.log.push(`w ${address.toString(16)} ${Buffer.from(bytes).toString('hex')}`);
    const fail = this.failNext;
    this.failNext = false;
    this.pending.push(() => done(fail ? new Error('Remote I/O error') : null));
  }
  read(address: number, length: number, done: (e: Error | null, b?: Uint8Array) => void) {
    this.log.push(`r ${address.toString(16)} ${length}`);
    this.pending.push(() => done(null, Uint8Array.from({ length }, (_, i) => 0xa0 + i)));
  }
  /** Completes the transaction in flight (the kernel's answer). */
  complete() {
    this.pending.shift()?.();
  }
  close() {}
}

function plugin(i2cBus?: string) {
  const chip = new FakeChip();
  const bus = new FakeBus();
  const bindings: LinuxBoardBindings = { openGpioChip: () => chip, openI2cBus: () => bus };
  const io = new LinuxGpioIo({ gpioChip: '/dev/gpiochip0', ...(i2cBus ? { i2cBus } : {}), bindings });
  return { io, chip, bus };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('linux-gpio IO plugin (fake bindings)', () => {
  it('becomes ready, and names pins as GPIO lines or Raspberry Pi header pins', async () => {
    const { io } = plugin();
    await new Promise<void>((resolve) => io.once('ready', resolve));
    expect(io.isReady).toBe(true);
    expect(io.normalize('GPIO17')).toBe(17);
    expect(io.normalize('P1-11')).toBe(17);
    expect(io.normalize('P1-40')).toBe(21);
    expect(() => io.normalize('P1-1')).toThrow(/not a GPIO line name/);
  });

  it('drives outputs, reports input edges to digitalRead (first the level now), pull-up bias for PULLUP', async () => {
    const { io, chip } = plugin();
    io.pinMode(5, PinMode.OUTPUT);
    io.digitalWrite(5, 1);
    expect(chip.levels.get(5)).toBe(1);
    io.pinMode(12, PinMode.PULLUP);
    expect(chip.requested.get(12)?.bias).toBe('pull-up');
    const seen: number[] = [];
    io.digitalRead(12, (v) => seen.push(v));
    await tick();
    chip.drive(12, 0);
    chip.drive(12, 0); // no change, no report
    chip.drive(12, 1);
    expect(seen).toEqual([1, 0, 1]);
  });

  it('re-requesting a line releases it first; close releases everything', () => {
    const { io, chip } = plugin();
    io.pinMode(6, PinMode.OUTPUT);
    io.pinMode(6, PinMode.INPUT);
    expect(chip.released).toEqual([6]);
    expect(chip.requested.get(6)?.kind).toBe('in');
    io.close();
    expect(chip.released).toEqual([6, 6]);
    expect(chip.closed).toBe(true);
  });

  it('a write to a line that is not an output is an error event, not a throw', () => {
    const { io } = plugin();
    const errors: string[] = [];
    io.on('error', (e: Error) => errors.push(e.message));
    io.pinMode(7, PinMode.INPUT);
    io.digitalWrite(7, 1);
    expect(errors).toEqual(['linux-gpio: digitalWrite(7) on a line not set to OUTPUT']);
  });

  it('I2C: one transaction at a time in call order; a register read is a write then a read; a failure is an error event and the queue goes on', () => {
    const { io, bus } = plugin('/dev/i2c-1');
    const errors: string[] = [];
    io.on('error', (e: Error) => errors.push(e.message));
    io.i2cConfig();
    const got: number[][] = [];
    bus.failNext = true;
    io.i2cWrite(0x27, [0x08, 0x0c]);
    io.i2cReadOnce(0x50, 0x10, 2, (b) => got.push(b));
    io.i2cWrite(0x27, 0x01, [0x02]);
    expect(bus.log).toEqual(['w 27 080c']); // nothing else until the kernel answers
    bus.complete();
    expect(errors).toEqual(['linux-gpio: I2C 0x27 on /dev/i2c-1: Remote I/O error']);
    expect(bus.log).toEqual(['w 27 080c', 'w 50 10']);
    bus.complete();
    expect(bus.log.at(-1)).toBe('r 50 2');
    bus.complete();
    expect(got).toEqual([[0xa0, 0xa1]]);
    expect(bus.log.at(-1)).toBe('w 27 0102');
  });

  it('I2C without an i2cBus in the config says so', () => {
    const { io } = plugin();
    expect(() => io.i2cConfig()).toThrow(/this board config has no i2cBus/);
  });

  it('loadBoard opens raspi.json on the plugin with injected bindings, and the keypad rows are driven', async () => {
    const chip = new FakeChip();
    const bindings: LinuxBoardBindings = { openGpioChip: () => chip, openI2cBus: () => new FakeBus() };
    const config = readBoardConfig('board-configs/raspi.json');
    const board = await loadBoard(config, new VirtualClock(), bindings);
    expect(board.io.normalize!('GPIO5')).toBe(5);
    await board.close();
    expect(chip.closed).toBe(true);
  });
});

describe('optional native packages report the real load error', () => {
  it('a missing package: not installed', async () => {
    const missing = Object.assign(new Error("Cannot find package 'node-libgpiod' imported from x"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(importOptional('node-libgpiod', 'board.kind "linux-gpio"', () => Promise.reject(missing))).rejects.toThrow(/needs the node-libgpiod package, which is not installed/);
  });
  it("a package whose native dependency failed (raspi-io's pigpio): installed but failed to load, with the loader's own error", async () => {
    const failed = Object.assign(new Error("Cannot find module '../build/Release/pigpio.node'\nRequire stack: ..."), { code: 'MODULE_NOT_FOUND' });
    await expect(importOptional('raspi-io', 'board kind "raspi-io"', () => Promise.reject(failed))).rejects.toThrow(
      /^board kind "raspi-io" needs raspi-io, which is installed but failed to load: Cannot find module '\.\.\/build\/Release\/pigpio\.node'$/,
    );
  });
});
