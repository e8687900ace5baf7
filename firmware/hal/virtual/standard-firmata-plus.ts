/**
 * What StandardFirmataPlus does with each (already decoded) Firmata command, on a BoardModel:
 * pin modes and the AVR port/pull-up side effects, digital port writes, change reporting
 * (including the immediate report when reporting is turned on), I2C through Wire (32-byte
 * buffer, 70 us after each write, a short read answered with only the bytes received), continuous I2C reads
 * every sampling interval, and SerialFirmata on hardware and software ports. Replies come out as
 * decoded values; the Firmata emulator encodes them onto its wire, VirtualIo hands them to
 * callbacks. It also keeps `busyUntilUs`: how long the firmware's loop is stuck in a blocking call
 * (Wire transfers, a full serial transmit buffer), during which its input is not read.
 */
import { PinMode } from '../io-plugin.js';
import type { BoardModel, Level } from './board-model.js';
import type { TimerHandle } from '../clock.js';

export type FirmataReply =
  | { kind: 'digital-port'; port: number; value: number }
  | { kind: 'analog'; channel: number; value: number }
  | { kind: 'i2c-reply'; address: number; register: number; bytes: number[] }
  | { kind: 'serial-reply'; portId: number; bytes: number[] }
  | { kind: 'string'; text: string }
  /** PIN_STATE_RESPONSE: mode and state of a pin (for an input, its pull-up); only `pin` for a pin that does not exist. */
  | { kind: 'pin-state'; pin: number; mode?: number; state?: number };

export interface FirmwareOutput {
  emit(reply: FirmataReply, atUs: number): void;
  /** Earliest time the firmware can write without blocking on its own (USB serial) TX buffer. */
  writableAtUs(atUs: number): number;
}

/** Wire's BUFFER_LENGTH on AVR. */
export const WIRE_BUFFER_BYTES = 32;
const I2C_MAX_QUERIES = 8;
const MAX_SERIAL_PORTS = 8;
const DEFAULT_SAMPLING_INTERVAL_MS = 19;
const I2C_WRITE_SETTLE_US = 70;
/** i2cRxData[64]: address, register, then data. */
const I2C_RX_DATA_BYTES = 64;

interface I2cQuery {
  address: number;
  register: number | undefined;
  count: number;
}

export class StandardFirmataPlus {
  readonly pinModes: number[];
  readonly pinStates: number[];
  private readonly totalPorts: number;
  private readonly reportPins: boolean[];
  private readonly previousPins: number[];
  private readonly portConfigInputs: number[];
  private analogInputsToReport = 0;
  private samplingIntervalMs = DEFAULT_SAMPLING_INTERVAL_MS;
  private samplingTimer: TimerHandle | undefined;
  private i2cEnabled = false;
  private i2cReadDelayUs = 0;
  private i2cQueries: I2cQuery[] = [];
  private readonly openSerialPorts = new Set<number>();
  private reportSerial: { portId: number; maxBytes: number }[] = [];
  private readonly serialDrainScheduled = new Set<number>();
  private resetting = false;
  /** The firmware is inside a blocking call until this time. */
  busyUntilUs = 0;
  /** I2C bytes Wire dropped because a request went past its 32-byte buffer. */
  wireTruncatedBytes = 0;

  constructor(
    readonly board: BoardModel,
    private readonly output: FirmwareOutput,
  ) {
    const total = board.profile.totalPins;
    this.pinModes = new Array<number>(total).fill(PinMode.INPUT);
    this.pinStates = new Array<number>(total).fill(0);
    this.totalPorts = Math.ceil(total / 8);
    this.reportPins = new Array<boolean>(this.totalPorts).fill(false);
    this.previousPins = new Array<number>(this.totalPorts).fill(0);
    this.portConfigInputs = new Array<number>(this.totalPorts).fill(0);
    board.onPinChange((_pin, _level, atUs) => this.checkDigitalInputs(atUs));
    for (const id of [...board.profile.hardwareSerial.map((p) => p.portId), ...board.profile.softwareSerialIds]) {
      board.serialLine(id)?.onArrival((atUs) => this.onSerialArrival(id, atUs));
    }
    this.systemReset(board.nowUs());
  }

