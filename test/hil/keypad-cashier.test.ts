/**
 * The HIL cashier holds a key until the terminal answers on the glass. A screen still being drawn
 * when the cashier presses must not count as that answer: the key would go up before a slow
 * runtime scanned it (issue 15).
 */
import { describe, expect, it } from 'vitest';
import type { Jig } from './hil-target.js';
import { KeypadCashier } from './keypad-cashier.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A terminal that is still drawing its prompt row by row, and echoes a key only once it has held 200 ms. */
function slowTerminal() {
  const order: string[] = [];
  const rows = ['', '', '', ''];
  let pressedAt: number | undefined;
  let echo: ReturnType<typeof setTimeout> | undefined;
  const jig: Jig = {
    keys: {
      press(key) {
        order.push(`press ${key}`);
        pressedAt = Date.now();
        echo = setTimeout(() => {
          rows[2] = `ECHO ${key}`;
          order.push(`echo ${key}`);
        }, 200);
      },
      release(key) {
        order.push(`release ${key}`);
        if (pressedAt !== undefined && Date.now() - pressedAt < 200) clearTimeout(echo);
        pressedAt = undefined;
      },
    },
    lcd: { lines: () => [...rows], violations: () => [] },
  };
  const drawing = (async () => {
    for (const [row, text] of [[0, 'SALE'], [2, 'AMOUNT:'], [1, '(rest of the prompt)'], [3, '0.00']] as const) {
      rows[row] = text;
      await sleep(40);
    }
  })();
  return { jig, order, drawing };
}

describe('KeypadCashier', () => {
  it('waits for the glass to be drawn, then holds the key until the echo', async () => {
    const terminal = slowTerminal();
    const cashier = new KeypadCashier(terminal.jig);
    await cashier.tap('1');
    await terminal.drawing;
    expect(terminal.order).toEqual(['press 1', 'echo 1', 'release 1']);
  });
});
