/**
 * A Chinese-capable screen for the simulated terminal: the HD44780 model on the virtual board has
 * no Hanzi, so a Chinese session draws the engine's lines on this stand-in for the ST7920 glass.
 */
import type { TextDisplay } from '../../firmware/drivers/lcd/text-display.js';

export class ConsoleTextDisplay implements TextDisplay {
  readonly chinese = true;
  private shown: string[];

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.shown = new Array<string>(rows).fill('');
  }

  show(lines: readonly string[]): void {
    this.shown = Array.from({ length: this.rows }, (_, row) => lines[row] ?? '');
  }

  backlight(): void {}

  async flush(): Promise<void> {}

  lines(): string[] {
    return [...this.shown];
  }
}
