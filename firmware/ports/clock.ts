/**
 * Time as an input. Pure cores take `now` as an argument; shells schedule through a Clock so that a
 * simulation can run a whole trading day on a virtual clock, deterministically and fast.
 * A port: the app and the drivers depend on this contract, firmware/hal implements it.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds, monotonic (not wall time). */
  now(): number;
  /** Wall-clock time for receipts and ISO 8583 fields 12/13. */
  wallTime(): Date;
  setTimer(ms: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
}
