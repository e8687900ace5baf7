/**
 * The shared shell of line-based readers: lines go into the pure ReaderOutputAssembler, finished
 * swipes go to the listeners, and a quiet period after the last line ends a swipe that the reader
 * does not frame. Nothing here logs track data; only a bad swipe's reason and detail are logged.
 */
import type { Clock, TimerHandle } from '../../hal/clock.js';
import { silentLogger, type Logger } from '../../hal/log.js';
import type { SwipeResult } from './card-read.js';
import { ReaderOutputAssembler, type ReaderOutputOptions } from './reader-output-assembler.js';
import { SwipeListeners } from './swipe-listeners.js';

export interface ReaderLineSessionOptions extends ReaderOutputOptions {
  clock: Clock;
  /** Quiet time after a line that ends an unframed swipe (default 150 ms). */
  quietMs?: number;
  logger?: Logger;
  /** Called when the quiet period ends, before the swipe is finished (for an unterminated line). */
  takeUnterminated?: () => string | undefined;
}

export class ReaderLineSession {
  readonly listeners = new SwipeListeners();
  private readonly assembler: ReaderOutputAssembler;
  private readonly clock: Clock;
  private readonly quietMs: number;
  private readonly logger: Logger;
  private quietTimer: TimerHandle | undefined;

  constructor(private readonly options: ReaderLineSessionOptions) {
    this.assembler = new ReaderOutputAssembler(options);
    this.clock = options.clock;
    this.quietMs = options.quietMs ?? 150;
    this.logger = options.logger ?? silentLogger;
  }

  line(text: string): void {
    for (const result of this.assembler.acceptLine(text)) this.deliver(result);
    this.activity();
  }

  /** The reader sent something: the quiet period starts again. */
  activity(): void {
    this.clock.clearTimer(this.quietTimer);
    this.quietTimer = this.clock.setTimer(this.quietMs, () => this.quiet());
  }

  close(): void {
    this.clock.clearTimer(this.quietTimer);
    this.quietTimer = undefined;
  }

  private quiet(): void {
    this.quietTimer = undefined;
    const rest = this.options.takeUnterminated?.();
    if (rest !== undefined) for (const result of this.assembler.acceptLine(rest)) this.deliver(result);
    const result = this.assembler.endOfSwipe();
    if (result) this.deliver(result);
  }

  private deliver(result: SwipeResult): void {
    if (!result.ok) this.logger.log('warn', 'magstripe.bad-swipe', { reason: result.reason, detail: result.detail });
    this.listeners.emit(result);
  }
}