  /** SYSTEM_RESET (0xFF), also what setup() runs at boot. */
  systemReset(atUs: number): void {
    this.resetting = true;
    for (const id of this.openSerialPorts) this.board.serialLine(id)?.close();
    this.openSerialPorts.clear();
    this.reportSerial = [];
    this.i2cEnabled = false;
    this.i2cQueries = [];
    this.reportPins.fill(false);
    this.portConfigInputs.fill(0);
    this.previousPins.fill(0);
    const profile = this.board.profile;
    for (let pin = 0; pin < profile.totalPins; pin++) {
      if (profile.analogChannel(pin) !== undefined) this.setPinMode(pin, PinMode.ANALOG, atUs);
      else if (profile.isDigital(pin)) this.setPinMode(pin, PinMode.OUTPUT, atUs);
    }
    this.analogInputsToReport = 0;
    this.resetting = false;
    this.updateSamplingTimer();
  }

  setPinMode(pin: number, mode: number, atUs: number): void {
    const profile = this.board.profile;
    if (pin < 0 || pin >= profile.totalPins) return;
    if (this.pinModes[pin] === PinMode.I2C && this.i2cEnabled && mode !== PinMode.I2C) this.disableI2c();
    const channel = profile.analogChannel(pin);
    if (channel !== undefined) this.reportAnalog(channel, mode === PinMode.ANALOG, atUs);
    const digital = profile.isDigital(pin);
    const bit = 1 << (pin & 7);
    const port = pin >> 3;
    if (digital) {
      if (mode === PinMode.INPUT || mode === PinMode.PULLUP) this.portConfigInputs[port]! |= bit;
      else this.portConfigInputs[port]! &= ~bit;
    }
    this.pinStates[pin] = 0;
    switch (mode) {
      case PinMode.ANALOG:
        if (channel === undefined) break;
        if (digital) this.board.setInput(pin, false, atUs);
        this.pinModes[pin] = mode;
        break;
      case PinMode.INPUT:
        if (!digital) break;
        this.board.setInput(pin, false, atUs);
        this.pinModes[pin] = mode;
        break;
      case PinMode.PULLUP:
        if (!digital) break;
        this.board.setInput(pin, true, atUs);
        this.pinModes[pin] = mode;
        this.pinStates[pin] = 1;
        break;
      case PinMode.OUTPUT:
      case PinMode.PWM:
      case PinMode.SERVO:
        if (!digital || (mode === PinMode.PWM && !profile.isPwm(pin))) break;
        this.board.writePortBit(pin, 0, atUs);
        this.board.setOutput(pin, atUs);
        this.pinModes[pin] = mode;
        break;
      case PinMode.I2C:
        if (pin === profile.i2cPins.sda || pin === profile.i2cPins.scl) this.pinModes[pin] = mode;
        break;
      case PinMode.SERIAL:
        this.pinModes[pin] = mode;
        break;
      default:
        this.output.emit({ kind: 'string', text: 'Unknown pin mode' }, atUs);
    }
    this.checkDigitalInputs(atUs);
  }

  /** DIGITAL_MESSAGE 0x90|port. */
  digitalWritePort(port: number, value: number, atUs: number): void {
    if (port >= this.totalPorts) return;
    const profile = this.board.profile;
    const last = Math.min(port * 8 + 8, profile.totalPins);
    for (let pin = port * 8; pin < last; pin++) {
      if (!profile.isDigital(pin)) continue;
      const mode = this.pinModes[pin];
      if (mode !== PinMode.OUTPUT && mode !== PinMode.INPUT) continue;
      const level: Level = value & (1 << (pin & 7)) ? 1 : 0;
      if (mode === PinMode.OUTPUT) this.board.writePortBit(pin, level, atUs);
      else if (level === 1 && this.pinStates[pin] !== 1) this.board.setInput(pin, true, atUs);
      this.pinStates[pin] = level;
    }
    this.checkDigitalInputs(atUs);
  }

