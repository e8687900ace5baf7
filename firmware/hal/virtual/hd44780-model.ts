/**
 * An HD44780 character LCD controller driven through its 4-bit interface: it latches D7-D4 on
 * every EN falling edge, runs the reset-by-instruction sequence from 8-bit mode, pairs nibbles
 * high-then-low once in 4-bit mode, executes the instruction set into DDRAM/CGRAM, and renders
 * the glass for 16x2 / 20x4 / 16x4 geometries. Everything a real part would silently garble is
 * recorded as a violation instead (data before init, a byte sent while the controller is still
 * busy with the previous one, commands too soon after power-on).
 */

export interface Hd44780Pins {
  rs: 0 | 1;
  rw: 0 | 1;
  en: 0 | 1;
  /** D7-D4 as a nibble (D7 = bit 3). */
  data: number;
}

export interface LcdViolation {
  atUs: number;
  kind: 'data-before-init' | 'command-before-init' | 'busy' | 'too-soon-after-power-on';
  detail: string;
}

/** Datasheet execution times (fosc = 270 kHz). */
export const HD44780_TIMING_US = {
  clearOrHome: 1520,
  instruction: 37,
  dataWrite: 41,
  powerOn: 15_000,
  /** Waits the reset-by-instruction sequence needs after the 1st and 2nd 0x3 nibble. */
  firstFunctionSet: 4100,
  secondFunctionSet: 100,
} as const;

const ROW_OFFSETS: Record<string, readonly number[]> = {
  '16x2': [0x00, 0x40],
  '20x2': [0x00, 0x40],
  '16x4': [0x00, 0x40, 0x10, 0x50],
  '20x4': [0x00, 0x40, 0x14, 0x54],
};

/** Where the controller is in the reset-by-instruction sequence. */
type InterfaceState = 'power-on-8bit' | 'after-3' | 'after-33' | 'after-333' | '4bit-awaiting-function-set' | 'ready';

export class Hd44780Model {
  readonly violations: LcdViolation[] = [];
  private readonly rowOffsets: readonly number[];
  private readonly ddram = new Uint8Array(0x80).fill(0x20);
  readonly cgram = new Uint8Array(64);
  private state: InterfaceState = 'power-on-8bit';
  private lastEn: 0 | 1 = 0;
  private lastRs: 0 | 1 = 0;
  private lastRw: 0 | 1 = 0;
  /** 4-bit reads come as two EN pulses: high nibble, then low nibble. */
  private readLowNext = false;
  private wroteSincePowerOn = false;
  private pendingHigh: { rs: 0 | 1; nibble: number } | undefined;
  private busyUntilUs = 0;
  private addressCounter = 0;
  private addressingCgram = false;
  private increment = true;
  private shiftOnWrite = false;
  private displayShift = 0;
  private twoLine = false;
  displayOn = false;
  cursorOn = false;
  blinkOn = false;
  /** Instructions and data bytes executed, for wire-budget checks. */
  executed = 0;

  constructor(
    readonly cols: number,
    readonly rows: number,
    private readonly powerOnUs = 0,
  ) {
    const offsets = ROW_OFFSETS[`${cols}x${rows}`];
    if (!offsets) throw new Error(`unsupported LCD geometry ${cols}x${rows} (supported: ${Object.keys(ROW_OFFSETS).join(', ')})`);
    this.rowOffsets = offsets;
  }

  get initialized(): boolean {
    return this.state === 'ready';
  }

  /** New levels on RS/RW/EN/D7-D4 at `atUs`; a falling EN latches the nibble (or ends a read). */
  setPins(pins: Hd44780Pins, atUs: number): void {
    const falling = this.lastEn === 1 && pins.en === 0;
    this.lastEn = pins.en;
    this.lastRs = pins.rs;
    this.lastRw = pins.rw;
    if (!falling) return;
    if (pins.rw === 1) {
      this.endReadNibble(pins.rs);
      return;
    }
    this.latch(pins.rs, pins.data & 0x0f, atUs);
  }

