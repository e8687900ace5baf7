/**
 * What a character-LCD controller driver needs from the wires: instruction/data bytes in order,
 * the lone 4-bit nibbles of the power-on wake-up, and the backlight. PCF8574 backpack, 4-bit
 * parallel pins and the ST7920 serial interface implement it.
 */
export interface LcdWrite {
  /** 0 = instruction register, 1 = data register. */
  rs: 0 | 1;
  byte: number;
}

export interface LcdBus {
  /** One nibble with one enable pulse (the 0x3, 0x3, 0x3, 0x2 wake-up before 4-bit mode is set). */
  writeWakeUpNibble(nibble: number): void;
  /** Sends the bytes in order, batching as the link allows. Returns at once. */
  write(items: readonly LcdWrite[]): void;
  setBacklight(on: boolean): void;
  /** Milliseconds until everything written so far has reached the controller (wire time still owed). */
  drainMs(): number;
  /**
   * Resolves once everything written so far has reached the controller, whatever other traffic
   * shares the link (the journal's EEPROM on the same Firmata wire and I2C bus). Buses that own
   * their link omit it and drainMs() is exact.
   */
  reached?(): Promise<void>;
}
