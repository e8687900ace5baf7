/**
 * The linux-gpio IO plugin: johnny-five's IO-plugin contract on Linux's own interfaces, for a board
 * that runs the terminal itself as an unprivileged user (gpio/i2c groups; no root, no pigpio):
 * - pins are lines of one GPIO character device: GPIO17 = line 17, P1-11 = header pin 11 (Raspberry
 *   Pi 40-pin header); INPUT and PULLUP lines report both edges (digitalRead's callback runs on each
 *   change, as Firmata reports a changed port), OUTPUT lines are driven;
 * - I2C goes to one i2c-dev bus, one transaction at a time in call order (a write, or a register
 *   write followed by a read), results through callbacks; errors become 'error' events.
 * Calls return at once (Tock style). The kernel is reached through LinuxBoardBindings (bindings.ts).
 */
import { EventEmitter } from 'node:events';
import { PinMode, type I2cConfigOptions, type IoPlugin, type PinInfo } from '../io-plugin.js';
import type { GpioChipBinding, GpioLineRequest, I2cBusBinding, Level, LinuxBoardBindings } from './bindings.js';

/** Raspberry Pi 40-pin header: physical pin -> BCM line (the lines of the header's gpiochip). */
const PI_HEADER: Record<number, number> = {
  3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24, 19: 10, 21: 9, 22: 25,
  23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12, 33: 13, 35: 19, 36: 16, 37: 26, 38: 20, 40: 21,
};

/** Lines a header chip exposes (BCM2835..BCM2712 header banks have 54 or fewer). */
const LINE_COUNT = 64;
const CONSUMER = 'pos-terminal';

export interface LinuxGpioIoOptions {
  gpioChip: string;
  i2cBus?: string;
  bindings: LinuxBoardBindings;
}

interface LineState {
  mode: number;
  request: GpioLineRequest;
  value: Level;
  listeners: ((value: number) => void)[];
}

type I2cJob = { kind: 'write'; address: number; bytes: Uint8Array } | { kind: 'read'; address: number; register?: number; length: number; callback: (bytes: number[]) => void };

export class LinuxGpioIo extends EventEmitter implements IoPlugin {
  readonly MODES = { INPUT: PinMode.INPUT, OUTPUT: PinMode.OUTPUT, PULLUP: PinMode.PULLUP, I2C: PinMode.I2C };
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly name = 'linux-gpio';
  readonly pins: PinInfo[];
  private readyNow = false;
  private readonly chip: GpioChipBinding;
  private i2c: I2cBusBinding | undefined;
  private readonly lines = new Map<number, LineState>();
  private readonly i2cQueue: I2cJob[] = [];
  private i2cBusy = false;
  private closed = false;

  constructor(private readonly options: LinuxGpioIoOptions) {
    super();
    this.chip = options.bindings.openGpioChip(options.gpioChip);
    this.pins = Array.from({ length: LINE_COUNT }, () => ({ supportedModes: [PinMode.INPUT, PinMode.OUTPUT, PinMode.PULLUP] }));
    // Ready on the next turn, as other IO plugins are, so callers can attach 'ready' first.
    queueMicrotask(() => {
      this.readyNow = true;
      this.emit('ready');
      this.emit('connect');
    });
  }

  get isReady(): boolean {
    return this.readyNow;
  }

  override removeListener(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.removeListener(event, listener as (...args: unknown[]) => void);
  }

  normalize(pin: number | string): number {
    if (typeof pin === 'number') return pin;
    const gpio = /^GPIO(\d{1,2})$/.exec(pin);
    if (gpio) return Number(gpio[1]);
    const header = /^P1-(\d{1,2})$/.exec(pin);
    const line = header ? PI_HEADER[Number(header[1])] : undefined;
    if (line === undefined) throw new Error(`pin ${JSON.stringify(pin)}: not a GPIO line name (GPIO17) or a Raspberry Pi header GPIO pin (P1-11)`);
    return line;
  }

