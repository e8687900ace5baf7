/**
 * One serial line between the board and a peripheral (printer, card reader): bytes take
 * 10 bit times each at the line's baud, the board's receive buffer holds `bufferSize` bytes and
 * what arrives while it is full is lost (as with HardwareSerial / SoftwareSerial on AVR), and a
 * baud mismatch between the two ends turns bytes into framing-error garbage.
 */
import type { Clock } from '../clock.js';

export interface SerialPeripheral {
  /** Bytes the board sent; `atUs` is when the last of them finished arriving. */
  receive(bytes: number[], atUs: number): void;
}

/** What a peripheral holds to talk back to the board. */
export interface PeripheralSide {
  /** Starts sending now (or when the line is free), paced at the peripheral's baud. */
  send(bytes: readonly number[]): void;
}

export function byteTimeUs(baud: number): number {
  return 10_000_000 / baud;
}

export class UartLine {
  /** Baud the board opened the port at; undefined while closed. */
  private boardBaud: number | undefined;
  private peripheral: SerialPeripheral | undefined;
  private peripheralBaud = 9600;
  private readonly arrivals: { atUs: number; byte: number }[] = [];
  private readonly buffer: number[] = [];
  private boardTxFreeUs = 0;
  private peripheralTxFreeUs = 0;
  private arrivalListener: ((atUs: number) => void) | undefined;
  /** SoftwareSerial receives only on the port that is listening; the others lose their bytes. */
  listening = true;

  /** Bytes dropped because the receive buffer was full or the port closed. */
  lostBytes = 0;
  /** Bytes garbled by a baud mismatch. */
  framingErrors = 0;

  constructor(
    private readonly clock: Clock,
    readonly bufferSize: number,
    /** SoftwareSerial transmits by bit-banging: the firmware is blocked for the whole byte. */
    readonly blockingTransmit: boolean,
  ) {}

  get isOpen(): boolean {
    return this.boardBaud !== undefined;
  }

  get baud(): number | undefined {
    return this.boardBaud;
  }

  open(baud: number): void {
    if (!(baud > 0)) throw new Error(`serial baud must be positive, got ${baud}`);
    this.boardBaud = baud;
  }

  close(): void {
    this.boardBaud = undefined;
    this.buffer.length = 0;
  }

  /** Wires a peripheral to the line; it talks at `baud`. */
  connect(peripheral: SerialPeripheral, baud: number): PeripheralSide {
    if (this.peripheral) throw new Error('a peripheral is already connected to this serial line');
    this.peripheral = peripheral;
    this.peripheralBaud = baud;
    return { send: (bytes) => this.peripheralSend(bytes) };
  }

  /** The firmware's hook: called at each byte's arrival time so it can relay it. */
  onArrival(listener: (atUs: number) => void): void {
    this.arrivalListener = listener;
  }

  /**
   * The board writes `bytes` at `atUs`. Returns when the firmware can go on: at once while the
   * 64-byte transmit buffer has room, later when it must wait for the line (or the whole byte
   * time for software serial).
   */
  transmit(bytes: readonly number[], atUs: number): number {
    if (this.boardBaud === undefined || bytes.length === 0) return atUs;
    const byteUs = byteTimeUs(this.boardBaud);
    const startUs = Math.max(atUs, this.boardTxFreeUs);
    const endUs = startUs + bytes.length * byteUs;
    this.boardTxFreeUs = endUs;
    const delivered = this.boardBaud === this.peripheralBaud ? [...bytes] : bytes.map((b) => this.garble(b));
    const peripheral = this.peripheral;
    if (peripheral) this.at(endUs, () => peripheral.receive(delivered, endUs));
    if (this.blockingTransmit) return endUs;
    return Math.max(atUs, endUs - this.bufferSize * byteUs);
  }

  /** Bytes waiting in the board's receive buffer at `atUs`. */
  available(atUs: number): number {
    this.settle(atUs);
    return this.buffer.length;
  }

  /** Takes up to `max` bytes (all when max <= 0) from the receive buffer. */
  read(max: number, atUs: number): number[] {
    this.settle(atUs);
    const count = max > 0 ? Math.min(max, this.buffer.length) : this.buffer.length;
    return this.buffer.splice(0, count);
  }

  private peripheralSend(bytes: readonly number[]): void {
    const byteUs = byteTimeUs(this.peripheralBaud);
    let atUs = Math.max(this.clock.now() * 1000, this.peripheralTxFreeUs);
    for (const byte of bytes) {
      atUs += byteUs;
      const arrivedUs = atUs;
      const value = this.boardBaud === this.peripheralBaud ? byte & 0xff : this.garble(byte);
      this.arrivals.push({ atUs: arrivedUs, byte: value });
      this.at(arrivedUs, () => this.arrivalListener?.(arrivedUs));
    }
    this.peripheralTxFreeUs = atUs;
  }

  /** Moves bytes that have arrived by `atUs` into the buffer, losing what does not fit. */
  private settle(atUs: number): void {
    while (this.arrivals.length > 0 && this.arrivals[0]!.atUs <= atUs) {
      const { byte } = this.arrivals.shift()!;
      if (this.boardBaud === undefined || !this.listening || this.buffer.length >= this.bufferSize) this.lostBytes++;
      else this.buffer.push(byte);
    }
  }

  /** A byte sampled at the wrong baud: deterministic garbage, counted. */
  private garble(byte: number): number {
    this.framingErrors++;
    return (byte * 0x6d + 0x35) & 0xff;
  }

  private at(atUs: number, callback: () => void): void {
    this.clock.setTimer(Math.max(0, atUs / 1000 - this.clock.now()), callback);
  }
}
