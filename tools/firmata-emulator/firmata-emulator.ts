/**
 * A board running StandardFirmataPlus, seen from its serial port: bytes in, bytes out.
 *
 * Input crosses the wire at the configured baud and lands in the board's UART receive buffer
 * (64 bytes, 63 usable as in HardwareSerial's ring buffer); the firmware parses it as FirmataParser
 * does (sysex data past the 64-byte buffer is lost, unknown or malformed messages are ignored)
 * whenever it is not stuck in a blocking call, and bytes that arrive while the buffer is full are
 * lost. Output is paced at the same baud, and the firmware blocks when its 64-byte transmit
 * buffer is full. What each command does to the board is StandardFirmataPlus's own semantics,
 * shared with VirtualIo (firmware/hal/virtual/standard-firmata-plus.ts).
 */
import type { Clock } from '../../firmware/hal/clock.js';
import type { BoardModel } from '../../firmware/hal/virtual/board-model.js';
import { pinCapabilities } from '../../firmware/hal/virtual/board-profiles.js';
import {
  FIRMATA,
  I2C_MODE,
  SERIAL_SUBCOMMAND,
  encodeFirmwareName,
  encodeReply,
  encodeVersion,
  sysex,
} from '../../firmware/hal/virtual/firmata-messages.js';
import { OrderedTimeline } from '../../firmware/hal/virtual/ordered-timeline.js';
import { StandardFirmataPlus, type FirmataReply } from '../../firmware/hal/virtual/standard-firmata-plus.js';
import { FIRMATA_DEFAULT_BAUD, WireAccount } from '../../firmware/hal/virtual/wire-account.js';

/** FirmataParser's MAX_DATA_BYTES. */
export const SYSEX_BUFFER_BYTES = 64;
/** HardwareSerial's 64-byte ring keeps one slot free. */
export const UART_RX_USABLE_BYTES = 63;
const TX_BUFFER_BYTES = 64;

export interface FirmataEmulatorOptions {
  board: BoardModel;
  baud?: number;
}

export interface EmulatorCounters {
  /** Input bytes lost because the UART receive buffer was full. */
  droppedInputBytes: number;
  /** Sysex data bytes lost past the 64-byte parser buffer. */
  droppedSysexBytes: number;
  /** The most bytes the UART receive buffer held at once (63 is full): how close the host came to losing input. */
  receiveBufferHighWater: number;
  /** Complete messages the firmware ignored (unknown command, too short, bad port...). */
  ignoredMessages: number;
}

export class FirmataEmulator {
  readonly board: BoardModel;
  readonly firmware: StandardFirmataPlus;
  readonly wire: { toBoard: WireAccount; toHost: WireAccount };
  readonly counters: EmulatorCounters = { droppedInputBytes: 0, droppedSysexBytes: 0, receiveBufferHighWater: 0, ignoredMessages: 0 };
  private readonly clock: Clock;
  private readonly timeline: OrderedTimeline;
  private readonly input: { arrivalUs: number; byte: number }[] = [];
  /** Processing times of bytes still in the UART buffer, oldest first. */
  private readonly inBuffer: number[] = [];
  private lastProcessedUs = 0;
  private pumpTimerArmed = false;
  private sink: ((bytes: Buffer) => void) | undefined;
  // FirmataParser state
  private parsingSysex = false;
  private sysexBytesRead = 0;
  private waitForData = 0;
  private command = 0;
  private channel = 0;
  private readonly dataBuffer = new Array<number>(SYSEX_BUFFER_BYTES).fill(0);

  constructor(options: FirmataEmulatorOptions) {
    this.board = options.board;
    this.clock = this.board.clock;
    const baud = options.baud ?? FIRMATA_DEFAULT_BAUD;
    this.wire = { toBoard: new WireAccount(baud), toHost: new WireAccount(baud) };
    this.timeline = new OrderedTimeline(this.clock);
    this.firmware = new StandardFirmataPlus(this.board, {
      emit: (reply, atUs) => this.emitReply(reply, atUs),
      writableAtUs: (atUs) => Math.max(atUs, this.wire.toHost.idleAtUs - TX_BUFFER_BYTES * this.wire.toHost.byteUs),
    });
  }