  /** SET_DIGITAL_PIN_VALUE 0xF5: outputs only. */
  setPinValue(pin: number, value: number, atUs: number): void {
    if (pin >= this.board.profile.totalPins || !this.board.profile.isDigital(pin)) return;
    if (this.pinModes[pin] !== PinMode.OUTPUT) return;
    this.pinStates[pin] = value;
    this.board.writePortBit(pin, value ? 1 : 0, atUs);
    this.checkDigitalInputs(atUs);
  }

  /** ANALOG_MESSAGE / EXTENDED_ANALOG: PWM duty or servo angle; modelled as a digital level. */
  analogWrite(pin: number, value: number, atUs: number): void {
    const mode = this.pinModes[pin];
    if (mode !== PinMode.PWM && mode !== PinMode.SERVO) return;
    this.pinStates[pin] = value;
    if (mode === PinMode.PWM) this.board.writePortBit(pin, value >= 128 ? 1 : 0, atUs);
  }

  /** REPORT_DIGITAL 0xD0|port: turning it on sends the port value at once. */
  reportDigital(port: number, enable: boolean, atUs: number): void {
    if (port >= this.totalPorts) return;
    this.reportPins[port] = enable;
    if (enable) this.outputPort(port, true, atUs);
  }

  /** PIN_STATE_QUERY 0x6D: answered in order with everything else the firmware sends. */
  queryPinState(pin: number, atUs: number): void {
    if (pin >= this.board.profile.totalPins) this.output.emit({ kind: 'pin-state', pin }, atUs);
    else this.output.emit({ kind: 'pin-state', pin, mode: this.pinModes[pin]!, state: this.pinStates[pin]! }, atUs);
  }

  /** REPORT_ANALOG 0xC0|channel. There is no analog front end modelled: inputs read 0. */
  reportAnalog(channel: number, enable: boolean, atUs: number): void {
    const total = this.board.profile.totalPins;
    let exists = false;
    for (let pin = 0; pin < total; pin++) if (this.board.profile.analogChannel(pin) === channel) exists = true;
    if (!exists) return;
    if (!enable) this.analogInputsToReport &= ~(1 << channel);
    else {
      this.analogInputsToReport |= 1 << channel;
      if (!this.resetting) this.output.emit({ kind: 'analog', channel, value: 0 }, atUs);
    }
    if (!this.resetting) this.updateSamplingTimer();
  }

  /** SAMPLING_INTERVAL 0x7A (minimum 1 ms). */
  setSamplingInterval(ms: number): void {
    this.samplingIntervalMs = Math.max(1, ms);
    this.updateSamplingTimer();
  }

  i2cConfig(delayUs: number): void {
    if (delayUs > 0) this.i2cReadDelayUs = delayUs;
    if (!this.i2cEnabled) {
      const { sda, scl } = this.board.profile.i2cPins;
      this.setPinMode(sda, PinMode.I2C, this.board.nowUs());
      this.setPinMode(scl, PinMode.I2C, this.board.nowUs());
      this.i2cEnabled = true;
    }
  }

  /** I2C_REQUEST write mode: one Wire transaction, then delayMicroseconds(70). */
  i2cWrite(address: number, bytes: readonly number[], atUs: number): void {
    if (!this.i2cEnabled) return;
    const start = Math.max(atUs, this.busyUntilUs);
    const sent = bytes.slice(0, WIRE_BUFFER_BYTES).map((b) => b & 0xff);
    this.wireTruncatedBytes += bytes.length - sent.length;
    const { durationUs } = this.board.i2c.write(address, sent, start);
    this.busyUntilUs = start + durationUs + I2C_WRITE_SETTLE_US;
  }

