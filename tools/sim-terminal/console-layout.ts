/**
 * The interactive simulator's full-screen picture, as rows of exactly `width` cells (a Hanzi takes
 * two). It fits 80x24 and gives any extra room to the receipt, the event log and the ledger:
 *
 *   title / status bar
 *   the LCD in its bezel (fixed place)   | the key legend
 *   the receipt on the head or the last  | the event log (newest at the bottom)
 *   the issuer ledger: one-sided check, then each test card's balance
 *   the prompt line
 *
 * Pure: the same model and size give the same rows, so the layout is tested without a terminal.
 */
import { fitCells, renderLcd } from './render.js';

export const MIN_WIDTH = 80;
export const MIN_HEIGHT = 24;
const RECEIPT_CELLS = 32;
const LEDGER_CELL = 26;

export interface ConsoleModel {
  title: string;
  lcd: readonly string[];
  lcdCols: number;
  legend: readonly string[];
  receiptTitle: string;
  receipt: readonly string[];
  events: readonly { at: string; text: string }[];
  ledgerCheck: string;
  balances: readonly { card: number; maskedPan: string; status: string; balanceFen: number }[];
  prompt: string;
}

const STATUS_MARK: Record<string, string> = { ok: '', expired: ' exp', lost: ' lost', stolen: ' stol' };

export function layoutConsole(model: ConsoleModel, width: number, height: number): string[] {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) {
    const rows = [`The simulator needs a ${MIN_WIDTH}x${MIN_HEIGHT} terminal; this one is ${width}x${height}.`, 'Make the window larger (x quits).'];
    return Array.from({ length: height }, (_, i) => fitCells(rows[i] ?? '', width));
  }
  const out: string[] = [fitCells(model.title, width)];

  // The LCD, always in the same place, with the legend beside it.
  const bezel = renderLcd(model.lcd, model.lcdCols);
  const lcdWidth = model.lcdCols + 2;
  const legendWidth = width - lcdWidth - 2;
  const topRows = Math.max(bezel.length, Math.min(model.legend.length, bezel.length + 2));
  for (let i = 0; i < topRows; i++) out.push(`${fitCells(bezel[i] ?? '', lcdWidth)}  ${fitCells(model.legend[i] ?? '', legendWidth)}`);

  // The ledger at the bottom: a header line, then the cards in as many columns as fit.
  const ledgerColumns = Math.max(1, Math.floor(width / LEDGER_CELL));
  const ledgerRows = Math.ceil(model.balances.length / ledgerColumns);
  const middleRows = height - out.length - 1 - ledgerRows - 1;

  // Receipt | events in the middle, each with a heading row.
  const receiptWidth = RECEIPT_CELLS + 2;
  const eventsWidth = width - receiptWidth - 1;
  const bodyRows = middleRows - 1;
  const receipt = model.receipt.slice(-bodyRows).map((line) => `:${fitCells(line, RECEIPT_CELLS)}:`);
  const events = model.events.slice(-bodyRows).map((e) => `${e.at} ${e.text}`);
  out.push(`${fitCells(model.receiptTitle, receiptWidth)} ${fitCells('events (newest last)', eventsWidth)}`);
  for (let i = 0; i < bodyRows; i++) out.push(`${fitCells(receipt[i] ?? '', receiptWidth)} ${fitCells(events[i] ?? '', eventsWidth)}`);

  out.push(fitCells(model.ledgerCheck, width));
  const cellWidth = Math.floor(width / ledgerColumns);
  for (let r = 0; r < ledgerRows; r++) {
    let row = '';
    for (let c = 0; c < ledgerColumns; c++) {
      const b = model.balances[c * ledgerRows + r];
      const text = b ? `${String(b.card).padStart(2)} *${b.maskedPan.slice(-4)} ${(b.balanceFen / 100).toFixed(2).padStart(11)}${STATUS_MARK[b.status] ?? ` ${b.status}`}` : '';
      row += fitCells(text, cellWidth);
    }
    out.push(fitCells(row, width));
  }
  out.push(fitCells(model.prompt, width));
  return out;
}
