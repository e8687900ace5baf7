/** Text pictures of the terminal for the console: the LCD in its bezel, the key map, the receipt. */
import { charColumns, textColumns } from '../../firmware/drivers/printer/text-columns.js';

/** Pads or cuts a line to `cols` display cells (a Hanzi takes two). */
export function fitCells(line: string, cols: number): string {
  let out = '';
  let used = 0;
  for (const char of line) {
    const width = charColumns(char);
    if (used + width > cols) break;
    out += char;
    used += width;
  }
  return out + ' '.repeat(cols - used);
}

/** The LCD as it looks: a box of `cols` x lines.length cells. */
export function renderLcd(lines: readonly string[], cols: number): string[] {
  const edge = `+${'-'.repeat(cols)}+`;
  return [edge, ...lines.map((line) => `|${fitCells(line, cols)}|`), edge];
}

export const KEY_MAP_HELP = [
  'keys: 0-9 digits   . = 00   Enter = 确认 ENTER   Esc = 取消 CANCEL',
  '      Backspace = 清除 CLEAR   f = 功能 FUNC   arrows up/down = UP/DOWN',
  'card: s then 1-9 = swipe test card   S then 1-9 = swipe it backwards',
  'power: p = cut the power (boot again from the same flash)   o / i = paper out / in   x or Ctrl-C = quit',
];

export function renderCardMenu(cards: readonly { pan: string; note?: string; status: string }[], mask: (pan: string) => string): string[] {
  return cards.slice(0, 9).map((card, i) => `  ${i + 1}  ${mask(card.pan)}  ${card.status === 'ok' ? '' : `[${card.status}] `}${card.note ?? ''}`);
}

/** The last receipt in a paper-coloured column (32 cells, as the 58 mm roll prints it). */
export function renderReceipt(lines: readonly string[], maxLines: number): string[] {
  const shown = lines.length > maxLines ? lines.slice(lines.length - maxLines) : lines;
  return shown.map((line) => `  :${fitCells(line, Math.max(32, textColumns(line)))}:`);
}
