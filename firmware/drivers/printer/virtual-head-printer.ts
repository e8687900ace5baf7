/**
 * The virtual head: a ReceiptPrinter for the simulated terminal and the engine's tests. It runs the real
 * pipeline (layout -> raster -> head plan) into the HeadSimulator, so its PNG shows exactly the dots that
 * were burnt, and it keeps the printed text lines for assertions. Paper can be set to run out after N
 * lines and reloaded. By default it does not wait (`simulatedMs` says how long the real head would have
 * taken); with `pace` it takes each line's real time, so paper can run out in the middle of a receipt.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReceiptFont, type BitmapFont } from './bitmap-font.js';
import { dotRowsToPng } from './dot-png.js';
import { DEFAULT_HEAD_CONFIG, NOMINAL_CELSIUS, strobeMillis, type HeadConfig } from './head-config.js';
import { planHeadRows } from './head-planner.js';
import { HeadSimulator } from './head-simulator.js';
import type { PrintJob, PrintOutcome, ReceiptPrinter } from './print-job.js';
import { rasteriseLine, ROW_BYTES } from './rasteriser.js';
import { layoutReceipt } from './receipt-layout.js';

export interface VirtualHeadOptions {
  /** Paper runs out after this many more lines are printed (undefined = endless roll). */
  paperOutAfterLines?: number;
  headConfig?: HeadConfig;
  font?: BitmapFont;
  /** When set, each job's PNG is also written here as receipt-<n>.png (n from 1). */
  pngDir?: string;
  /**
   * Real-time printing: called after each line with the time that line took on a real printer (the
   * head's own time plus the line's bytes on a serial link at `baud`); the next line waits for it.
   */
  pace?: { baud: number; wait(ms: number): Promise<void> };
}

export interface PrintedJob {
  job: PrintJob;
  lines: string[];
  outcome: PrintOutcome;
  /** The dot rows this job fed, [firstRow, endRow). */
  firstRow: number;
  endRow: number;
}

export class VirtualHeadPrinter implements ReceiptPrinter {
  /** Every text line that made it onto paper, in order, across jobs. */
  readonly printedLines: string[] = [];
  readonly jobs: PrintedJob[] = [];
  private readonly head: HeadSimulator;
  private readonly headConfig: HeadConfig;
  private readonly font: BitmapFont;
  private linesLeft: number | undefined;
  private stepperPhase = 0;
  private readonly pngDir: string | undefined;
  private readonly pace: VirtualHeadOptions['pace'];
  /** Lines of the job on the head right now (undefined between jobs). */
  printing: string[] | undefined;

  constructor(options: VirtualHeadOptions = {}) {
    this.pngDir = options.pngDir;
    this.pace = options.pace;
    this.headConfig = options.headConfig ?? DEFAULT_HEAD_CONFIG;
    this.head = new HeadSimulator(this.headConfig);
    this.font = options.font ?? loadReceiptFont();
    this.linesLeft = options.paperOutAfterLines;
  }

  async print(job: PrintJob): Promise<PrintOutcome> {
    const lines = layoutReceipt(job);
    const strobeMs = strobeMillis(NOMINAL_CELSIUS, this.headConfig.supplyVolts);
    let outcome: PrintOutcome = { ok: true };
    let printed = 0;
    const firstRow = this.head.rowsFed;
    this.printing = [];
    for (const line of lines) {
      if (this.linesLeft === 0) {
        outcome = { ok: false, reason: 'paper-out', linesPrinted: printed };
        break;
      }
      const plan = planHeadRows(rasteriseLine(line, this.font), strobeMs, this.stepperPhase, this.headConfig);
      const headMsBefore = this.head.elapsedMs;
      this.head.apply(plan.ops);
      this.stepperPhase = plan.endPhase;
      this.printedLines.push(line);
      printed++;
      if (this.linesLeft !== undefined) this.linesLeft--;
      this.printing.push(line);
      if (this.pace) await this.pace.wait(this.head.elapsedMs - headMsBefore + serialMs(line, this.pace.baud));
    }
    this.printing = undefined;
    this.head.apply([{ op: 'release' }]);
    this.jobs.push({ job, lines: lines.slice(0, printed), outcome, firstRow, endRow: this.head.rowsFed });
    if (this.pngDir !== undefined && printed > 0) {
      writeFileSync(join(this.pngDir, `receipt-${this.jobs.length}.png`), this.toPng(this.jobs.length - 1));
    }
    return outcome;
  }

  async paperPresent(): Promise<boolean> {
    return this.linesLeft !== 0;
  }

  /** A new roll: `paperOutAfterLines` as in the constructor (undefined = endless). */
  reload(paperOutAfterLines?: number): void {
    this.linesLeft = paperOutAfterLines;
  }

  /** How long the real head would have taken for everything printed so far. */
  get simulatedMs(): number {
    return this.head.elapsedMs;
  }

  get maxDotsFiring(): number {
    return this.head.maxDotsFiring;
  }

  /**
   * The paper so far, or one job's part of it (index into `jobs`): 384 dots wide, one pixel row per dot
   * row fed, blank rows included.
   */
  toPng(jobIndex?: number): Buffer {
    let first = 0;
    let end = this.head.rowsFed;
    if (jobIndex !== undefined) {
      const job = this.jobs[jobIndex];
      if (!job) throw new RangeError(`no printed job #${jobIndex} (have ${this.jobs.length})`);
      first = job.firstRow;
      end = job.endRow;
    }
    const rows = Array.from({ length: end - first }, (_, i) => this.head.burnt[first + i] ?? new Uint8Array(ROW_BYTES));
    return dotRowsToPng(rows);
  }
}

/** A text line on an 8N1 serial link: 10 bits a byte, two bytes a Hanzi (GB18030), one for the line feed. */
function serialMs(line: string, baud: number): number {
  let bytes = 1;
  for (const char of line) bytes += char.charCodeAt(0) < 0x80 ? 1 : 2;
  return (bytes * 10 * 1000) / baud;
}