  /**
   * What the controller drives on D7-D4 while RW and EN are high (undefined otherwise): with RS low
   * the busy flag and address counter, with RS high the RAM byte at the address counter — high
   * nibble on the first EN pulse, low nibble on the second.
   */
  drivenNibble(atUs: number): number | undefined {
    if (this.lastRw !== 1 || this.lastEn !== 1) return undefined;
    const value = this.lastRs === 1 ? this.ramAtAddress() : (atUs < this.busyUntilUs ? 0x80 : 0) | (this.addressCounter & 0x7f);
    return this.readLowNext ? value & 0x0f : value >> 4;
  }

  /** The glass: rows of `cols` characters (blank while the display is off). */
  lines(): string[] {
    return this.rowOffsets.map((_, row) => (this.displayOn ? this.ddramLine(row) : ' '.repeat(this.cols)));
  }

  /** DDRAM content of a visible row, whether or not the display is on. */
  ddramLine(row: number): string {
    let out = '';
    for (let col = 0; col < this.cols; col++) out += charFor(this.ddram[this.visibleAddress(row, col)]!);
    return out;
  }

  /** The 8 bytes of CGRAM glyph `code` (0-7). */
  glyph(code: number): number[] {
    const base = (code & 7) * 8;
    return [...this.cgram.subarray(base, base + 8)];
  }

  private endReadNibble(rs: 0 | 1): void {
    this.readLowNext = !this.readLowNext;
    // A completed data read moves the address counter like a write does.
    if (!this.readLowNext && rs === 1) {
      if (this.addressingCgram) this.addressCounter = (this.addressCounter + (this.increment ? 1 : -1) + 64) & 0x3f;
      else this.moveAddress(this.increment);
    }
  }

  private ramAtAddress(): number {
    return this.addressingCgram ? this.cgram[this.addressCounter & 0x3f]! : this.ddram[this.addressCounter & 0x7f]!;
  }

  private latch(rs: 0 | 1, nibble: number, atUs: number): void {
    if (this.state !== 'ready' && this.state !== '4bit-awaiting-function-set') {
      this.latchDuringReset(rs, nibble, atUs);
      return;
    }
    if (!this.pendingHigh) {
      this.checkNotBusy(atUs);
      this.pendingHigh = { rs, nibble };
      return;
    }
    const byte = (this.pendingHigh.nibble << 4) | nibble;
    const byteRs = this.pendingHigh.rs;
    this.pendingHigh = undefined;
    if (byteRs === 1) this.writeData(byte, atUs);
    else this.instruction(byte, atUs);
  }

  /** 8-bit interface: each EN edge is a whole instruction with D3-D0 unconnected (read as 0). */
  private latchDuringReset(rs: 0 | 1, nibble: number, atUs: number): void {
    this.checkNotBusy(atUs);
    if (!this.wroteSincePowerOn && atUs - this.powerOnUs < HD44780_TIMING_US.powerOn) {
      this.flag(atUs, 'too-soon-after-power-on', `first write ${((atUs - this.powerOnUs) / 1000).toFixed(2)} ms after power-on (needs >= 15 ms)`);
    }
    this.wroteSincePowerOn = true;
    if (rs === 1) {
      this.flag(atUs, 'data-before-init', `data nibble 0x${nibble.toString(16)} before the 4-bit init sequence`);
      return;
    }
    if (nibble === 0x3) {
      const next: Record<string, InterfaceState> = { 'power-on-8bit': 'after-3', 'after-3': 'after-33', 'after-33': 'after-333', 'after-333': 'after-333' };
      const wait: Record<string, number> = { 'power-on-8bit': HD44780_TIMING_US.firstFunctionSet, 'after-3': HD44780_TIMING_US.secondFunctionSet };
      this.busyUntilUs = atUs + (wait[this.state] ?? HD44780_TIMING_US.instruction);
      this.state = next[this.state]!;
      return;
    }
    if (nibble === 0x2 && this.state === 'after-333') {
      this.state = '4bit-awaiting-function-set';
      this.busyUntilUs = atUs + HD44780_TIMING_US.instruction;
      return;
    }
    this.flag(atUs, 'command-before-init', `nibble 0x${nibble.toString(16)} in 8-bit mode (state ${this.state}); expected 0x3, 0x3, 0x3, 0x2`);
  }

  private checkNotBusy(atUs: number): void {
    if (atUs < this.busyUntilUs) {
      this.flag(atUs, 'busy', `write ${(this.busyUntilUs - atUs).toFixed(0)} us before the previous instruction finished`);
    }
  }

