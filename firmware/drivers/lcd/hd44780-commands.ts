/**
 * HD44780 instruction set and DDRAM address layout (datasheet tables 6 and 4), pure.
 * The ST7920 accepts the same basic instructions in its parallel and serial modes.
 */
export const Hd44780 = {
  CLEAR: 0x01,
  /** Entry mode: increment the address, no display shift. */
  ENTRY_INCREMENT: 0x06,
  DISPLAY_OFF: 0x08,
  /** Display on, cursor off, blink off. */
  DISPLAY_ON: 0x0c,
  /** Function set: 4-bit bus, 2 display lines (the 4-row glass is 2 lines folded), 5x8 dots. */
  FUNCTION_4BIT_2LINE: 0x28,
  SET_CGRAM: 0x40,
  SET_DDRAM: 0x80,
  /** Clear (and home) take 1.52 ms; every other instruction ~37 us. */
  CLEAR_HOME_MS: 1.52,
} as const;

/** Where the glass's rows start in DDRAM, for the geometries the drivers support. */
export function rowStartAddresses(cols: number, rows: number): readonly number[] {
  if (rows === 1 || rows === 2) return [0x00, 0x40].slice(0, rows);
  if (rows === 4 && (cols === 16 || cols === 20)) return [0x00, 0x40, cols, 0x40 + cols];
  throw new Error(`HD44780 geometry ${cols}x${rows} is not supported (16x2, 20x2, 16x4, 20x4, 8x1/16x1)`);
}

/**
 * The address the counter moves to after a write at `address`. In 2-line mode line 1 ends at 0x27
 * and continues at 0x40; line 2 ends at 0x67 and wraps to 0x00. On a 20x4 glass this runs rows
 * 0 -> 2 -> 1 -> 3 without a single cursor command.
 */
export function nextDdramAddress(address: number): number {
  if (address === 0x27) return 0x40;
  if (address === 0x67) return 0x00;
  return address + 1;
}