  /**
   * The host opened the port: the board (re)starts as setup() runs — Firmata.begin() prints the
   * version and firmware name, then systemResetCallback() sets every pin to its default.
   * `onBytes` receives output at the time it has crossed the wire.
   */
  start(onBytes: (bytes: Buffer) => void): void {
    this.sink = onBytes;
    this.parsingSysex = false;
    this.waitForData = 0;
    this.command = 0;
    const now = this.board.nowUs();
    this.output(encodeVersion(), now);
    this.output(encodeFirmwareName(), now);
    this.firmware.systemReset(now);
  }

  stop(): void {
    this.sink = undefined;
    this.timeline.cancelAll();
    this.input.length = 0;
    this.inBuffer.length = 0;
  }

  /** Bytes the host wrote now; they cross the wire at the configured baud. */
  receive(bytes: Uint8Array | readonly number[]): void {
    const all = [...bytes];
    const lastArrivalUs = this.wire.toBoard.carry(all.length, this.board.nowUs());
    const byteUs = this.wire.toBoard.byteUs;
    all.forEach((byte, k) => this.input.push({ arrivalUs: lastArrivalUs - (all.length - 1 - k) * byteUs, byte: byte & 0xff }));
    this.pump();
  }

  /** Runs the firmware over every input byte whose turn has come; arms a timer for the rest. */
  private pump(): void {
    const nowUs = this.clock.now() * 1000;
    while (this.input.length > 0) {
      const head = this.input[0]!;
      while (this.inBuffer.length > 0 && this.inBuffer[0]! <= head.arrivalUs) this.inBuffer.shift();
      if (this.inBuffer.length >= UART_RX_USABLE_BYTES) {
        this.input.shift();
        this.counters.droppedInputBytes++;
        continue;
      }
      const processUs = Math.max(head.arrivalUs, this.firmware.busyUntilUs, this.lastProcessedUs);
      if (processUs > nowUs + 1e-6) {
        this.armPump(processUs);
        return;
      }
      this.input.shift();
      this.inBuffer.push(processUs);
      this.counters.receiveBufferHighWater = Math.max(this.counters.receiveBufferHighWater, this.inBuffer.length);
      this.lastProcessedUs = processUs;
      this.parse(head.byte, processUs);
    }
  }

  private armPump(atUs: number): void {
    if (this.pumpTimerArmed) return;
    this.pumpTimerArmed = true;
    this.clock.setTimer(Math.max(0, atUs / 1000 - this.clock.now()), () => {
      this.pumpTimerArmed = false;
      this.pump();
    });
  }

  /** FirmataParser::parse, byte by byte. */
  private parse(byte: number, atUs: number): void {
    if (this.parsingSysex) {
      if (byte === FIRMATA.END_SYSEX) {
        this.parsingSysex = false;
        this.sysex(atUs);
      } else {
        if (this.sysexBytesRead < SYSEX_BUFFER_BYTES) this.dataBuffer[this.sysexBytesRead] = byte;
        else this.counters.droppedSysexBytes++;
        this.sysexBytesRead++;
      }
      return;
    }
    if (this.waitForData > 0 && byte < 0x80) {
      this.waitForData--;
      this.dataBuffer[this.waitForData] = byte;
      if (this.waitForData === 0 && this.command) {
        this.midi(atUs);
        this.command = 0;
      }
      return;
    }
    const command = byte < 0xf0 ? byte & 0xf0 : byte;
    this.channel = byte & 0x0f;
    switch (command) {
      case FIRMATA.ANALOG_MESSAGE:
      case FIRMATA.DIGITAL_MESSAGE:
      case FIRMATA.SET_PIN_MODE:
      case FIRMATA.SET_DIGITAL_PIN_VALUE:
        this.waitForData = 2;
        this.command = command;
        break;
      case FIRMATA.REPORT_ANALOG:
      case FIRMATA.REPORT_DIGITAL:
        this.waitForData = 1;
        this.command = command;
        break;
      case FIRMATA.START_SYSEX:
        this.parsingSysex = true;
        this.sysexBytesRead = 0;
        break;
      case FIRMATA.SYSTEM_RESET:
        this.waitForData = 0;
        this.command = 0;
        this.parsingSysex = false;
        this.firmware.systemReset(atUs);
        break;
      case FIRMATA.REPORT_VERSION:
        this.output(encodeVersion(), atUs);
        break;
      default:
        this.counters.ignoredMessages++;
    }
  }