  private instruction(byte: number, atUs: number): void {
    this.executed++;
    let duration: number = HD44780_TIMING_US.instruction;
    if (this.state === '4bit-awaiting-function-set' && (byte & 0xe0) !== 0x20) {
      this.flag(atUs, 'command-before-init', `instruction 0x${byte.toString(16)} before the 4-bit function set`);
    }
    if (byte & 0x80) {
      this.addressingCgram = false;
      this.addressCounter = byte & 0x7f;
    } else if (byte & 0x40) {
      this.addressingCgram = true;
      this.addressCounter = byte & 0x3f;
    } else if (byte & 0x20) {
      this.twoLine = (byte & 0x08) !== 0;
      // DL=1 puts the controller back into 8-bit mode: this is how a re-init from an unknown
      // state starts (0x3 0x3 arrives as the byte 0x33).
      if (byte & 0x10) this.state = 'after-333';
      else if (this.state === '4bit-awaiting-function-set') this.state = 'ready';
    } else if (byte & 0x10) {
      const right = (byte & 0x04) !== 0;
      if (byte & 0x08) this.displayShift = (this.displayShift + (right ? -1 : 1) + 40) % 40;
      else this.moveAddress(right);
    } else if (byte & 0x08) {
      this.displayOn = (byte & 0x04) !== 0;
      this.cursorOn = (byte & 0x02) !== 0;
      this.blinkOn = (byte & 0x01) !== 0;
    } else if (byte & 0x04) {
      this.increment = (byte & 0x02) !== 0;
      this.shiftOnWrite = (byte & 0x01) !== 0;
    } else if (byte & 0x02) {
      this.addressingCgram = false;
      this.addressCounter = 0;
      this.displayShift = 0;
      duration = HD44780_TIMING_US.clearOrHome;
    } else if (byte === 0x01) {
      this.ddram.fill(0x20);
      this.addressingCgram = false;
      this.addressCounter = 0;
      this.displayShift = 0;
      this.increment = true;
      duration = HD44780_TIMING_US.clearOrHome;
    }
    this.busyUntilUs = atUs + duration;
  }

  private writeData(byte: number, atUs: number): void {
    this.executed++;
    if (this.state !== 'ready') {
      this.flag(atUs, 'data-before-init', `data 0x${byte.toString(16)} before the 4-bit function set`);
    }
    if (this.addressingCgram) {
      this.cgram[this.addressCounter & 0x3f] = byte & 0x1f;
      this.addressCounter = (this.addressCounter + (this.increment ? 1 : -1) + 64) & 0x3f;
    } else {
      this.ddram[this.addressCounter] = byte;
      this.moveAddress(this.increment);
      if (this.shiftOnWrite) this.displayShift = (this.displayShift + (this.increment ? 1 : -1) + 40) % 40;
    }
    this.busyUntilUs = atUs + HD44780_TIMING_US.dataWrite;
  }

  /** DDRAM address counter step: two-line mode has 0x00-0x27 and 0x40-0x67, wrapping between them. */
  private moveAddress(forward: boolean): void {
    const a = this.addressCounter;
    if (!this.twoLine) {
      this.addressCounter = (a + (forward ? 1 : -1) + 80) % 80;
      return;
    }
    if (forward) this.addressCounter = a === 0x27 ? 0x40 : a === 0x67 ? 0x00 : a + 1;
    else this.addressCounter = a === 0x40 ? 0x27 : a === 0x00 ? 0x67 : a - 1;
  }

  private visibleAddress(row: number, col: number): number {
    const offset = this.rowOffsets[row]!;
    if (!this.twoLine) return (offset + col + this.displayShift) % 80;
    const lineBase = offset & 0x40;
    const inLine = (offset - lineBase + col + this.displayShift) % 40;
    return lineBase + inLine;
  }

  private flag(atUs: number, kind: LcdViolation['kind'], detail: string): void {
    this.violations.push({ atUs, kind, detail });
  }
}

/** Character ROM A00 for the printable ASCII range; CGRAM codes 0-7 come out as U+0000-U+0007. */
function charFor(code: number): string {
  if (code >= 0x20 && code <= 0x7d && code !== 0x5c) return String.fromCharCode(code);
  if (code === 0x5c) return '¥';
  if (code < 0x10) return String.fromCharCode(code & 7);
  return '?';
}
