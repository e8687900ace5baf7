/**
 * VirtualIo: the IO-plugin contract implemented in-process on a BoardModel, with StandardFirmataPlus
 * semantics (the same core the Firmata emulator runs) but no byte stream. It behaves like
 * firmata-io: calls return at once, reports arrive later through callbacks. Every call is also
 * encoded as the Firmata message it would be, and counted on two WireAccounts, so a driver's wire
 * budget measured here matches the real board.
 *
 * paced: false (default) — commands act at once (stamped with the board time they would have
 * arrived at), replies come on the next event-loop turn.
 * paced: true — commands act when they would have crossed a 57600-baud wire and replies arrive
 * after their own wire time, on the board's clock (use a VirtualClock for deterministic timing).
 */
import { EventEmitter } from 'node:events';
import { PinMode, type I2cConfigOptions, type IoPlugin, type PinInfo, type SerialConfigOptions } from '../io-plugin.js';
import type { BoardModel } from './board-model.js';
import { pinCapabilities } from './board-profiles.js';
import { encodeCommand, encodeReply } from './firmata-messages.js';
import { OrderedTimeline } from './ordered-timeline.js';
import { StandardFirmataPlus, type FirmataReply } from './standard-firmata-plus.js';
import { FIRMATA_DEFAULT_BAUD, WireAccount } from './wire-account.js';

export interface VirtualIoOptions {
  board: BoardModel;
  paced?: boolean;
  baud?: number;
}

type ByteCallback = (bytes: number[]) => void;

const NO_ANALOG_CHANNEL = 127;

export class VirtualIo extends EventEmitter implements IoPlugin {
  readonly MODES: Record<string, number> = { ...PinMode };
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly name = 'VirtualIo';
  readonly pins: PinInfo[];
  readonly board: BoardModel;
  readonly firmware: StandardFirmataPlus;
  /** Host -> board and board -> host wire accounting. */
  readonly wire: { toBoard: WireAccount; toHost: WireAccount };
  isReady = false;
  private readonly paced: boolean;
  private readonly timeline: OrderedTimeline;
  private readonly i2cListeners = new Map<string, { callback: ByteCallback; once: boolean }[]>();
  private readonly serialListeners = new Map<number, ByteCallback[]>();
  private readonly digitalListeners = new Map<number, ((value: number) => void)[]>();
  private i2cConfigured = false;
  private closed = false;

  constructor(options: VirtualIoOptions) {
    super();
    this.board = options.board;
    this.paced = options.paced ?? false;
    const baud = options.baud ?? FIRMATA_DEFAULT_BAUD;
    this.wire = { toBoard: new WireAccount(baud), toHost: new WireAccount(baud) };
    this.timeline = new OrderedTimeline(this.board.clock);
    this.firmware = new StandardFirmataPlus(this.board, {
      emit: (reply, atUs) => this.deliver(reply, atUs),
      writableAtUs: (atUs) => (this.paced ? Math.max(atUs, this.wire.toHost.idleAtUs - 64 * this.wire.toHost.byteUs) : atUs),
    });
    const profile = this.board.profile;
    this.pins = Array.from({ length: profile.totalPins }, (_, pin) => ({
      supportedModes: pinCapabilities(profile, pin).map(([mode]) => mode),
      mode: this.firmware.pinModes[pin],
      value: 0,
      report: 1,
      analogChannel: profile.analogChannel(pin) ?? NO_ANALOG_CHANNEL,
    }));
    setImmediate(() => {
      this.isReady = true;
      this.emit('connect');
      this.emit('ready');
    });
  }

  // Narrows EventEmitter's generic signature to the contract's.
  override removeListener(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.removeListener(event, listener as (...args: unknown[]) => void);
  }

  pinMode(pin: number, mode: number): void {
    const info = this.pin(pin);
    if (!info.supportedModes.includes(mode)) {
      throw new Error(`pin ${pin} does not support mode ${mode} (supports ${info.supportedModes.join(', ') || 'none'})`);
    }
    info.mode = mode;
    this.send(encodeCommand.pinMode(pin, mode), (at) => this.firmware.setPinMode(pin, mode, at));
  }

  digitalWrite(pin: number, value: number): void {
    const info = this.pin(pin);
    info.value = value ? 1 : 0;
    const port = pin >> 3;
    let portValue = 0;
    for (let bit = 0; bit < 8; bit++) if (this.pins[port * 8 + bit]?.value) portValue |= 1 << bit;
    this.send(encodeCommand.digitalPort(port, portValue), (at) => this.firmware.digitalWritePort(port, portValue, at));
  }

