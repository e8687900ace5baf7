/** The keys of a POS keypad (shared by the board config in hal and the key drivers), as the engine sees them (the key map turns matrix positions into these). */
export const POS_KEYS = [
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '00',
  'ENTER', 'CANCEL', 'CLEAR', 'FUNC', 'UP', 'DOWN',
] as const;
export type PosKey = (typeof POS_KEYS)[number];

export function isPosKey(value: string): value is PosKey {
  return (POS_KEYS as readonly string[]).includes(value);
}

/** A key event from any source (matrix keypad, johnny-five I2C keypad, scripted cashier). */
export interface KeyEvent {
  key: PosKey;
  /** true for an auto-repeat of a held key (CLEAR/backspace). */
  repeat: boolean;
}
