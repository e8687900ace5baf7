/**
 * PCF8574 backpack byte sequences for driving an HD44780 in 4-bit mode, as a driver would send
 * them (P0=RS, P2=EN, P3=backlight, P4-P7=D4-D7). Test input only.
 */
const BACKLIGHT = 0x08;
const EN = 0x04;

/** One nibble latched: EN high, then EN low. */
export function nibble(value: number, rs: 0 | 1): number[] {
  const base = ((value & 0x0f) << 4) | BACKLIGHT | rs;
  return [base | EN, base];
}

export function byteAsNibbles(value: number, rs: 0 | 1): number[] {
  return [...nibble(value >> 4, rs), ...nibble(value, rs)];
}

export function text(s: string): number[] {
  return [...s].flatMap((c) => byteAsNibbles(c.charCodeAt(0), 1));
}

/** The reset-by-instruction steps, each a separate I2C write so the caller can wait between them. */
export const INIT_STEPS: number[][] = [nibble(0x3, 0), nibble(0x3, 0), nibble(0x3, 0), nibble(0x2, 0), byteAsNibbles(0x28, 0), byteAsNibbles(0x0c, 0), byteAsNibbles(0x06, 0)];