  digitalRead(pin: number, callback: (value: number) => void): void {
    this.reportDigitalPin(pin, 1);
    const list = this.digitalListeners.get(pin) ?? [];
    list.push(callback);
    this.digitalListeners.set(pin, list);
  }

  reportDigitalPin(pin: number, value: 0 | 1): void {
    this.pin(pin).report = value;
    const port = pin >> 3;
    this.send(encodeCommand.reportDigital(port, value === 1), (at) => this.firmware.reportDigital(port, value === 1, at));
  }

  /** PIN_STATE_QUERY; like firmata-io, the answer emits `pin-state-<pin>` and calls `callback` once. */
  queryPinState(pin: number, callback: () => void): void {
    this.once(`pin-state-${pin}`, callback);
    this.send(encodeCommand.pinStateQuery(pin), (at) => this.firmware.queryPinState(pin, at));
  }

  setSamplingInterval(ms: number): void {
    if (!Number.isInteger(ms) || ms < 1 || ms > 0x3fff) throw new Error(`sampling interval must be 1-16383 ms, got ${ms}`);
    this.send(encodeCommand.samplingInterval(ms), () => this.firmware.setSamplingInterval(ms));
  }

  i2cConfig(options?: I2cConfigOptions | number): void {
    const delay = typeof options === 'number' ? options : (options?.delay ?? 0);
    this.i2cConfigured = true;
    this.send(encodeCommand.i2cConfig(delay), () => this.firmware.i2cConfig(delay));
  }

  i2cWrite(address: number, registerOrBytes: number | number[] | Uint8Array, maybeBytes?: number | number[] | Uint8Array): void {
    this.requireI2c();
    let bytes: number[];
    if (typeof registerOrBytes === 'number') {
      if (maybeBytes === undefined) bytes = [registerOrBytes];
      else bytes = [registerOrBytes, ...(typeof maybeBytes === 'number' ? [maybeBytes] : Array.from(maybeBytes))];
    } else {
      bytes = Array.from(registerOrBytes);
    }
    checkBytes(bytes, 'i2cWrite');
    this.send(encodeCommand.i2cWrite(address, bytes), (at) => this.firmware.i2cWrite(address, bytes, at));
  }

  i2cWriteReg(address: number, register: number, byte: number): void {
    this.i2cWrite(address, register, [byte]);
  }

  i2cReadOnce(address: number, registerOrCount: number, countOrCallback: number | ByteCallback, maybeCallback?: ByteCallback): void {
    this.i2cReadRequest(false, address, registerOrCount, countOrCallback, maybeCallback);
  }

  i2cRead(address: number, registerOrCount: number, countOrCallback: number | ByteCallback, maybeCallback?: ByteCallback): void {
    this.i2cReadRequest(true, address, registerOrCount, countOrCallback, maybeCallback);
  }

  i2cStop(options: { address: number } | number): void {
    const address = typeof options === 'number' ? options : options.address;
    for (const key of [...this.i2cListeners.keys()]) if (key.startsWith(`${address}-`)) this.i2cListeners.delete(key);
    this.send(encodeCommand.i2cStop(address), () => this.firmware.i2cStopReading(address));
  }

  serialConfig(options: SerialConfigOptions): void {
    const { portId, baud, rxPin, txPin } = options;
    if (!this.board.serialLine(portId)) {
      throw new Error(`serial port ${portId} does not exist on ${this.board.profile.name} (SerialFirmata ports: ${this.serialPortIds().join(', ')})`);
    }
    if (portId > 7 && (rxPin === undefined || txPin === undefined)) throw new Error('Both RX and TX pins must be defined when using Software Serial.');
    this.send(encodeCommand.serialConfig(portId, baud, rxPin, txPin), (at) => this.firmware.serialConfig(portId, baud, rxPin, txPin, at));
  }

  serialWrite(portId: number, bytes: number[]): void {
    checkBytes(bytes, 'serialWrite');
    if (bytes.length === 0) return;
    this.send(encodeCommand.serialWrite(portId, bytes), (at) => this.firmware.serialWrite(portId, bytes, at));
  }

  serialRead(portId: number, maxOrCallback: number | ByteCallback, maybeCallback?: ByteCallback): void {
    const callback = typeof maxOrCallback === 'function' ? maxOrCallback : maybeCallback;
    if (!callback) throw new Error('serialRead needs a callback');
    const max = typeof maxOrCallback === 'number' ? maxOrCallback : undefined;
    const list = this.serialListeners.get(portId) ?? [];
    list.push(callback);
    this.serialListeners.set(portId, list);
    this.send(encodeCommand.serialRead(portId, true, max), (at) => this.firmware.serialRead(portId, true, max ?? 0, at));
  }

