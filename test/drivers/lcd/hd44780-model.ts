/**
 * An HD44780 as the tests see it: fed the expander bytes of a PCF8574 backpack, it latches nibbles
 * on EN's falling edge, follows the 4-bit wake-up, runs the instructions, and shows its glass.
 */
const RS = 0x01;
const EN = 0x04;
const BACKLIGHT = 0x08;

export class Hd44780Model {
  ddram = new Uint8Array(0x80).fill(0x20);
  cgram = new Uint8Array(64);
  address = 0;
  writingCgram = false;
  fourBit = false;
  displayOn = false;
  backlight = false;
  instructions: number[] = [];
  private lastPort = 0;
  private highNibble: number | undefined;

  feedExpander(bytes: readonly number[]): void {
    for (const port of bytes) {
      if (this.lastPort & EN && !(port & EN)) this.latch((this.lastPort >> 4) & 0x0f, (this.lastPort & RS) !== 0);
      this.backlight = (port & BACKLIGHT) !== 0;
      this.lastPort = port;
    }
  }

  /** Rows of the glass for a geometry whose row starts are given. */
  glass(cols: number, rowStarts: readonly number[]): string[] {
    return rowStarts.map((start) =>
      String.fromCharCode(...Array.from({ length: cols }, (_, c) => this.ddram[start + c]!)),
    );
  }

  private latch(nibble: number, rs: boolean): void {
    if (!this.fourBit) {
      // 8-bit mode: only D7-D4 are wired; 0x2 switches to 4-bit, 0x3 keeps 8-bit.
      this.instructions.push(nibble << 4);
      if (nibble === 0x2) this.fourBit = true;
      return;
    }
    if (this.highNibble === undefined) {
      this.highNibble = nibble;
      return;
    }
    const byte = (this.highNibble << 4) | nibble;
    this.highNibble = undefined;
    if (rs) this.data(byte);
    else this.instruction(byte);
  }

  private data(byte: number): void {
    if (this.writingCgram) {
      this.cgram[this.address & 0x3f] = byte;
      this.address = (this.address + 1) & 0x3f;
      return;
    }
    this.ddram[this.address] = byte;
    this.address = this.address === 0x27 ? 0x40 : this.address === 0x67 ? 0x00 : this.address + 1;
  }

  private instruction(byte: number): void {
    this.instructions.push(byte);
    if (byte & 0x80) {
      this.address = byte & 0x7f;
      this.writingCgram = false;
    } else if (byte & 0x40) {
      this.address = byte & 0x3f;
      this.writingCgram = true;
    } else if (byte === 0x01) {
      this.ddram.fill(0x20);
      this.address = 0;
      this.writingCgram = false;
    } else if ((byte & 0xf8) === 0x08) {
      this.displayOn = (byte & 0x04) !== 0;
    }
  }
}
