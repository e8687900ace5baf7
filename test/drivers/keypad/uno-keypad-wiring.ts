import type { PosKey } from '../../../firmware/hal/pos-keys.js';

/** The uno-firmata.json keypad: rows D2-D5, columns D6, D7 (port 0) and D8, D9 (port 1). */
export const ROWS = [2, 3, 4, 5];
export const COLS = [6, 7, 8, 9];
export const KEYMAP: PosKey[][] = [
  ['1', '2', '3', 'CANCEL'],
  ['4', '5', '6', 'CLEAR'],
  ['7', '8', '9', 'ENTER'],
  ['FUNC', '0', '00', 'DOWN'],
];
