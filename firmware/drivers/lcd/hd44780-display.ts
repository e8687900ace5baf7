/**
 * HD44780 character LCD (16x2, 20x4, ...) as a TextDisplay: a shadow of what the glass shows,
 * diff updates of changed cells only, custom glyphs in CGRAM, and the datasheet's 4-bit
 * initialisation by instruction (figure 24) with its waits on Clock timers - nothing busy-waits.
 */
import type { Clock } from '../../hal/clock.js';
import type { TextDisplay } from './text-display.js';
import { planCellUpdate } from './cell-diff.js';
import { Hd44780, rowStartAddresses } from './hd44780-commands.js';
import { renderCells } from './hd44780-charset.js';
import type { LcdBus, LcdWrite } from './lcd-bus.js';
import { LcdStepQueue } from './lcd-step-queue.js';

/** A CGRAM glyph: 8 rows of 5 dots (bit 4 = leftmost), shown wherever `char` appears. */
export interface CustomGlyph {
  char: string;
  rows: readonly number[];
}

export interface Hd44780Options {
  cols: number;
  rows: number;
  bus: LcdBus;
  clock: Clock;
  /** Up to 8 glyphs, stored in CGRAM slots 0-7 in order. */
  glyphs?: readonly CustomGlyph[];
  /** Power-on wait before the first instruction; the datasheet asks >40 ms after Vcc rises. */
  powerUpMs?: number;
}

export class Hd44780Display implements TextDisplay {
  readonly cols: number;
  readonly rows: number;
  readonly chinese = false;
  private readonly queue: LcdStepQueue;
  private readonly glyphSlots = new Map<string, number>();
  /** What the glass holds once the queued steps have run. */
  private shown: Uint8Array;
  private wanted: Uint8Array;
  private cursor: number | undefined = 0;

  constructor(private readonly options: Hd44780Options) {
    rowStartAddresses(options.cols, options.rows);
    this.cols = options.cols;
    this.rows = options.rows;
    this.shown = new Uint8Array(this.cols * this.rows).fill(0x20);
    this.wanted = this.shown;
    this.queue = new LcdStepQueue(options.bus, options.clock, () => this.sendChanges());
    const glyphs = options.glyphs ?? [];
    if (glyphs.length > 8) throw new Error(`HD44780 has 8 CGRAM slots, ${glyphs.length} glyphs given`);
    this.queue.push(...this.initSteps(options.powerUpMs ?? 50), ...glyphs.map((g, slot) => this.glyphStep(slot, g)));
    glyphs.forEach((g, slot) => this.glyphSlots.set(g.char, slot));
  }

  show(lines: readonly string[]): void {
    this.wanted = renderCells(lines, this.cols, this.rows, this.glyphSlots);
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
    const plan = planCellUpdate(this.cols, this.rows, this.shown, this.wanted, this.cursor);
    this.shown = this.wanted;
    this.cursor = plan.cursor;
    if (plan.writes.length > 0) this.queue.push({ kind: 'write', items: plan.writes });
  }

  /** Datasheet figure 24: three 0x3 nibbles with their waits reset any state, then 0x2 enters 4-bit mode. */
  private initSteps(powerUpMs: number) {
    const command = (byte: number): LcdWrite => ({ rs: 0, byte });
    return [
      { kind: 'wait', ms: powerUpMs },
      { kind: 'wake-up-nibble', nibble: 0x3 },
      { kind: 'wait', ms: 4.1 },
      { kind: 'wake-up-nibble', nibble: 0x3 },
      { kind: 'wait', ms: 0.1 },
      { kind: 'wake-up-nibble', nibble: 0x3 },
      { kind: 'wake-up-nibble', nibble: 0x2 },
      {
        kind: 'write',
        items: [command(Hd44780.FUNCTION_4BIT_2LINE), command(Hd44780.DISPLAY_OFF), command(Hd44780.CLEAR)],
      },
      { kind: 'wait', ms: Hd44780.CLEAR_HOME_MS },
      { kind: 'write', items: [command(Hd44780.ENTRY_INCREMENT), command(Hd44780.DISPLAY_ON)] },
    ] as const;
  }

  /** Writing CGRAM moves the address counter there, so the next cell write must set DDRAM again. */
  private glyphStep(slot: number, glyph: CustomGlyph) {
    if (glyph.rows.length !== 8 || glyph.rows.some((r) => !Number.isInteger(r) || r < 0 || r > 0x1f)) {
      throw new Error(`glyph '${glyph.char}' needs 8 rows of 5 bits (0-31)`);
    }
    this.cursor = undefined;
    const items: LcdWrite[] = [{ rs: 0, byte: Hd44780.SET_CGRAM | (slot << 3) }];
    for (const row of glyph.rows) items.push({ rs: 1, byte: row });
    return { kind: 'write', items } as const;
  }
}
