/**
 * A cashier working the terminal through the jig only: keys closed on the matrix, the LCD glass read
 * back, cards swiped at the reader. Keys are held as a finger holds them (60 ms or until the echo)
 * and released long enough for the driver's release debounce.
 */
import type { Jig, KeyJig, LcdReadback } from './hil-target.js';
import { waitFor } from './runtime-process.js';

const HOLD_MS = 60;
const GAP_MS = 60;
const ECHO_WAIT_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KeypadCashier {
  private readonly keys: KeyJig;
  private readonly lcd: LcdReadback;

  constructor(jig: Jig) {
    if (!jig.keys || !jig.lcd) throw new Error('the keypad cashier needs the key jig and the LCD read-back');
    this.keys = jig.keys;
    this.lcd = jig.lcd;
  }

  get screen(): string {
    return this.lcd.lines().join('\n');
  }

  /**
   * Holds the key until the glass answers (as a cashier watches the echo), at least HOLD_MS and at
   * most ECHO_WAIT_MS, so a runtime slowed by a loaded machine does not lose keys.
   */
  async tap(key: string): Promise<void> {
    const before = this.screen;
    this.keys.press(key);
    await sleep(HOLD_MS);
    const start = Date.now();
    while (this.screen === before && Date.now() - start < ECHO_WAIT_MS) await sleep(10);
    this.keys.release(key);
    await sleep(GAP_MS);
  }

  async type(...keys: string[]): Promise<void> {
    for (const key of keys) await this.tap(key);
  }

  /** Waits for the glass to match; the error shows the screens it went through instead. */
  async expectScreen(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const seen: string[] = [];
    const watch = () => {
      const screen = this.screen;
      if (seen[seen.length - 1] !== screen) seen.push(screen);
      return pattern.test(screen);
    };
    await waitFor(watch, timeoutMs, () => `${pattern} on the LCD, which went through:\n${seen.slice(-8).join('\n--\n')}`);
  }

  /** Signs operator 01 in (password 0000) from the idle screen when it asks for it. */
  async signIn(): Promise<void> {
    await this.expectScreen(/SIGN IN: ENTER|READY/, 30_000);
    if (/READY/.test(this.screen)) return;
    await this.tap('ENTER');
    await this.expectScreen(/OPERATOR NO/);
    await this.type('0', '1', 'ENTER');
    await this.expectScreen(/PASSWORD/);
    await this.type('0', '0', '0', '0', 'ENTER');
    // An owed reversal goes out at sign-in; its 冲正成功 screen waits for a key.
    await this.expectScreen(/READY|REVERSAL DONE/, 30_000);
    if (/REVERSAL DONE/.test(this.screen)) {
      // Once the screen is fully drawn; again if a loaded machine lost the key.
      await this.expectScreen(/PRESS ANY KEY/);
      for (let i = 0; i < 3 && /REVERSAL DONE/.test(this.screen); i++) {
        await this.tap('ENTER');
        await waitFor(() => !/REVERSAL DONE/.test(this.screen), 5000, () => 'the key to dismiss REVERSAL DONE').catch(() => undefined);
      }
      await this.expectScreen(/READY/, 30_000);
    }
  }

  /** Takes every copy of a receipt (ENTER for the next one) until the idle screen is back. */
  async finishPrinting(timeoutMs = 30_000): Promise<void> {
    const start = Date.now();
    while (!/READY/.test(this.screen)) {
      if (Date.now() - start > timeoutMs) throw new Error(`the terminal did not come back to READY; the LCD shows:\n${this.screen}`);
      if (/NEXT COPY|TEAR OFF/.test(this.screen)) await this.tap('ENTER');
      else await sleep(50);
    }
  }
}
