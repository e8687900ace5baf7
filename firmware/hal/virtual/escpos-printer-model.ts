/**
 * A 58 mm ESC/POS thermal printer module on a serial line: it parses what it receives (ESC @,
 * text with LF, GB18030 Chinese between FS & and FS ., GS v 0 raster images, the common one- and
 * two-argument formatting commands, GS V cut) and keeps what it printed as text lines, so a test
 * can read the receipt back. A paper-out sensor answers DLE EOT real-time status requests at once
 * (even mid-job); while the paper is out nothing prints. The print mechanism is slower than the
 * line (no flow control): what overflows its receive buffer is lost and counted.
 */
import { decodeGb2312 } from '../../drivers/text/gb2312.js';
import type { SerialPeripheral } from './uart-line.js';

export interface EscPosPrinterOptions {
  /** GB18030 modules start in Chinese mode (default true). */
  chineseByDefault?: boolean;
  /** Receive buffer in bytes (default 4096). */
  bufferBytes?: number;
  /** Time to print one line of text or 24 raster rows (default 42 ms: ~3.75 mm at 90 mm/s). */
  lineTimeUs?: number;
}

export interface PrintedRaster {
  widthDots: number;
  heightDots: number;
  data: Uint8Array;
}

/** Argument byte counts of the fixed-length commands the model skips over (formatting only). */
const ESC_ARGS: Record<number, number> = { 0x21: 1, 0x45: 1, 0x61: 1, 0x64: 1, 0x4a: 1, 0x32: 0, 0x33: 1, 0x2d: 1, 0x47: 1, 0x4d: 1, 0x52: 1, 0x74: 1, 0x20: 1, 0x7b: 1, 0x56: 1 };
const GS_ARGS: Record<number, number> = { 0x21: 1, 0x42: 1, 0x4c: 2, 0x57: 2, 0x68: 1, 0x77: 1, 0x48: 1, 0x66: 1 };
const FS_ARGS: Record<number, number> = { 0x21: 1, 0x43: 1, 0x57: 1, 0x2d: 1 };

export class EscPosPrinterModel implements SerialPeripheral {
  /** Printed text lines; a raster image shows as `[raster WxH]`. */
  readonly printed: string[] = [];
  readonly rasters: PrintedRaster[] = [];
  /** Commands the model did not recognise (hex), for tests that want a clean stream. */
  readonly unknownCommands: string[] = [];
  cuts = 0;
  /** Lines that did not print because the paper was out. */
  linesLostToPaperOut = 0;
  /** Bytes lost to receive-buffer overflow. */
  overflowBytes = 0;
  private paperOut = false;
  private chinese: boolean;
  private readonly chineseByDefault: boolean;
  private readonly bufferBytes: number;
  private readonly lineTimeUs: number;
  private pending: number[] = [];
  private lineSegments: { bytes: number[]; chinese: boolean }[] = [];
  private printFreeUs = 0;
  private queuedLines: { doneUs: number; bytes: number }[] = [];
  private sendStatus: ((bytes: readonly number[]) => void) | undefined;

  constructor(options: EscPosPrinterOptions = {}) {
    this.chineseByDefault = options.chineseByDefault ?? true;
    this.chinese = this.chineseByDefault;
    this.bufferBytes = options.bufferBytes ?? 4096;
    this.lineTimeUs = options.lineTimeUs ?? 42_000;
  }

  /** Where DLE EOT answers go (the line's peripheral side). */
  connectStatusOutput(send: (bytes: readonly number[]) => void): void {
    this.sendStatus = send;
  }

  setPaperOut(out: boolean): void {
    this.paperOut = out;
  }

  get isPaperOut(): boolean {
    return this.paperOut;
  }

  receive(bytes: number[], atUs: number): void {
    this.queuedLines = this.queuedLines.filter((l) => l.doneUs > atUs);
    const occupied = this.queuedLines.reduce((n, l) => n + l.bytes, 0) + this.pending.length;
    const room = Math.max(0, this.bufferBytes - occupied);
    if (bytes.length > room) this.overflowBytes += bytes.length - room;
    this.pending.push(...bytes.slice(0, room));
    this.parse(atUs);
  }

