/** Small device doubles for the engine tests: a display and a printer that record what they get. */
import type { TextDisplay } from '../../../firmware/drivers/lcd/text-display.js';
import type { PrintJob, PrintOutcome, ReceiptPrinter } from '../../../firmware/drivers/printer/print-job.js';

export class RecordingDisplay implements TextDisplay {
  readonly history: string[][] = [];
  constructor(
    readonly cols = 20,
    readonly rows = 4,
    readonly chinese = false,
  ) {}
  show(lines: readonly string[]): void {
    this.history.push([...lines]);
  }
  backlight(): void {}
  async flush(): Promise<void> {}
  get text(): string {
    return (this.history.at(-1) ?? []).join('\n');
  }
  /** Everything ever shown, one screen per line group. */
  get all(): string {
    return this.history.map((s) => s.join('|')).join('\n');
  }
}

export class RecordingPrinter implements ReceiptPrinter {
  readonly printed: PrintJob[] = [];
  /** Jobs whose roll ends part-way (the sensor saw paper before), counted down per print call. */
  paperOutFor = 0;
  /** No roll at all: the sensor says so and every job fails at once. */
  empty = false;
  /** How often the paper sensor was asked. */
  paperChecks = 0;
  async print(job: PrintJob): Promise<PrintOutcome> {
    if (this.empty) return { ok: false, reason: 'paper-out', linesPrinted: 0 };
    if (this.paperOutFor > 0) {
      this.paperOutFor -= 1;
      return { ok: false, reason: 'paper-out', linesPrinted: 5 };
    }
    this.printed.push(job);
    return { ok: true };
  }
  async paperPresent(): Promise<boolean> {
    this.paperChecks += 1;
    return !this.empty;
  }
}