  pinMode(pin: number, mode: number): void {
    this.checkLine(pin);
    this.lines.get(pin)?.request.release();
    this.lines.delete(pin);
    if (mode === PinMode.OUTPUT) {
      const request = this.chip.requestOutput(pin, 0, CONSUMER);
      this.lines.set(pin, { mode, request, value: 0, listeners: [] });
    } else if (mode === PinMode.INPUT || mode === PinMode.PULLUP) {
      const state: LineState = { mode, request: undefined as unknown as GpioLineRequest, value: 0, listeners: [] };
      state.request = this.chip.requestInput(pin, mode === PinMode.PULLUP ? 'pull-up' : 'as-is', CONSUMER, (value) => this.edge(pin, value));
      state.value = state.request.value();
      this.lines.set(pin, state);
    } else {
      throw new Error(`linux-gpio: pin ${pin}: mode ${mode} is not supported (INPUT, OUTPUT, PULLUP)`);
    }
    this.pins[pin]!.mode = mode;
  }

  digitalWrite(pin: number, value: number): void {
    const line = this.lines.get(pin);
    if (!line || line.mode !== PinMode.OUTPUT) {
      this.emit('error', new Error(`linux-gpio: digitalWrite(${pin}) on a line not set to OUTPUT`));
      return;
    }
    const level: Level = value ? 1 : 0;
    line.request.setValue(level);
    line.value = level;
    this.pins[pin]!.value = level;
  }

  /** The callback gets the level now (as Firmata's first report) and then every change. */
  digitalRead(pin: number, callback: (value: number) => void): void {
    const line = this.lines.get(pin);
    if (!line || line.mode === PinMode.OUTPUT) {
      this.emit('error', new Error(`linux-gpio: digitalRead(${pin}) on a line not set to INPUT or PULLUP`));
      return;
    }
    line.listeners.push(callback);
    const now = line.value;
    queueMicrotask(() => callback(now));
  }

  i2cConfig(_options?: I2cConfigOptions | number): void {
    if (this.i2c) return;
    if (!this.options.i2cBus) throw new Error('linux-gpio: this board config has no i2cBus (e.g. "/dev/i2c-1")');
    this.i2c = this.options.bindings.openI2cBus(this.options.i2cBus);
  }

  i2cWrite(address: number, registerOrBytes: number | number[] | Uint8Array, maybeBytes?: number[] | Uint8Array): void {
    const bytes = typeof registerOrBytes === 'number' ? [registerOrBytes, ...(maybeBytes ?? [])] : [...registerOrBytes];
    this.enqueue({ kind: 'write', address, bytes: Uint8Array.from(bytes) });
  }

  i2cReadOnce(address: number, a: number, b: number | ((bytes: number[]) => void), c?: (bytes: number[]) => void): void {
    if (typeof b === 'function') this.enqueue({ kind: 'read', address, length: a, callback: b });
    else this.enqueue({ kind: 'read', address, register: a, length: b, callback: c! });
  }

  /** Releases every line and the bus. */
  close(): void {
    this.closed = true;
    for (const line of this.lines.values()) line.request.release();
    this.lines.clear();
    this.chip.close();
    this.i2c?.close();
    this.emit('close');
  }

  private edge(pin: number, value: Level): void {
    const line = this.lines.get(pin);
    if (!line || line.value === value) return;
    line.value = value;
    this.pins[pin]!.value = value;
    for (const listener of line.listeners) listener(value);
  }

  private checkLine(pin: number): void {
    if (!Number.isInteger(pin) || pin < 0 || pin >= LINE_COUNT) throw new Error(`linux-gpio: no line ${pin} on ${this.options.gpioChip}`);
  }

  private enqueue(job: I2cJob): void {
    if (!this.i2c) this.i2cConfig();
    this.i2cQueue.push(job);
    this.pump();
  }

  /** One transaction on the bus at a time, in call order. */
  private pump(): void {
    if (this.i2cBusy || this.closed) return;
    const job = this.i2cQueue.shift();
    if (!job) return;
    this.i2cBusy = true;
    const bus = this.i2c!;
    const next = (error: Error | null): void => {
      this.i2cBusy = false;
      if (error) this.emit('error', new Error(`linux-gpio: I2C 0x${job.address.toString(16)} on ${this.options.i2cBus}: ${error.message}`));
      this.pump();
    };
    if (job.kind === 'write') {
      bus.write(job.address, job.bytes, next);
      return;
    }
    const read = (): void =>
      bus.read(job.address, job.length, (error, bytes) => {
        if (!error && bytes) job.callback([...bytes]);
        next(error);
      });
    if (job.register === undefined) read();
    else bus.write(job.address, Uint8Array.of(job.register), (error) => (error ? next(error) : read()));
  }
}
