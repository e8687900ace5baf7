/**
 * Screen text lookup and fitting to the display: the language tables (zh.ts, en.ts) hold every
 * word; this module picks one, fills placeholders and fits lines to 16x2 or 20x4 cells.
 */
import { EN, EN_RESPONSE_CODES } from './en.js';
import { ZH, ZH_RESPONSE_CODES } from './zh.js';

export type TextKey = keyof typeof ZH;
export type Language = 'zh' | 'en';

export interface DisplayGeometry {
  cols: number;
  rows: number;
  chinese: boolean;
}

export interface ScreenTexts {
  readonly language: Language;
  text(key: TextKey, params?: Record<string, string | number>): string;
  /** The meaning of a response code (F39), or the code itself when the table lacks it. */
  responseMeaning(code: string): string;
}

export function screenTexts(language: Language): ScreenTexts {
  const table: Record<TextKey, string> = language === 'zh' ? ZH : EN;
  const codes = language === 'zh' ? ZH_RESPONSE_CODES : EN_RESPONSE_CODES;
  return {
    language,
    text(key, params) {
      return table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? ''));
    },
    responseMeaning(code) {
      return codes[code] ?? (language === 'zh' ? `应答码${code}` : `CODE ${code}`);
    },
  };
}

/** Cells a string takes: wide (non-ASCII) characters take two on a Chinese-font display. */
export function cellWidth(text: string): number {
  let cells = 0;
  for (const ch of text) cells += ch.charCodeAt(0) > 0x7f ? 2 : 1;
  return cells;
}

/** Cuts a line to `cols` cells without splitting a wide character. */
export function fitLine(text: string, cols: number): string {
  let out = '';
  let cells = 0;
  for (const ch of text) {
    const w = ch.charCodeAt(0) > 0x7f ? 2 : 1;
    if (cells + w > cols) break;
    out += ch;
    cells += w;
  }
  return out;
}

/**
 * Lays out a screen: a title and body lines. Four rows show the title and three body lines; two rows
 * show the title and the first body line, or the first two body lines when the body has two or more
 * (the body carries what the cashier must act on, the title is context).
 */
export function layoutScreen(display: DisplayGeometry, title: string, body: readonly string[]): string[] {
  let lines: string[];
  if (display.rows >= 4) lines = [title, ...body].slice(0, display.rows);
  else if (display.rows === 1) lines = [body[0] ?? title];
  else lines = body.length >= 2 ? body.slice(0, display.rows) : [title, ...body];
  while (lines.length < display.rows) lines.push('');
  return lines.map((l) => fitLine(l, display.cols));
}

/** 8800 fen -> "88.00". */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
