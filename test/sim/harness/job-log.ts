/** Wraps the simulated printer and keeps every job that printed to the end, for the oracle. */
import type { PrintJob, PrintOutcome } from '../../../firmware/drivers/printer/print-job.js';
import type { SimPrinter } from './sim-terminal.js';

export class JobLog implements SimPrinter {
  readonly printed: PrintJob[] = [];

  constructor(private readonly inner: SimPrinter) {}

  async print(job: PrintJob): Promise<PrintOutcome> {
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