  /** I2C_REQUEST read-once mode. */
  i2cReadOnce(address: number, register: number | undefined, count: number, atUs: number): void {
    if (!this.i2cEnabled) return;
    this.readAndReport({ address, register, count }, Math.max(atUs, this.busyUntilUs));
  }

  i2cReadContinuous(address: number, register: number | undefined, count: number, atUs: number): void {
    if (!this.i2cEnabled) return;
    if (this.i2cQueries.length >= I2C_MAX_QUERIES) {
      this.output.emit({ kind: 'string', text: 'too many queries' }, atUs);
      return;
    }
    this.i2cQueries.push({ address, register, count });
    this.updateSamplingTimer();
  }

  i2cStopReading(address: number): void {
    if (this.i2cQueries.length <= 1) this.i2cQueries = [];
    else {
      const index = this.i2cQueries.findIndex((q) => q.address === address);
      this.i2cQueries.splice(Math.max(0, index), 1);
    }
    this.updateSamplingTimer();
  }

  serialConfig(portId: number, baud: number, rxPin: number | undefined, txPin: number | undefined, atUs: number): void {
    const profile = this.board.profile;
    const line = this.board.serialLine(portId);
    if (!line || baud <= 0) return;
    if (portId < 8) {
      const pins = profile.hardwareSerial.find((p) => p.portId === portId)!;
      this.pinModes[pins.rx] = PinMode.SERIAL;
      this.pinModes[pins.tx] = PinMode.SERIAL;
      this.portConfigInputs[pins.rx >> 3]! &= ~(1 << (pins.rx & 7));
      this.board.setInput(pins.rx, false, atUs);
    } else {
      if (rxPin === undefined || txPin === undefined) {
        this.output.emit({ kind: 'string', text: 'Specify serial RX and TX pins' }, atUs);
        return;
      }
      for (const pin of [rxPin, txPin]) {
        if (pin >= profile.totalPins) return;
        this.pinModes[pin] = PinMode.SERIAL;
      }
      // SoftwareSerial::begin() calls listen(): the newest software port is the listening one.
      for (const id of profile.softwareSerialIds) {
        const other = this.board.serialLine(id);
        if (other) other.listening = id === portId;
      }
    }
    line.open(baud);
    this.openSerialPorts.add(portId);
  }

  serialWrite(portId: number, bytes: readonly number[], atUs: number): void {
    const line = this.board.serialLine(portId);
    if (!line?.isOpen) return;
    const start = Math.max(atUs, this.busyUntilUs);
    this.busyUntilUs = Math.max(this.busyUntilUs, line.transmit(bytes.map((b) => b & 0xff), start));
  }

  serialRead(portId: number, continuous: boolean, maxBytes: number, atUs: number): void {
    if (continuous) {
      if (this.reportSerial.length >= MAX_SERIAL_PORTS) return;
      this.reportSerial.push({ portId, maxBytes });
      this.onSerialArrival(portId, atUs);
    } else if (this.reportSerial.length <= 1) {
      this.reportSerial = [];
    } else {
      const index = this.reportSerial.findIndex((r) => r.portId === portId);
      this.reportSerial.splice(Math.max(0, index), 1);
    }
  }

  serialClose(portId: number): void {
    this.board.serialLine(portId)?.close();
    this.openSerialPorts.delete(portId);
  }

  serialListen(portId: number): void {
    if (portId < 8) return;
    for (const id of this.board.profile.softwareSerialIds) {
      const line = this.board.serialLine(id);
      if (line) line.listening = id === portId;
    }
  }

