/**
 * What the engine draws on: a grid of character cells. HD44780 (16x2, 20x4, ASCII plus custom
 * glyphs) and Chinese-capable displays (ST7920 with GB2312, where a Hanzi takes two cells) both
 * implement it. Calls return at once; the driver sends only what changed, in the background.
 */
export interface TextDisplay {
  readonly cols: number;
  readonly rows: number;
  /** true when the display can show GB2312 Hanzi (each one two cells wide). */
  readonly chinese: boolean;
  /** Replaces the whole screen; lines are padded or cut to the width. */
  show(lines: readonly string[]): void;
  backlight(on: boolean): void;
  /** Resolves when everything shown so far has reached the device. */
  flush(): Promise<void>;
}
