/**
 * A keypad on a Firmata wire that misbehaves as a loaded host and a real link can: StandardFirmataPlus
 * semantics for the calls the keypad driver makes (pin modes, port writes, REPORT_DIGITAL that
 * answers at once when switched on and reports changes while on, PIN_STATE answers), a key matrix
 * on the pins, one ordered byte stream each way (a late message delays every later one - a serial
 * wire never reorders), random extra reply delay, lost replies, and host stalls during which
 * nothing on the host runs (replies and timers wait and then run in order).
 */
import { VirtualClock, type Clock, type TimerHandle } from '../../../firmware/hal/clock.js';
import { PinMode } from '../../../firmware/hal/io-plugin.js';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';

export interface WireFaults {
  /** Largest extra delay of a reply (ms), uniform. */
  maxReplyDelayMs: number;
  /** Chance that a reply is lost. */
  dropChance: number;
  /** Host stalls: chance per ms of starting one, and its longest length (ms). */
  stallChancePerMs: number;
  maxStallMs: number;
}

/** changeReport: sent because a column changed while reporting was on in idle (not a scan's answer). */
type Reply = { kind: 'port'; port: number; value: number; changeReport: boolean } | { kind: 'pin-state'; pin: number };

export class LossyFirmataKeypadWire {
  readonly clock = new VirtualClock();
  /** The clock the host side (the driver) sees: its timers wait out host stalls. */
  readonly hostClock: Clock;
  readonly closed = new Set<string>();
  readonly modes = new Map<number, number>();
  readonly outputs = new Map<number, number>();
  /** Presses the host was told of by a change report (a column going LOW while reporting was on). */
  announcedPresses = 0;
  private pressAnnounced = false;
  /** Ports reporting, and since when (a scan switches reporting on for a moment per row; idle leaves it on). */
  private readonly reporting = new Map<number, number>();
  private readonly lastReported = new Map<number, number>();
  private readonly lastDelivered = new Map<number, number>();
  private readonly digitalListeners = new Map<number, ((value: number) => void)[]>();
  private readonly pinStateListeners = new Map<string, (() => void)[]>();
  private boardBusyUntil = 0;
  private hostReadyAt = 0;
  private stallUntil = 0;
  private readonly hostQueue: (() => void)[] = [];
  private readonly random: SeededRandom;

  constructor(
    readonly rows: readonly number[],
    readonly cols: readonly number[],
    seed: number,
    private readonly faults: WireFaults,
  ) {
    this.random = new SeededRandom(seed);
    const wire = this;
    this.hostClock = {
      now: () => this.clock.now(),
      wallTime: () => this.clock.wallTime(),
      setTimer: (ms: number, callback: () => void): TimerHandle => this.clock.setTimer(ms, () => wire.onHost(callback)),
      clearTimer: (handle: TimerHandle | undefined) => this.clock.clearTimer(handle),
    };
  }

  // ---- the IO-plugin side the keypad driver uses ----
  readonly isReady = true;
  readonly pins = [];
  readonly MODES = { ...PinMode };
  readonly HIGH = 1;
  readonly LOW = 0;

  on(event: string, listener: () => void): this {
    const list = this.pinStateListeners.get(event) ?? [];
    list.push(listener);
    this.pinStateListeners.set(event, list);
    return this;
  }
  once(): this {
    return this;
  }
  pinMode(pin: number, mode: number): void {
    this.command(() => {
      this.modes.set(pin, mode);
      if (mode === PinMode.OUTPUT) this.outputs.set(pin, 0);
    });
  }
  digitalWrite(pin: number, value: number): void {
    this.command(() => this.outputs.set(pin, value));
  }
  digitalRead(pin: number, callback: (value: number) => void): void {
    const list = this.digitalListeners.get(pin) ?? [];
    list.push(callback);
    this.digitalListeners.set(pin, list);
    this.reportDigitalPin(pin, 1);
  }
  reportDigitalPin(pin: number, value: 0 | 1): void {
    const port = pin >> 3;
    this.command(() => {
      if (value === 1) {
        if (!this.reporting.has(port)) this.reporting.set(port, this.clock.now());
        this.reply({ kind: 'port', port, value: this.portValue(port), changeReport: false });
      } else this.reporting.delete(port);
    });
  }
  queryPinState(pin: number, _callback: () => void): void {
    this.command(() => this.reply({ kind: 'pin-state', pin }));
  }
  i2cConfig(): void {}
  i2cWrite(): void {}
  i2cReadOnce(): void {}