  /** Two- and three-byte messages; data bytes arrive LSB first (stored from the top down). */
  private midi(atUs: number): void {
    const d = this.dataBuffer;
    switch (this.command) {
      case FIRMATA.DIGITAL_MESSAGE:
        this.firmware.digitalWritePort(this.channel, (d[0]! << 7) + d[1]!, atUs);
        break;
      case FIRMATA.ANALOG_MESSAGE:
        this.firmware.analogWrite(this.channel, (d[0]! << 7) + d[1]!, atUs);
        break;
      case FIRMATA.SET_PIN_MODE:
        this.firmware.setPinMode(d[1]!, d[0]!, atUs);
        break;
      case FIRMATA.SET_DIGITAL_PIN_VALUE:
        this.firmware.setPinValue(d[1]!, d[0]!, atUs);
        break;
      case FIRMATA.REPORT_ANALOG:
        this.firmware.reportAnalog(this.channel, d[0] !== 0, atUs);
        break;
      case FIRMATA.REPORT_DIGITAL:
        this.firmware.reportDigital(this.channel, d[0] !== 0, atUs);
        break;
    }
  }

  private sysex(atUs: number): void {
    const stored = Math.min(this.sysexBytesRead, SYSEX_BUFFER_BYTES);
    if (stored === 0) {
      this.counters.ignoredMessages++;
      return;
    }
    const command = this.dataBuffer[0]!;
    const argv = this.dataBuffer.slice(1, stored);
    const handled = this.handleSysex(command, argv, atUs);
    if (!handled) this.counters.ignoredMessages++;
  }

  /** sysexCallback + FirmataClass's own sysex handling. Returns false for what it ignores. */
  private handleSysex(command: number, argv: number[], atUs: number): boolean {
    const word = (i: number) => (argv[i] ?? 0) + ((argv[i + 1] ?? 0) << 7);
    const fw = this.firmware;
    switch (command) {
      case FIRMATA.QUERY_FIRMWARE:
        this.output(encodeFirmwareName(), atUs);
        return true;
      case FIRMATA.CAPABILITY_QUERY:
        this.output(this.capabilityResponse(), atUs);
        return true;
      case FIRMATA.ANALOG_MAPPING_QUERY:
        this.output(this.analogMappingResponse(), atUs);
        return true;
      case FIRMATA.PIN_STATE_QUERY:
        if (argv.length < 1) return false;
        fw.queryPinState(argv[0]!, atUs);
        return true;
      case FIRMATA.SAMPLING_INTERVAL:
        if (argv.length < 2) return false;
        fw.setSamplingInterval(word(0));
        return true;
      case FIRMATA.I2C_CONFIG:
        if (argv.length < 2) return false;
        fw.i2cConfig(word(0));
        return true;
      case FIRMATA.I2C_REQUEST:
        return this.i2cRequest(argv, atUs);
      case FIRMATA.SERIAL_MESSAGE:
        return this.serialMessage(argv, atUs);
      case FIRMATA.EXTENDED_ANALOG:
        if (argv.length < 2) return false;
        fw.analogWrite(argv[0]!, argv[1]! | ((argv[2] ?? 0) << 7) | ((argv[3] ?? 0) << 14), atUs);
        return true;
      default:
        return false;
    }
  }