  serialStop(portId: number): void {
    this.serialListeners.delete(portId);
    this.send(encodeCommand.serialRead(portId, false), (at) => this.firmware.serialRead(portId, false, 0, at));
  }

  serialClose(portId: number): void {
    this.send(encodeCommand.serialClose(portId), () => this.firmware.serialClose(portId));
  }

  /** Stops delivering anything; the board model stays as it is. */
  close(): void {
    this.closed = true;
    this.timeline.cancelAll();
    this.emit('close');
  }

  private i2cReadRequest(
    continuous: boolean,
    address: number,
    registerOrCount: number,
    countOrCallback: number | ByteCallback,
    maybeCallback?: ByteCallback,
  ): void {
    this.requireI2c();
    const hasRegister = typeof countOrCallback === 'number';
    const register = hasRegister ? registerOrCount : undefined;
    const count = hasRegister ? (countOrCallback as number) : registerOrCount;
    const callback = hasRegister ? maybeCallback : (countOrCallback as ByteCallback);
    if (!callback) throw new Error('i2c read needs a callback');
    if (!Number.isInteger(count) || count < 1) throw new Error(`i2c read byte count must be a positive integer, got ${count}`);
    const key = `${address}-${register ?? 0}`;
    const list = this.i2cListeners.get(key) ?? [];
    list.push({ callback, once: !continuous });
    this.i2cListeners.set(key, list);
    this.send(encodeCommand.i2cRead(address, register, count, continuous), (at) =>
      continuous ? this.firmware.i2cReadContinuous(address, register, count, at) : this.firmware.i2cReadOnce(address, register, count, at),
    );
  }

  private send(bytes: number[], apply: (atUs: number) => void): void {
    if (this.closed) throw new Error('VirtualIo is closed');
    const arrivalUs = this.wire.toBoard.carry(bytes.length, this.board.nowUs());
    // Unpaced, the command acts now but at the board time it would have arrived, so timing models
    // (HD44780 execution times, EEPROM write cycles) judge the same spacing as on the real wire.
    if (this.paced) this.timeline.at(arrivalUs, () => apply(Math.max(arrivalUs, this.firmware.busyUntilUs)));
    else apply(Math.max(arrivalUs, this.firmware.busyUntilUs));
  }

  private deliver(reply: FirmataReply, atUs: number): void {
    const arrivedUs = this.wire.toHost.carry(encodeReply(reply).length, atUs);
    if (this.paced) this.timeline.at(arrivedUs, () => this.handleReply(reply));
    else setImmediate(() => this.handleReply(reply));
  }

  private handleReply(reply: FirmataReply): void {
    if (this.closed) return;
    switch (reply.kind) {
      case 'digital-port':
        for (let bit = 0; bit < 8; bit++) {
          const pin = reply.port * 8 + bit;
          const info = this.pins[pin];
          if (!info || (info.mode !== PinMode.INPUT && info.mode !== PinMode.PULLUP)) continue;
          info.value = (reply.value >> bit) & 1;
          for (const listener of this.digitalListeners.get(pin) ?? []) listener(info.value);
        }
        break;
      case 'i2c-reply': {
        const key = `${reply.address}-${reply.register}`;
        const list = this.i2cListeners.get(key) ?? [];
        const keep = list.filter((l) => !l.once);
        if (keep.length > 0) this.i2cListeners.set(key, keep);
        else this.i2cListeners.delete(key);
        for (const l of list) l.callback(reply.bytes);
        this.emit(`I2C-reply-${reply.address}-${reply.register}`, reply.bytes);
        break;
      }
      case 'serial-reply':
        for (const listener of this.serialListeners.get(reply.portId) ?? []) listener(reply.bytes);
        break;
      case 'string':
        this.emit('string', reply.text);
        break;
      case 'pin-state':
        this.emit(`pin-state-${reply.pin}`);
        break;
      case 'analog':
        break;
    }
  }

  private pin(pin: number): PinInfo {
    const info = this.pins[pin];
    if (!Number.isInteger(pin) || !info) {
      throw new Error(`pin ${pin} does not exist on ${this.board.profile.name} (0-${this.pins.length - 1})`);
    }
    return info;
  }

  private requireI2c(): void {
    if (!this.i2cConfigured) throw new Error('I2C is not enabled for this board. To enable, call the i2cConfig() method.');
  }

  private serialPortIds(): number[] {
    return [...this.board.profile.hardwareSerial.map((p) => p.portId), ...this.board.profile.softwareSerialIds];
  }
}

function checkBytes(bytes: readonly number[], what: string): void {
  for (const b of bytes) {
    if (!Number.isInteger(b) || b < 0 || b > 0xff) throw new Error(`${what}: ${b} is not a byte (0-255)`);
  }
}
