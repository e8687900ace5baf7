/**
 * A test double of the IO-plugin contract that records every bus transaction in order, answers I2C
 * reads through a responder, and lets a test drive digital inputs (firing the report callbacks).
 */
import type { I2cConfigOptions, IoPlugin, PinInfo } from '../../firmware/hal/io-plugin.js';
import { PinMode } from '../../firmware/hal/io-plugin.js';

export type Transaction =
  | { op: 'pinMode'; pin: number; mode: number }
  | { op: 'digitalWrite'; pin: number; value: number }
  | { op: 'digitalRead'; pin: number }
  | { op: 'i2cConfig' }
  | { op: 'i2cWrite'; address: number; bytes: number[] }
  | { op: 'i2cReadOnce'; address: number; length: number };

export type I2cReadResponder = (address: number, length: number) => number[] | undefined;

export class RecordingIo implements IoPlugin {
  readonly isReady = true;
  readonly pins: PinInfo[] = Array.from({ length: 40 }, () => ({ supportedModes: [0, 1, 6, 11] }));
  readonly MODES: Record<string, number> = { ...PinMode };
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly log: Transaction[] = [];
  /** Current output level (for OUTPUT pins) as last written. */
  readonly outputs = new Map<number, number>();
  readonly modes = new Map<number, number>();
  private readonly readers = new Map<number, ((value: number) => void)[]>();
  private readonly inputs = new Map<number, number>();
  /** Answers i2cReadOnce; undefined leaves the read unanswered (a dead bus). */
  respond: I2cReadResponder = (_a, length) => Array<number>(length).fill(0);
  /** Delivers an I2C read's answer; a test can hold it back (other traffic ahead on the wire). */
  deliverAnswer: (length: number, deliver: () => void) => void = (_length, deliver) => queueMicrotask(deliver);
  /** Called after every i2cWrite, so a peripheral model can take the bytes. */
  onI2cWrite: (address: number, bytes: number[]) => void = () => undefined;
  /** Called after every digitalWrite/pinMode, so a peripheral model can react (e.g. a key matrix). */
  onPinChange: () => void = () => undefined;

  private readonly listeners = new Map<string, ((...args: never[]) => void)[]>();

  on(event: string, listener: (...args: never[]) => void): unknown {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(_event: string, listener: () => void): unknown {
    listener();
    return this;
  }
  pinMode(pin: number, mode: number): void {
    this.log.push({ op: 'pinMode', pin, mode });
    this.modes.set(pin, mode);
    this.onPinChange();
  }
  digitalWrite(pin: number, value: number): void {
    this.log.push({ op: 'digitalWrite', pin, value });
    this.outputs.set(pin, value);
    this.onPinChange();
  }
  digitalRead(pin: number, callback: (value: number) => void): void {
    this.log.push({ op: 'digitalRead', pin });
    this.readers.set(pin, [...(this.readers.get(pin) ?? []), callback]);
  }
  i2cConfig(_options?: I2cConfigOptions | number): void {
    this.log.push({ op: 'i2cConfig' });
  }
  i2cWrite(address: number, registerOrBytes: number | number[] | Uint8Array, bytes?: number[] | Uint8Array): void {
    const all = typeof registerOrBytes === 'number' ? [registerOrBytes, ...(bytes ?? [])] : [...registerOrBytes];
    this.log.push({ op: 'i2cWrite', address, bytes: all });
    this.onI2cWrite(address, all);
  }
  i2cReadOnce(address: number, a: number, b: number | ((bytes: number[]) => void), c?: (bytes: number[]) => void): void {
    if (typeof b !== 'number' || !c) {
      const length = a;
      const callback = b as (bytes: number[]) => void;
      this.log.push({ op: 'i2cReadOnce', address, length });
      const answer = this.respond(address, length);
      // Like firmata-io: the reply event (register 0 when none was given), and the request's callback.
      if (answer) {
        this.deliverAnswer(length, () => {
          for (const listener of this.listeners.get(`I2C-reply-${address}-0`) ?? []) (listener as (bytes: number[]) => void)(answer);
          callback(answer);
        });
      }
      return;
    }
    throw new Error('RecordingIo: register reads are not used by these drivers');
  }

  /** Sets a digital input's level; report callbacks fire only on a change, like Firmata. */
  setInput(pin: number, value: number): void {
    if (this.inputs.get(pin) === value) return;
    this.inputs.set(pin, value);
    for (const callback of this.readers.get(pin) ?? []) callback(value);
  }

  take(): Transaction[] {
    return this.log.splice(0);
  }
}
