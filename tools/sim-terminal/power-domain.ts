/**
 * Everything one boot of the simulated terminal can touch goes through its power domain: the clock
 * (its timers), the flash and the host link. `cut()` is the power going: nothing is closed, flushed
 * or told; pending timers simply never fire, and every later flash or link call fails with PowerCut,
 * so the abandoned runtime can never again write the image or send a byte. The next boot gets a
 * fresh domain over the same flash image, clock and network.
 */
import { PowerCut, type FlashCounters, type FlashDevice, type FlashGeometry } from '../../firmware/drivers/flash/flash-device.js';
import type { Clock, TimerHandle } from '../../firmware/hal/clock.js';
import type { HostLink } from '../../firmware/host/host-link.js';
import type { HostExchangeResult } from '../../firmware/iso8583/received-message.js';
import type { IsoMessage } from '../../firmware/iso8583/message.js';

export class PowerDomain {
  private on = true;
  private readonly timers = new Set<TimerHandle>();
  private readonly onCut: (() => void)[] = [];

  constructor(private readonly base: Clock) {}

  get powered(): boolean {
    return this.on;
  }

  cut(): void {
    if (!this.on) return;
    this.on = false;
    for (const handle of this.timers) this.base.clearTimer(handle);
    this.timers.clear();
    for (const action of this.onCut.splice(0)) action();
  }

  /** Fails with PowerCut once the power is gone. */
  check(): void {
    if (!this.on) throw new PowerCut(0);
  }

  readonly clock: Clock = {
    now: () => this.base.now(),
    wallTime: () => this.base.wallTime(),
    setTimer: (ms, callback) => {
      if (!this.on) return { id: -1 };
      const handle = this.base.setTimer(ms, () => {
        this.timers.delete(handle);
        if (this.on) callback();
      });
      this.timers.add(handle);
      return handle;
    },
    clearTimer: (handle) => {
      if (!handle) return;
      this.timers.delete(handle);
      this.base.clearTimer(handle);
    },
  };

  /** The flash chip as this boot sees it. */
  flash(device: FlashDevice): FlashDevice {
    const guarded = <T>(operation: () => Promise<T>): Promise<T> => {
      try {
        this.check();
      } catch (error) {
        return Promise.reject(error);
      }
      return operation().then((value) => {
        // An operation that was under way at the cut may or may not have landed; the caller never learns which.
        this.check();
        return value;
      });
    };
    return {
      geometry: device.geometry as FlashGeometry,
      read: (offset, length) => guarded(() => device.read(offset, length)),
      program: (offset, data) => guarded(() => device.program(offset, data)),
      erase: (sector) => guarded(() => device.erase(sector)),
      sync: () => guarded(() => device.sync()),
      counters: (): FlashCounters => device.counters(),
    };
  }

  /**
   * The acquirer link as this boot sees it. At the cut its connection drops (as a real one does
   * when the terminal dies), and an exchange under way never hears its answer.
   */
  hostLink(link: HostLink): HostLink {
    this.onCut.push(() => void link.close().catch(() => undefined));
    return {
      exchange: (request: IsoMessage, options?: { timeoutMs?: number }): Promise<HostExchangeResult> => {
        if (!this.on) return Promise.reject(new PowerCut(0));
        return new Promise((resolve, reject) => {
          this.onCut.push(() => reject(new PowerCut(0)));
          link.exchange(request, options).then(
            (result) => (this.on ? resolve(result) : reject(new PowerCut(0))),
            (error: unknown) => reject(this.on ? error : new PowerCut(0)),
          );
        });
      },
      close: () => link.close(),
    };
  }
}
