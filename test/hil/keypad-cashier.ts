/**
 * A cashier working the terminal through the jig only: keys closed on the matrix, the LCD glass read
 * back, cards swiped at the reader. A cashier reads the prompt before pressing (the glass has stopped
 * changing), holds the key as a finger holds it (80 ms on the wall clock, or until the echo) and lets
 * it go for a while before the next one.
 */
import type { Jig, KeyJig, LcdReadback } from './hil-target.js';
import { waitFor } from './runtime-process.js';

/** A cashier holds a key at least this long (issue 15: >= 80 ms). */
const HOLD_MS = 80;
const GAP_MS = 60;
const ECHO_WAIT_MS = 1500;
/**
 * The glass counts as drawn once it has not changed for this long. A 20x4 repaint takes ~120 ms of
 * wire time and draws the rows in DDRAM order (0, 2, 1, 3), so a prompt can match while the rest of
 * the screen is still coming; taken as the key's echo, that released a key after 80 ms that a
 * loaded runtime (400-950 ms from wake-up to its first scan at load 11) had not scanned yet: the
 * ENTER lost after the SIGKILL restart. The wait also lengthens the gap between two taps of one
 * key, which a runtime scanning every 100-300 ms under load merged into one press (0.23 for 1.23).
 */
const SETTLED_MS = 250;
/** A screen that keeps changing (an animation) is pressed on after this long anyway. */
const SETTLE_WAIT_MS = 2000;
const POLL_MS = 10;
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
   * Waits for the glass to be drawn, then holds the key until it answers (as a cashier watches the
   * echo): at least HOLD_MS and at most ECHO_WAIT_MS on the wall clock, so a runtime slowed by a
   * loaded machine does not lose keys.
   */
  async tap(key: string): Promise<void> {
    await this.settled();
    const before = this.screen;
    const pressedAt = Date.now();
    this.keys.press(key);
    const held = () => Date.now() - pressedAt;
    while (held() < HOLD_MS || (this.screen === before && held() < ECHO_WAIT_MS)) await sleep(POLL_MS);
    this.keys.release(key);
    await sleep(GAP_MS);
  }

  /** Until the glass has not changed for SETTLED_MS (at most SETTLE_WAIT_MS). */
  private async settled(): Promise<void> {
    const start = Date.now();
    let screen = this.screen;
    let changedAt = start;
    while (Date.now() - changedAt < SETTLED_MS && Date.now() - start < SETTLE_WAIT_MS) {
      await sleep(POLL_MS);
      if (this.screen !== screen) {
        screen = this.screen;
        changedAt = Date.now();
      }
    }
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
