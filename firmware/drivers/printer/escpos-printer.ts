/**
 * ESC/POS backend (thin shell): lays the job out, sends it line by line over a ByteLink paced to the
 * module's speed, and asks DLE EOT 4 after each line so paper-out mid-receipt comes back as
 * { ok: false, reason: 'paper-out', linesPrinted } and the engine can reload and reprint from the top.
 */
import type { Clock } from '../../hal/clock.js';
import type { ByteLink } from './byte-link.js';
import { ESC_POS, encodeEscPosJob, parsePaperStatus, type ChineseMode, type PaperStatus } from './escpos-encoder.js';
import type { PrintJob, PrintOutcome, ReceiptPrinter } from './print-job.js';
import { OneAtATime } from './one-at-a-time.js';
import { layoutReceipt } from './receipt-layout.js';

export interface EscPosPrinterOptions {
  baud: number;
  /** Default 50 mm/s. */
  printSpeedMmPerS?: number;
  /** Default 'once' (FS & after ESC @). */
  chineseMode?: ChineseMode;
  /** How long to wait for the DLE EOT reply before calling the printer offline. Default 500 ms. */
  statusTimeoutMs?: number;
}

export class EscPosPrinter implements ReceiptPrinter {
  private readonly printSpeedMmPerS: number;
  private readonly chineseMode: ChineseMode;
  private readonly statusTimeoutMs: number;
  private readonly queue = new OneAtATime();

  constructor(
    private readonly link: ByteLink,
    private readonly clock: Clock,
    private readonly options: EscPosPrinterOptions,
  ) {
    this.printSpeedMmPerS = options.printSpeedMmPerS ?? 50;
    this.chineseMode = options.chineseMode ?? 'once';
    this.statusTimeoutMs = options.statusTimeoutMs ?? 500;
  }

  print(job: PrintJob): Promise<PrintOutcome> {
    return this.queue.run(() => this.printNow(job));
  }

  paperPresent(): Promise<boolean> {
    return this.queue.run(async () => {
      const status = await this.queryPaper();
      return status !== 'offline' && !status.paperOut;
    });
  }

  private async printNow(job: PrintJob): Promise<PrintOutcome> {
    const encoded = encodeEscPosJob(layoutReceipt(job), this.chineseMode, {
      baud: this.options.baud,
      printSpeedMmPerS: this.printSpeedMmPerS,
    });
    const before = await this.queryPaper();
    if (before === 'offline') return { ok: false, reason: 'offline', linesPrinted: 0 };
    if (before.paperOut) return { ok: false, reason: 'paper-out', linesPrinted: 0 };
    await this.link.write(encoded.preamble);
    for (let i = 0; i < encoded.lines.length; i++) {
      const line = encoded.lines[i]!;
      await this.link.write(line.bytes);
      await this.sleep(line.holdMs);
      const status = await this.queryPaper();
      if (status === 'offline') return { ok: false, reason: 'offline', linesPrinted: i };
      // The sensor tripped while this line was going through: count it as not printed.
      if (status.paperOut) return { ok: false, reason: 'paper-out', linesPrinted: i };
    }
    return { ok: true };
  }

  /** Sends DLE EOT 4 and resolves with the first status byte that comes back, or 'offline'. */
  private queryPaper(): Promise<PaperStatus | 'offline'> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: PaperStatus | 'offline'): void => {
        if (settled) return;
        settled = true;
        unsubscribe();
        this.clock.clearTimer(timer);
        resolve(result);
      };
      const unsubscribe = this.link.onData((bytes) => {
        for (const b of bytes) {
          try {
            finish(parsePaperStatus(b));
            return;
          } catch {
            // Not a status byte (noise, an echo): keep listening until the timeout.
          }
        }
      });
      const timer = this.clock.setTimer(this.statusTimeoutMs, () => finish('offline'));
      this.link.write(Uint8Array.from(ESC_POS.paperStatusQuery)).catch(() => finish('offline'));
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(ms, resolve));
  }
}
