/**
 * A printer for long sweeps: the real receipt layout (so a job that would not lay out still fails)
 * onto a roll that runs out after a set number of lines, without rasterising or driving a head —
 * the virtual head (firmware/drivers/printer/virtual-head-printer.ts) does that and is used where
 * the dots matter; here thousands of simulated days must stay fast.
 */
import type { PrintJob, PrintOutcome, ReceiptPrinter } from '../../../firmware/drivers/printer/print-job.js';
import { layoutReceipt } from '../../../firmware/drivers/printer/receipt-layout.js';

export class PaperRollPrinter implements ReceiptPrinter {
  /** Every job that printed to the end (a torn one is not kept: it printed again from the top). */
  readonly completed: PrintJob[] = [];
  private linesLeft: number | undefined;

  async print(job: PrintJob): Promise<PrintOutcome> {
    const lines = layoutReceipt(job).length;
    if (this.linesLeft !== undefined && lines > this.linesLeft) {
      const linesPrinted = this.linesLeft;
      this.linesLeft = 0;
      return { ok: false, reason: 'paper-out', linesPrinted };
    }
    if (this.linesLeft !== undefined) this.linesLeft -= lines;
    this.completed.push(job);
    return { ok: true };
  }

  async paperPresent(): Promise<boolean> {
    return this.linesLeft !== 0;
  }

  /** A new roll: runs out after this many lines (undefined = endless). */
  reload(paperOutAfterLines?: number): void {
    this.linesLeft = paperOutAfterLines;
  }
}