  private i2cRequest(argv: number[], atUs: number): boolean {
    if (argv.length < 2) return false;
    const address = argv[0]!;
    const modeBits = argv[1]!;
    if (modeBits & 0x20) {
      this.emitReply({ kind: 'string', text: '10-bit addressing not supported' }, atUs);
      return true;
    }
    const mode = (modeBits >> 3) & 0x03;
    const fw = this.firmware;
    if (mode === I2C_MODE.WRITE) {
      const bytes: number[] = [];
      for (let i = 2; i + 1 < argv.length; i += 2) bytes.push((argv[i]! + (argv[i + 1]! << 7)) & 0xff);
      fw.i2cWrite(address, bytes, atUs);
      return true;
    }
    if (mode === I2C_MODE.STOP_READING) {
      fw.i2cStopReading(address);
      return true;
    }
    if (argv.length < 4) return false;
    const withRegister = argv.length === 6;
    const register = withRegister ? argv[2]! + (argv[3]! << 7) : undefined;
    const count = withRegister ? argv[4]! + (argv[5]! << 7) : argv[2]! + (argv[3]! << 7);
    if (mode === I2C_MODE.READ) fw.i2cReadOnce(address, register, count, atUs);
    else fw.i2cReadContinuous(address, register, count, atUs);
    return true;
  }

  private serialMessage(argv: number[], atUs: number): boolean {
    if (argv.length < 1) return false;
    const sub = argv[0]! & 0xf0;
    const portId = argv[0]! & 0x0f;
    const fw = this.firmware;
    if (!this.board.serialLine(portId)) return false;
    switch (sub) {
      case SERIAL_SUBCOMMAND.CONFIG: {
        if (argv.length < 4) return false;
        const baud = argv[1]! | (argv[2]! << 7) | (argv[3]! << 14);
        fw.serialConfig(portId, baud, argv.length > 5 ? argv[4] : undefined, argv.length > 5 ? argv[5] : undefined, atUs);
        return true;
      }
      case SERIAL_SUBCOMMAND.WRITE: {
        const bytes: number[] = [];
        for (let i = 1; i + 1 < argv.length; i += 2) bytes.push((argv[i]! + (argv[i + 1]! << 7)) & 0xff);
        fw.serialWrite(portId, bytes, atUs);
        return true;
      }
      case SERIAL_SUBCOMMAND.READ:
        if (argv.length < 2) return false;
        fw.serialRead(portId, argv[1] === 0, argv.length > 3 ? argv[2]! | (argv[3]! << 7) : 0, atUs);
        return true;
      case SERIAL_SUBCOMMAND.CLOSE:
        fw.serialClose(portId);
        return true;
      case SERIAL_SUBCOMMAND.LISTEN:
        fw.serialListen(portId);
        return true;
      case SERIAL_SUBCOMMAND.FLUSH:
        return true;
      default:
        return false;
    }
  }

  private capabilityResponse(): number[] {
    const data: number[] = [];
    for (let pin = 0; pin < this.board.profile.totalPins; pin++) {
      for (const [mode, resolution] of pinCapabilities(this.board.profile, pin)) data.push(mode, resolution);
      data.push(0x7f);
    }
    return sysex(FIRMATA.CAPABILITY_RESPONSE, data);
  }

  private analogMappingResponse(): number[] {
    const data: number[] = [];
    for (let pin = 0; pin < this.board.profile.totalPins; pin++) data.push(this.board.profile.analogChannel(pin) ?? 0x7f);
    return sysex(FIRMATA.ANALOG_MAPPING_RESPONSE, data);
  }

  private emitReply(reply: FirmataReply, atUs: number): void {
    this.output(encodeReply(reply), atUs);
  }

  /** Queues output on the wire; a full transmit buffer blocks the firmware (Serial.write waits). */
  private output(bytes: number[], atUs: number): void {
    const arrivedUs = this.wire.toHost.carry(bytes.length, atUs);
    const blockedUntil = this.wire.toHost.idleAtUs - TX_BUFFER_BYTES * this.wire.toHost.byteUs;
    if (blockedUntil > this.firmware.busyUntilUs) this.firmware.busyUntilUs = blockedUntil;
    const buffer = Buffer.from(bytes);
    this.timeline.at(arrivedUs, () => this.sink?.(buffer));
  }
}
