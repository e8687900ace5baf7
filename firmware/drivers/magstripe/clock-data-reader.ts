/**
 * A TTL clock/data magstripe reader on GPIO pins through the IO plugin: each pin's change callback
 * feeds ClockDataSwipeMachine. Strobes come every 60-3000 us, so this suits on-board IO
 * (raspi-io / linux-io with edge interrupts); through Firmata only slow swipes keep up, and since
 * Firmata reports the pins of one port in pin order, wire /RDT to a lower pin than its /RCL there.
 */
import { PinMode, type IoPlugin, type PinValue } from '../../hal/io-plugin.js';
import { silentLogger, type Logger } from '../../hal/log.js';
import type { SwipeResult, SwipeSource } from './card-read.js';
import { ClockDataSwipeMachine } from './clock-data-machine.js';
import { SwipeListeners } from './swipe-listeners.js';
import type { TrackNumber } from './track-format.js';

export interface ClockDataPins {
  /** /CLS card load. */
  cardLoad: number;
  tracks: readonly { track: TrackNumber; clock: number; data: number }[];
  /** Use the board's pull-ups (readers with open-collector outputs); default true. */
  pullUp?: boolean;
}

export class ClockDataSwipeReader implements SwipeSource {
  private readonly listeners = new SwipeListeners();
  private readonly machine: ClockDataSwipeMachine;
  private open = true;

  constructor(
    io: IoPlugin,
    pins: ClockDataPins,
    private readonly logger: Logger = silentLogger,
  ) {
    const all = [pins.cardLoad, ...pins.tracks.flatMap((t) => [t.clock, t.data])];
    const reused = all.find((pin, index) => all.indexOf(pin) !== index);
    if (reused !== undefined) throw new RangeError(`clock/data reader: pin ${reused} is used twice`);
    this.machine = new ClockDataSwipeMachine(pins.tracks.map((t) => t.track));

    const mode = pins.pullUp === false ? PinMode.INPUT : PinMode.PULLUP;
    const watch = (pin: number, onLevel: (level: PinValue) => void): void => {
      io.pinMode(pin, mode);
      io.digitalRead(pin, (value) => {
        if (this.open) onLevel(value ? 1 : 0);
      });
    };
    // Data pins first, so a board that reports in registration order has /RDT settled before /RCL.
    for (const { track, data } of pins.tracks) watch(data, (level) => this.machine.readData(track, level));
    for (const { track, clock } of pins.tracks) watch(clock, (level) => this.machine.readClock(track, level));
    watch(pins.cardLoad, (level) => {
      const result = this.machine.cardLoad(level);
      if (!result) return;
      if (!result.ok) this.logger.log('warn', 'magstripe.bad-swipe', { reason: result.reason, detail: result.detail });
      this.listeners.emit(result);
    });
  }

  onSwipe(listener: (result: SwipeResult) => void): () => void {
    return this.listeners.add(listener);
  }

  /** The IO plugin has no way to stop a digitalRead; the reader just stops listening. */
  close(): Promise<void> {
    this.open = false;
    return Promise.resolve();
  }
}
