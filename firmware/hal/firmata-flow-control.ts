/**
 * Flow control for the Firmata wire: a transport that holds the host's bytes so the board's receive
 * buffer cannot overflow while the board is busy answering.
 *
 * Why (hardware.md, Firmata): StandardFirmataPlus 2.5.9 answers from its loop with Serial.write,
 * which blocks once the Arduino core's 64-byte transmit ring is full; while it blocks, the loop reads
 * no input, and the host's bytes pile up in the 64-byte receive ring (63 usable), past which the core
 * drops them without a word. On one wire the EEPROM's pipelined reads (71 answer bytes each) and a
 * keypad scan's answers kept the transmit ring full long enough for the LCD's writes behind them to
 * overflow the receive ring: the glass kept characters the driver believed it had cleared (HIL echo
 * test with housekeeping at idle: stale glass in 2 runs of 3, 5 and 33 host bytes dropped).
 *
 * The board cannot say how full its buffers are, but the wire keeps order: the board runs messages
 * one after another, so while it is stuck answering a request, the bytes waiting in its receive
 * buffer all came after that request - and that request's answer has not reached the host yet. So
 * the host never lets more than TAIL_BYTES follow the oldest request it is still waiting on; a write
 * that would pass that waits (with every write behind it, so the wire keeps its order: the EEPROM's
 * barrier-then-write and the keypad's fences depend on it) until answers arrive. With nothing owed
 * every write goes at once: the board takes writes faster than the wire brings them. The rule needs
 * no model of the board's timing, and reads keep pipelining: a read request is small.
 *
 * An answer that never comes (a board reset, a firmware that does not answer) is forgiven after
 * answerTimeoutMs, so the wire cannot stall for good. Continuous I2C and serial reads answer
 * unasked and are not counted: the terminal's drivers do not use them on a Firmata board.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from './clock.js';
import { FIRMATA, I2C_MODE } from './firmata-wire.js';

/**
 * Bytes the host may send behind an unanswered request: the 63 usable bytes of the receive ring,
 * less room for what arrives while the board runs a message that is not stuck (an LCD write's
 * 28-byte I2C transaction is about 17 byte times at 57600 baud).
 */
export const TAIL_BYTES = 40;

/** Longest wait for an answer before it is forgiven; the drivers' own read timeouts are 1 s. */
const ANSWER_TIMEOUT_MS = 1000;

/** The side of a serialport SerialPort that firmata-io's Board uses. */
export interface FirmataByteTransport {
  write(data: Buffer, callback?: (error?: Error | null) => void): unknown;
  on(event: 'open' | 'close' | 'error' | 'data', listener: (...args: any[]) => void): unknown;
}

export interface FlowControlOptions {
  clock: Clock;
  tailBytes?: number;
  answerTimeoutMs?: number;
}

/** A request the board has not answered yet: which message answers it, and the wire position right after it. */
interface Unanswered {
  key: string;
  sentThrough: number;
  sentAt: number;
}

interface HeldWrite {
  data: Buffer;
  callback: ((error?: Error | null) => void) | undefined;
  asks: string[];
}

export interface FlowControlCounters {
  /** Writes that waited for answers. */
  held: number;
  /** Answers given up on after the timeout. */
  forgiven: number;
}

