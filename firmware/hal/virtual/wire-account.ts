/**
 * One direction of a serial wire at a fixed baud (8N1: 10 bit times per byte): when each message
 * finishes crossing it, and how many bytes and how much wire time it has carried. Both the Firmata
 * emulator and VirtualIo keep one per direction, so wire budgets are measured the same way.
 */
export const FIRMATA_DEFAULT_BAUD = 57600;

export class WireAccount {
  readonly byteUs: number;
  private freeAtUs = 0;
  /** Bytes carried so far. */
  bytes = 0;

  constructor(readonly baud: number = FIRMATA_DEFAULT_BAUD) {
    if (!(baud > 0)) throw new Error(`baud must be positive, got ${baud}`);
    this.byteUs = 10_000_000 / baud;
  }

  /** Wire time of everything carried so far, in microseconds (bytes x 10 bits / baud). */
  get busyUs(): number {
    return this.bytes * this.byteUs;
  }

  /** When the wire has sent everything queued so far. */
  get idleAtUs(): number {
    return this.freeAtUs;
  }

  /** Queues `count` bytes at `atUs`; returns when the last one has arrived at the far end. */
  carry(count: number, atUs: number): number {
    const start = Math.max(atUs, this.freeAtUs);
    this.freeAtUs = start + count * this.byteUs;
    this.bytes += count;
    return this.freeAtUs;
  }
}
