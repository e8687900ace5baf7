/**
 * ESC/POS byte stream (pure): receipt lines -> text-mode bytes in GB2312 (a subset of the modules' GB18030; ../text/gb2312.ts), with the hold
 * time each line needs, since TTL printer modules have no flow control: the writer must not send a line
 * before the previous one has both crossed the wire and been printed at the module's speed.
 */
import { encodeGb2312 } from '../text/gb2312.js';

export const ESC_POS = {
  /** ESC @: initialise (clears the buffer, resets modes). */
  init: [0x1b, 0x40],
  /** ESC 3 n: line spacing n dots; 30 dots (3.75 mm) fits a 24x24 Chinese glyph with a gap. */
  lineSpacing30: [0x1b, 0x33, 30],
  /** FS &: enter Chinese character mode. */
  chineseOn: [0x1c, 0x26],
  /** FS .: leave Chinese character mode. */
  chineseOff: [0x1c, 0x2e],
  /** DLE EOT 4: real-time roll paper sensor status (answered even while printing). */
  paperStatusQuery: [0x10, 0x04, 0x04],
  lineFeed: 0x0a,
} as const;

/** The module's dot pitch and the line pitch set by ESC 3 30. */
export const ESC_POS_LINE_MM = 30 / 8;

/**
 * How the module wants Chinese: 'always' = GB18030 modules that start in Chinese mode (nothing sent);
 * 'once' = FS & once after ESC @; 'around-runs' = FS & before and FS . after each run of non-ASCII text,
 * for modules whose single-byte code page would otherwise misprint ASCII inside Chinese mode.
 */
export type ChineseMode = 'always' | 'once' | 'around-runs';

export interface EscPosTiming {
  baud: number;
  /** Paper speed the module sustains, mm/s (TTL modules: up to ~90; 50 is a safe default). */
  printSpeedMmPerS: number;
}

export interface EscPosLine {
  bytes: Uint8Array;
  /** Milliseconds to wait after sending before the next line: max(wire time, print time). */
  holdMs: number;
}

export interface EscPosJob {
  preamble: Uint8Array;
  lines: EscPosLine[];
}

export function wireMs(byteCount: number, baud: number): number {
  // 8N1: 10 bits per byte.
  return (byteCount * 10 * 1000) / baud;
}

export function encodeLine(line: string, chineseMode: ChineseMode): Uint8Array {
  const text = line.replace(/ +$/, '');
  const parts: number[] = [];
  if (chineseMode === 'around-runs') {
    for (const run of text.match(/[\x20-\x7e]+|[^\x20-\x7e]+/g) ?? []) {
      const ascii = /^[\x20-\x7e]/.test(run);
      if (!ascii) parts.push(...ESC_POS.chineseOn);
      parts.push(...encodeGb2312(run));
      if (!ascii) parts.push(...ESC_POS.chineseOff);
    }
  } else {
    parts.push(...encodeGb2312(text));
  }
  parts.push(ESC_POS.lineFeed);
  return Uint8Array.from(parts);
}

export function encodeEscPosJob(lines: readonly string[], chineseMode: ChineseMode, timing: EscPosTiming): EscPosJob {
  if (!(timing.baud > 0) || !(timing.printSpeedMmPerS > 0)) {
    throw new RangeError(`ESC/POS timing needs baud > 0 and printSpeedMmPerS > 0 (got ${timing.baud}, ${timing.printSpeedMmPerS})`);
  }
  const preamble = [...ESC_POS.init, ...ESC_POS.lineSpacing30, ...(chineseMode === 'once' ? ESC_POS.chineseOn : [])];
  const printMs = (ESC_POS_LINE_MM / timing.printSpeedMmPerS) * 1000;
  return {
    preamble: Uint8Array.from(preamble),
    lines: lines.map((line) => {
      const bytes = encodeLine(line, chineseMode);
      return { bytes, holdMs: Math.max(wireMs(bytes.length, timing.baud), printMs) };
    }),
  };
}

export interface PaperStatus {
  paperOut: boolean;
  nearEnd: boolean;
}

/**
 * Decodes the DLE EOT 4 reply: bits 1 and 4 are always 1, bits 0 and 7 always 0; bits 2-3 = paper near
 * end, bits 5-6 = paper end. Anything else is not a status byte (line noise, a wrong baud rate).
 */
export function parsePaperStatus(byte: number): PaperStatus {
  if ((byte & 0x93) !== 0x12) throw new Error(`not a DLE EOT 4 status byte: 0x${byte.toString(16).padStart(2, '0')}`);
  return { paperOut: (byte & 0x60) !== 0, nearEnd: (byte & 0x0c) !== 0 };
}