  // ---- the test's side ----
  setKey(row: number, col: number, down: boolean): void {
    this.pressAnnounced = false;
    if (down) this.closed.add(`${row},${col}`);
    else this.closed.delete(`${row},${col}`);
    this.checkChanges();
  }

  /** Runs `ms` of time in 1 ms steps, starting host stalls at random. */
  run(ms: number): void {
    for (let t = 0; t < ms; t++) {
      if (this.clock.now() >= this.stallUntil && this.random.chance(this.faults.stallChancePerMs)) {
        this.stallUntil = this.clock.now() + this.random.int(1, this.faults.maxStallMs);
        this.clock.setTimer(this.stallUntil - this.clock.now(), () => this.flushHost());
      }
      this.clock.advance(1);
    }
  }

  // ---- the board ----
  private command(apply: () => void): void {
    // 3 bytes at 57600 baud, in order behind what is already on its way.
    this.boardBusyUntil = Math.max(this.boardBusyUntil, this.clock.now()) + 0.5;
    this.clock.setTimer(this.boardBusyUntil - this.clock.now(), () => {
      apply();
      this.checkChanges();
    });
  }

  private allOpen(port: number): number {
    return this.cols.reduce((bits, pin) => (pin >> 3 === port ? bits | (1 << (pin & 7)) : bits), 0);
  }

  private portValue(port: number): number {
    let value = 0;
    this.cols.forEach((pin, c) => {
      if (pin >> 3 !== port) return;
      const low = this.rows.some((rowPin, r) => this.closed.has(`${r},${c}`) && this.modes.get(rowPin) === PinMode.OUTPUT && this.outputs.get(rowPin) === 0);
      if (!low) value |= 1 << (pin & 7);
    });
    return value;
  }

  /** checkDigitalInputs(): a reported port whose value changed sends a report. */
  private checkChanges(): void {
    for (const [port, since] of this.reporting) {
      const value = this.portValue(port);
      if (this.lastReported.get(port) === value) continue;
      this.reply({ kind: 'port', port, value, changeReport: this.clock.now() - since > 2 });
    }
  }

  private reply(reply: Reply): void {
    if (reply.kind === 'port') this.lastReported.set(reply.port, reply.value);
    if (this.random.chance(this.faults.dropChance)) return;
    if (reply.kind === 'port') {
      // A press the host can tell apart: its column goes LOW in an idle report after a delivered report showed it HIGH.
      const before = this.lastDelivered.get(reply.port) ?? this.allOpen(reply.port);
      const fell = before & ~reply.value;
      if (reply.changeReport && fell !== 0 && !this.pressAnnounced && this.closed.size > 0) {
        this.pressAnnounced = true;
        this.announcedPresses++;
      }
      this.lastDelivered.set(reply.port, reply.value);
    }
    // Ordered: a reply never overtakes the one before it.
    const at = Math.max(this.hostReadyAt, this.clock.now() + 0.5 + this.random.next() * this.faults.maxReplyDelayMs);
    this.hostReadyAt = at;
    this.clock.setTimer(at - this.clock.now(), () => this.onHost(() => this.deliver(reply)));
  }

  private deliver(reply: Reply): void {
    if (reply.kind === 'pin-state') {
      for (const listener of this.pinStateListeners.get(`pin-state-${reply.pin}`) ?? []) listener();
      return;
    }
    for (const pin of this.cols) {
      if (pin >> 3 !== reply.port) continue;
      for (const listener of this.digitalListeners.get(pin) ?? []) listener((reply.value >> (pin & 7)) & 1);
    }
  }

  // ---- the host's event loop ----
  private onHost(task: () => void): void {
    if (this.clock.now() < this.stallUntil || this.hostQueue.length > 0) this.hostQueue.push(task);
    else task();
  }

  private flushHost(): void {
    while (this.hostQueue.length > 0 && this.clock.now() >= this.stallUntil) this.hostQueue.shift()!();
  }
}