export class FirmataFlowControl extends EventEmitter {
  readonly counters: FlowControlCounters = { held: 0, forgiven: 0 };
  private readonly unanswered: Unanswered[] = [];
  private readonly queue: HeldWrite[] = [];
  /** Bytes handed to the wire so far. */
  private sent = 0;
  private timer: TimerHandle | undefined;
  /** When the armed timer fires (clock ms), so a data event that changes nothing keeps it. */
  private timerDeadline: number | undefined;
  private readonly outgoing = new FirmataMessageSplitter('to-board');
  private readonly incoming = new FirmataMessageSplitter('to-host');
  private readonly tailBytes: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly inner: FirmataByteTransport,
    private readonly options: FlowControlOptions,
  ) {
    super();
    this.tailBytes = options.tailBytes ?? TAIL_BYTES;
    this.timeoutMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
    for (const event of ['open', 'close', 'error'] as const) inner.on(event, (...args: unknown[]) => this.emit(event, ...args));
    inner.on('data', (data: Buffer) => {
      for (const message of this.incoming.take(data)) this.settle(message);
      this.emit('data', data);
      this.pump();
    });
  }

  /** Requests sent whose answers have not arrived. */
  get awaitedAnswers(): number {
    return this.unanswered.length;
  }

  /** Bytes sent behind the oldest unanswered request (0 when none is). */
  get bytesBehindOldest(): number {
    return this.unanswered.length === 0 ? 0 : this.sent - this.unanswered[0]!.sentThrough;
  }

  write(data: Buffer, callback?: (error?: Error | null) => void): boolean {
    const asks = this.outgoing.take(data).flatMap((message) => answerKeyOf(message, 'request'));
    if (this.queue.length > 0 || !this.fits(data.length)) this.counters.held++;
    this.queue.push({ data, callback, asks });
    this.pump();
    return true;
  }

  private fits(bytes: number): boolean {
    return this.unanswered.length === 0 || this.bytesBehindOldest + bytes <= this.tailBytes;
  }

  private pump(): void {
    this.forgiveExpired();
    while (this.queue.length > 0 && this.fits(this.queue[0]!.data.length)) {
      const { data, callback, asks } = this.queue.shift()!;
      this.sent += data.length;
      const now = this.options.clock.now();
      for (const key of asks) this.unanswered.push({ key, sentThrough: this.sent, sentAt: now });
      this.inner.write(data, callback);
    }
    this.armTimeout();
  }

  private settle(message: readonly number[]): void {
    const key = answerKeyOf(message, 'answer')[0];
    if (key === undefined) return;
    const at = this.unanswered.findIndex((u) => u.key === key);
    if (at >= 0) this.unanswered.splice(at, 1);
  }

  /**
   * The same sum as armTimeout's deadline: `now - sentAt >= timeout` can be false at that very
   * deadline in floating point (300.004 + 1000 - 300.004 < 1000), and the timer would re-arm at 0 ms.
   */
  private forgiveExpired(): void {
    const now = this.options.clock.now();
    while (this.unanswered.length > 0 && now >= this.deadlineOf(this.unanswered[0]!)) {
      this.unanswered.shift();
      this.counters.forgiven++;
    }
  }

  private deadlineOf(request: Unanswered): number {
    return request.sentAt + this.timeoutMs;
  }

  /** While writes wait, the oldest request's deadline wakes the queue. */
  private armTimeout(): void {
    const deadline = this.queue.length > 0 && this.unanswered.length > 0 ? this.deadlineOf(this.unanswered[0]!) : undefined;
    if (deadline === this.timerDeadline) return;
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerDeadline = deadline;
    if (deadline === undefined) return;
    this.timer = this.options.clock.setTimer(Math.max(0, deadline - this.options.clock.now()), () => {
      this.timer = undefined;
      this.timerDeadline = undefined;
      this.pump();
    });
  }
}

/**
 * Pairs requests with their answers in StandardFirmataPlus 2.5.9: an I2C read-once with its
 * I2C_REPLY, a PIN_STATE_QUERY with its PIN_STATE_RESPONSE, switching a port's reporting on with the
 * port's value (sent at once), a REPORT_VERSION query with the version. Answers of one kind come in
 * the order asked.
 */
function answerKeyOf(message: readonly number[], side: 'request' | 'answer'): string[] {
  const first = message[0]!;
  if (first === FIRMATA.START_SYSEX) {
    const command = message[1];
    if (side === 'request') {
      if (command === FIRMATA.PIN_STATE_QUERY) return ['pin-state'];
      if (command === FIRMATA.I2C_REQUEST && (((message[3] ?? 0) >> 3) & 0x03) === I2C_MODE.READ) return ['i2c'];
      return [];
    }
    if (command === FIRMATA.I2C_REPLY) return ['i2c'];
    if (command === FIRMATA.PIN_STATE_RESPONSE) return ['pin-state'];
    return [];
  }
  if (side === 'request' && (first & 0xf0) === FIRMATA.REPORT_DIGITAL) return message[1] === 1 ? [`port-${first & 0x0f}`] : [];
  if (side === 'answer' && (first & 0xf0) === FIRMATA.DIGITAL_MESSAGE) return [`port-${first & 0x0f}`];
  if (first === FIRMATA.REPORT_VERSION) return ['version'];
  return [];
}

/** Cuts a Firmata byte stream into whole messages (sysex to its end, the rest by command length). */
class FirmataMessageSplitter {
  private current: number[] = [];
  private length = 0;

  /** REPORT_VERSION is the one command whose length depends on the direction: the query is 1 byte, the answer 3. */
  constructor(private readonly direction: 'to-board' | 'to-host') {}

  take(data: Uint8Array): number[][] {
    const done: number[][] = [];
    for (const byte of data) {
      if (byte >= 0x80 && byte !== FIRMATA.END_SYSEX) {
        // A command byte starts a message (one cut short by it is lost on the board too).
        this.current = [byte];
        this.length = this.lengthOf(byte);
      } else if (this.current.length === 0) {
        continue;
      } else {
        this.current.push(byte);
        if (byte === FIRMATA.END_SYSEX && this.length === Infinity) this.length = this.current.length;
      }
      if (this.current.length === this.length) {
        done.push(this.current);
        this.current = [];
      }
    }
    return done;
  }

  private lengthOf(command: number): number {
    if (command === FIRMATA.START_SYSEX) return Infinity;
    if (command === FIRMATA.REPORT_VERSION) return this.direction === 'to-board' ? 1 : 3;
    if (command >= 0xf0) return command === FIRMATA.SET_PIN_MODE || command === FIRMATA.SET_DIGITAL_PIN_VALUE ? 3 : 1;
    const kind = command & 0xf0;
    return kind === FIRMATA.REPORT_ANALOG || kind === FIRMATA.REPORT_DIGITAL ? 2 : 3;
  }
}