  private readAndReport(query: I2cQuery, startUs: number): void {
    let at = startUs;
    if (query.register !== undefined) {
      at += this.board.i2c.write(query.address, [query.register & 0xff], at).durationUs;
      at += this.i2cReadDelayUs;
    }
    const wanted = Math.min(query.count & 0xff, I2C_RX_DATA_BYTES - 2);
    const requested = Math.min(wanted, WIRE_BUFFER_BYTES);
    const { bytes, durationUs } = this.board.i2c.read(query.address, requested, at);
    at += durationUs;
    const received = bytes ?? [];
    // Firmata 2.5.9 (readAndReportData): a short or NACKed read sends the string message first,
    // then a reply holding only the bytes received (none on a NACK) - older firmware padded it
    // with whatever its buffer held before.
    if (received.length < wanted) this.output.emit({ kind: 'string', text: 'I2C: Too few bytes received' }, at);
    else if (received.length > wanted) this.output.emit({ kind: 'string', text: 'I2C: Too many bytes received' }, at);
    const data = received.slice(0, wanted).map((b) => b & 0xff);
    this.busyUntilUs = at;
    this.output.emit({ kind: 'i2c-reply', address: query.address, register: query.register ?? 0, bytes: data }, at);
  }

  private checkDigitalInputs(atUs: number): void {
    for (let port = 0; port < this.totalPorts; port++) if (this.reportPins[port]) this.outputPort(port, false, atUs);
  }

  private outputPort(port: number, force: boolean, atUs: number): void {
    const profile = this.board.profile;
    let value = 0;
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      if (pin < profile.totalPins && profile.isDigital(pin) && this.board.level(pin)) value |= 1 << bit;
    }
    value &= this.portConfigInputs[port]!;
    if (force || this.previousPins[port] !== value) {
      this.previousPins[port] = value;
      this.output.emit({ kind: 'digital-port', port, value }, atUs);
    }
  }

  private disableI2c(): void {
    this.i2cEnabled = false;
    this.i2cQueries = [];
    this.updateSamplingTimer();
  }

  /** The loop's sampling work runs only while there is something to sample, so idle is silent. */
  private updateSamplingTimer(): void {
    const needed = this.i2cQueries.length > 0 || this.analogInputsToReport !== 0;
    if (!needed) {
      this.board.clock.clearTimer(this.samplingTimer);
      this.samplingTimer = undefined;
      return;
    }
    if (this.samplingTimer) return;
    const tick = (): void => {
      this.samplingTimer = this.board.clock.setTimer(this.samplingIntervalMs, tick);
      this.sample(this.board.nowUs());
    };
    this.samplingTimer = this.board.clock.setTimer(this.samplingIntervalMs, tick);
  }

  private sample(atUs: number): void {
    for (let pin = 0; pin < this.board.profile.totalPins; pin++) {
      const channel = this.board.profile.analogChannel(pin);
      if (channel !== undefined && this.pinModes[pin] === PinMode.ANALOG && this.analogInputsToReport & (1 << channel)) {
        this.output.emit({ kind: 'analog', channel, value: 0 }, atUs);
      }
    }
    for (const query of [...this.i2cQueries]) this.readAndReport(query, Math.max(atUs, this.busyUntilUs));
  }

  /** checkSerial(): relays what a reported port received, as soon as the firmware can write. */
  private onSerialArrival(portId: number, atUs: number): void {
    if (!this.reportSerial.some((r) => r.portId === portId) || this.serialDrainScheduled.has(portId)) return;
    const drainAt = Math.max(atUs, this.busyUntilUs, this.output.writableAtUs(atUs));
    this.serialDrainScheduled.add(portId);
    const drain = (): void => {
      this.serialDrainScheduled.delete(portId);
      this.drainSerial(portId, drainAt);
    };
    const delayMs = drainAt / 1000 - this.board.clock.now();
    if (delayMs > 0) this.board.clock.setTimer(delayMs, drain);
    else drain();
  }

  private drainSerial(portId: number, atUs: number): void {
    const report = this.reportSerial.find((r) => r.portId === portId);
    const line = this.board.serialLine(portId);
    if (!report || !line) return;
    const bytes = line.read(report.maxBytes, atUs);
    if (bytes.length > 0) this.output.emit({ kind: 'serial-reply', portId, bytes }, atUs);
    if (line.available(atUs) > 0) this.onSerialArrival(portId, atUs);
  }
}
