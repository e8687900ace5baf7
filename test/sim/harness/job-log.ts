/**
 * Wraps the simulated printer and keeps every job that printed to the end, for the oracle. It can
 * also cut the power as a chosen job starts to print (the head is mid-receipt when the power goes).
 */
import type { PrintJob, PrintOutcome } from '../../../firmware/drivers/printer/print-job.js';
import type { SimPrinter } from './sim-terminal.js';

export class JobLog implements SimPrinter {
  readonly printed: PrintJob[] = [];
  /** Jobs handed to the printer so far (a cut is aimed at one of them). */
  started = 0;
  private cut: { job: number; cutPower: () => void } | undefined;

  constructor(private readonly inner: SimPrinter) {}

  armCut(job: number, cutPower: () => void): void {
    this.cut = { job, cutPower };
  }

  disarmCut(): void {
    this.cut = undefined;
  }

  async print(job: PrintJob): Promise<PrintOutcome> {
    const index = this.started++;
    if (this.cut?.job === index) {
      const { cutPower } = this.cut;
      this.cut = undefined;
      cutPower();
      // The power is gone: the job never finishes and nothing after it runs.
      return new Promise<PrintOutcome>(() => {});
    }
    const outcome = await this.inner.print(job);
    if (outcome.ok) this.printed.push(job);
    return outcome;
  }

  paperPresent(): Promise<boolean> {
    return this.inner.paperPresent();
  }

  reload(paperOutAfterLines?: number): void {
    this.inner.reload(paperOutAfterLines);
  }
}
