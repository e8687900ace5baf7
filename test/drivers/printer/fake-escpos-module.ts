/**
 * A fake ESC/POS module on the far end of a ByteLink: records every byte, answers DLE EOT 4 after the
 * wire time of query + reply, and runs out of paper after a given number of line feeds.
 */
import type { VirtualClock } from '../../../firmware/hal/clock.js';
import type { ByteLink } from '../../../firmware/drivers/printer/byte-link.js';
import { wireMs } from '../../../firmware/drivers/printer/escpos-encoder.js';

export class FakeEscPosModule implements ByteLink {
  readonly received: number[] = [];
  lineFeeds = 0;
  private readonly listeners = new Set<(bytes: Uint8Array) => void>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly baud: number,
    /** Paper ends after this many line feeds (undefined = endless); 'dead' = never answers. */
    public paperLines: number | undefined = undefined,
    public dead = false,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    for (let i = 0; i < bytes.length; i++) {
      this.received.push(bytes[i]!);
      if (bytes[i] === 0x0a) this.lineFeeds++;
      if (bytes[i] === 0x10 && bytes[i + 1] === 0x04 && bytes[i + 2] === 0x04 && !this.dead) {
        const paperOut = this.paperLines !== undefined && this.lineFeeds >= this.paperLines;
        const status = paperOut ? 0x72 : 0x12;
        this.clock.setTimer(wireMs(4, this.baud), () => {
          for (const l of this.listeners) l(Uint8Array.of(status));
        });
      }
    }
  }

  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Runs a promise to completion on a virtual clock, advancing time to each next timer. */
export async function runOnVirtualClock<T>(clock: VirtualClock, work: Promise<T>): Promise<T> {
  let done = false;
  const tracked = work.finally(() => {
    done = true;
  });
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    if (done) return tracked;
    const next = clock.nextDeadline();
    if (next === undefined) return tracked;
    clock.advance(next);
  }
}
