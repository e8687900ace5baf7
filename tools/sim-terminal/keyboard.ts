/**
 * The console keyboard as the simulator reads it: what a terminal emulator sends, split into
 * keystrokes (escape sequences whole), and the keys that press the POS keypad.
 */
import type { PosKey } from '../../firmware/hal/pos-keys.js';

const POS_KEYS: Record<string, PosKey> = {
  '\r': 'ENTER',
  '\n': 'ENTER',
  '\x1b': 'CANCEL',
  '\x7f': 'CLEAR',
  '\b': 'CLEAR',
  f: 'FUNC',
  '\x1b[A': 'UP',
  '\x1b[B': 'DOWN',
  '\x1bOA': 'UP',
  '\x1bOB': 'DOWN',
  '.': '00',
};

/**
 * Splits what the terminal sent (several keys when typed fast or pasted) into keystrokes. A CSI
 * sequence (ESC [ params final: arrows, Delete = ESC [ 3 ~, F5 = ESC [ 15 ~) and an SS3 one
 * (ESC O P = F1) is one keystroke, never ESC (CANCEL) followed by its letters and digits.
 */
export function keystrokes(text: string): string[] {
  return text.match(/\x1b\[[0-9;?]*[\x40-\x7e]|\x1bO[\x40-\x7e]|[\s\S]/g) ?? [];
}

/** The POS key a keystroke presses; undefined for keys with no meaning (F1, Delete, Home, ...). */
export function posKeyFor(keystroke: string): PosKey | undefined {
  if (/^[0-9]$/.test(keystroke)) return keystroke as PosKey;
  return POS_KEYS[keystroke];
}

/**
 * "s" (or "S": backwards) then the card number. A number that no longer card number can extend
 * swipes at once (with 12 cards: 2-9 at once, 1 waits for a second digit or Enter); Esc cancels.
 */
export class CardPicker {
  private digits = '';
  direction: 'forward' | 'backward' | undefined;

  constructor(private readonly cardCount: number) {}

  get active(): boolean {
    return this.direction !== undefined;
  }

  get prompt(): string {
    return `swipe ${this.direction === 'backward' ? 'backwards ' : ''}which card (1-${this.cardCount}, Enter ends the number, Esc cancels)? ${this.digits}`;
  }

  open(direction: 'forward' | 'backward'): void {
    this.direction = direction;
    this.digits = '';
  }

  /** Feeds one keystroke: a card to swipe, 'wait' for more, or 'cancel' with the reason. */
  feed(keystroke: string): { swipe: number; direction: 'forward' | 'backward' } | 'wait' | { cancel: string } {
    const direction = this.direction ?? 'forward';
    const done = (card: number) => {
      this.direction = undefined;
      this.digits = '';
      if (card < 1 || card > this.cardCount) return { cancel: `no test card ${card}: cards are 1-${this.cardCount}` };
      return { swipe: card, direction };
    };
    if (/^[0-9]$/.test(keystroke)) {
      this.digits += keystroke;
      const card = Number(this.digits);
      return card * 10 > this.cardCount ? done(card) : 'wait';
    }
    if ((keystroke === '\r' || keystroke === '\n') && this.digits !== '') return done(Number(this.digits));
    if (keystroke === '\x7f' || keystroke === '\b') {
      this.digits = this.digits.slice(0, -1);
      return 'wait';
    }
    this.direction = undefined;
    this.digits = '';
    return { cancel: 'swipe cancelled' };
  }
}
