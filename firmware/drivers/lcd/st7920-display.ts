/**
 * ST7920 (128x64 with a GB2312 16x16 font) as a TextDisplay of 16 cells x 4 rows, where a Hanzi
 * takes two cells. Its DDRAM holds 16-bit words, each two ASCII cells or one Hanzi, and a Hanzi
 * must start a word, so text is laid out word by word (a Hanzi at an odd cell gets a space before
 * it). Updates send changed words only, in address order: row 0 (0x00-0x07) runs on into row 2
 * (0x08-0x0F), row 1 (0x10-0x17) into row 3 (0x18-0x1F), so a full screen needs one cursor command.
 */
import { gb2312Code } from '../text/gb2312.js';
import type { Clock } from '../../hal/clock.js';
import type { TextDisplay } from './text-display.js';
import { Hd44780 } from './hd44780-commands.js';
import type { LcdBus, LcdWrite } from './lcd-bus.js';
import { LcdStepQueue, type LcdStep } from './lcd-step-queue.js';

const COLS = 16;
const ROWS = 4;
const WORDS_PER_ROW = COLS / 2;
const ROW_WORD_ADDRESS = [0x00, 0x10, 0x08, 0x18] as const;
const SPACE = 0x20;
const QUESTION_MARK = 0x3f;

export interface St7920Options {
  bus: LcdBus;
  clock: Clock;
  /** 'serial' (CS/SID/SCLK) or 'parallel-4bit' (the HD44780-style wake-up first). */
  interface: 'serial' | 'parallel-4bit';
  powerUpMs?: number;
}

/** Lays one line into 16 bytes: ASCII one byte, Hanzi two GB2312 bytes starting a word; '?' otherwise. */
export function layoutSt7920Line(line: string): number[] {
  const bytes: number[] = [];
  for (const char of line) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) {
      if (bytes.length >= COLS) break;
      bytes.push(code);
      continue;
    }
    const gb = gb2312Code(char);
    if (!gb) {
      if (bytes.length >= COLS) break;
      bytes.push(QUESTION_MARK);
      continue;
    }
    if (bytes.length % 2 === 1) bytes.push(SPACE);
    if (bytes.length + 2 > COLS) break;
    bytes.push(gb[0], gb[1]);
  }
  while (bytes.length < COLS) bytes.push(SPACE);
  return bytes;
}

export class St7920Display implements TextDisplay {
  readonly cols = COLS;
  readonly rows = ROWS;
  readonly chinese = true;
  private readonly queue: LcdStepQueue;
  /** Row-major bytes: what the glass holds once the queue has run, and what it should hold. */
  private shown: number[] = Array<number>(COLS * ROWS).fill(SPACE);
  private wanted: number[] = this.shown;
  private cursor: number | undefined = 0;

  constructor(private readonly options: St7920Options) {
    this.queue = new LcdStepQueue(options.bus, options.clock, () => this.sendChanges());
    this.queue.push(...this.initSteps(options.powerUpMs ?? 50));
  }

  show(lines: readonly string[]): void {
    this.wanted = Array.from({ length: ROWS }, (_, row) => layoutSt7920Line(lines[row] ?? '')).flat();
    if (!this.queue.busy) this.sendChanges();
  }

  backlight(on: boolean): void {
    this.options.bus.setBacklight(on);
  }

  flush(): Promise<void> {
    return this.queue.whenIdle();
  }

  private sendChanges(): void {
    if (this.wanted === this.shown) return;
    const changed: { address: number; bytes: [number, number] }[] = [];
    for (let row = 0; row < ROWS; row++) {
      for (let word = 0; word < WORDS_PER_ROW; word++) {
        const i = row * COLS + word * 2;
        if (this.shown[i] !== this.wanted[i] || this.shown[i + 1] !== this.wanted[i + 1]) {
          changed.push({ address: ROW_WORD_ADDRESS[row]! + word, bytes: [this.wanted[i]!, this.wanted[i + 1]!] });
        }
      }
    }
    changed.sort((a, b) => a.address - b.address);
    const items: LcdWrite[] = [];
    for (const { address, bytes } of changed) {
      if (this.cursor !== address) items.push({ rs: 0, byte: Hd44780.SET_DDRAM | address });
      items.push({ rs: 1, byte: bytes[0] }, { rs: 1, byte: bytes[1] });
      this.cursor = (address + 1) & 0x1f;
    }
    this.shown = this.wanted;
    if (items.length > 0) this.queue.push({ kind: 'write', items });
  }

  /** ST7920 datasheet init: function set twice (basic instructions), display on, clear (>10 ms), entry mode. */
  private initSteps(powerUpMs: number): LcdStep[] {
    const command = (byte: number): LcdStep => ({ kind: 'write', items: [{ rs: 0, byte }] });
    const functionSet: LcdStep[] =
      this.options.interface === 'serial'
        ? [command(0x30), { kind: 'wait', ms: 0.1 }, command(0x30)]
        : [
            { kind: 'wake-up-nibble', nibble: 0x3 },
            { kind: 'wait', ms: 4.1 },
            { kind: 'wake-up-nibble', nibble: 0x3 },
            { kind: 'wait', ms: 0.1 },
            { kind: 'wake-up-nibble', nibble: 0x3 },
            { kind: 'wake-up-nibble', nibble: 0x2 },
            command(0x20),
            { kind: 'wait', ms: 0.1 },
            command(0x20),
          ];
    return [
      { kind: 'wait', ms: powerUpMs },
      ...functionSet,
      { kind: 'wait', ms: 0.1 },
      command(Hd44780.DISPLAY_ON),
      { kind: 'wait', ms: 0.1 },
      command(Hd44780.CLEAR),
      { kind: 'wait', ms: 10 },
      command(Hd44780.ENTRY_INCREMENT),
    ];
  }
}