  /** Consumes complete commands from `pending`; an incomplete one waits for more bytes. */
  private parse(atUs: number): void {
    let i = 0;
    const p = this.pending;
    const need = (n: number) => i + n <= p.length;
    while (i < p.length) {
      const b = p[i]!;
      if (b === 0x10) {
        if (!need(3)) break;
        if (p[i + 1] === 0x04) this.realTimeStatus(p[i + 2]!);
        else this.unknown(p.slice(i, i + 2));
        i += p[i + 1] === 0x04 ? 3 : 2;
      } else if (b === 0x1b) {
        if (!need(2)) break;
        const c = p[i + 1]!;
        if (c === 0x40) {
          this.chinese = this.chineseByDefault;
          this.lineSegments = [];
          i += 2;
        } else if (c === 0x64) {
          if (!need(3)) break;
          this.endLine(atUs);
          for (let n = 1; n < p[i + 2]!; n++) this.emitLine('', atUs, 1);
          i += 3;
        } else if (c in ESC_ARGS) {
          if (!need(2 + ESC_ARGS[c]!)) break;
          i += 2 + ESC_ARGS[c]!;
        } else {
          this.unknown(p.slice(i, i + 2));
          i += 2;
        }
      } else if (b === 0x1d) {
        if (!need(2)) break;
        const c = p[i + 1]!;
        if (c === 0x76) {
          if (!need(8)) break;
          const width = p[i + 4]! | (p[i + 5]! << 8);
          const height = p[i + 6]! | (p[i + 7]! << 8);
          if (!need(8 + width * height)) break;
          this.raster(width, height, p.slice(i + 8, i + 8 + width * height), atUs);
          i += 8 + width * height;
        } else if (c === 0x56) {
          if (!need(3)) break;
          const m = p[i + 2]!;
          const len = m === 65 || m === 66 ? 4 : 3;
          if (!need(len)) break;
          this.endLine(atUs);
          this.cuts++;
          i += len;
        } else if (c in GS_ARGS) {
          if (!need(2 + GS_ARGS[c]!)) break;
          i += 2 + GS_ARGS[c]!;
        } else {
          this.unknown(p.slice(i, i + 2));
          i += 2;
        }
      } else if (b === 0x1c) {
        if (!need(2)) break;
        const c = p[i + 1]!;
        if (c === 0x26) this.chinese = true;
        else if (c === 0x2e) this.chinese = false;
        else if (c in FS_ARGS) {
          if (!need(2 + FS_ARGS[c]!)) break;
          i += FS_ARGS[c]!;
        } else this.unknown(p.slice(i, i + 2));
        i += 2;
      } else if (b === 0x0a) {
        this.endLine(atUs);
        i++;
      } else if (b === 0x0d) {
        i++;
      } else {
        const last = this.lineSegments[this.lineSegments.length - 1];
        if (last && last.chinese === this.chinese) last.bytes.push(b);
        else this.lineSegments.push({ bytes: [b], chinese: this.chinese });
        i++;
      }
    }
    this.pending = p.slice(i);
  }

  private realTimeStatus(n: number): void {
    // Fixed bits 1 and 4 are always set; n=1 offline bit 3, n=2 paper-end stop bit 5,
    // n=4 roll paper end bits 5-6.
    const status = n === 1 ? 0x12 | (this.paperOut ? 0x08 : 0) : n === 2 ? 0x12 | (this.paperOut ? 0x20 : 0) : n === 4 ? 0x12 | (this.paperOut ? 0x60 : 0) : 0x12;
    this.sendStatus?.([status]);
  }

  private endLine(atUs: number): void {
    const text = this.lineSegments.map((s) => (s.chinese ? decodeGb2312(s.bytes) : Buffer.from(s.bytes).toString('latin1'))).join('');
    const bytes = this.lineSegments.reduce((n, s) => n + s.bytes.length, 0);
    this.lineSegments = [];
    this.emitLine(text, atUs, bytes + 1);
  }

  private raster(widthBytes: number, heightDots: number, data: number[], atUs: number): void {
    if (this.paperOut) {
      this.linesLostToPaperOut++;
      return;
    }
    this.rasters.push({ widthDots: widthBytes * 8, heightDots, data: Uint8Array.from(data) });
    this.emitLine(`[raster ${widthBytes * 8}x${heightDots}]`, atUs, data.length + 8, Math.ceil(heightDots / 24));
  }

  private emitLine(text: string, atUs: number, bytes: number, lineUnits = 1): void {
    if (this.paperOut) {
      this.linesLostToPaperOut++;
      return;
    }
    this.printed.push(text);
    this.printFreeUs = Math.max(atUs, this.printFreeUs) + this.lineTimeUs * lineUnits;
    this.queuedLines.push({ doneUs: this.printFreeUs, bytes });
  }

  private unknown(bytes: number[]): void {
    this.unknownCommands.push(bytes.map((b) => b.toString(16).padStart(2, '0')).join(' '));
  }
}
