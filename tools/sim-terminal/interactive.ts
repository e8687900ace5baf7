/**
 * The simulated terminal on a console TTY: the screen, the key map, the card menu and the last
 * receipt, redrawn when something changes. Keyboard keys become presses on the virtual keypad.
 */
import type { PosKey } from '../../firmware/hal/pos-keys.js';
import { maskPan } from '../../firmware/security/pan-mask.js';
import { KEY_MAP_HELP, renderCardMenu, renderLcd, renderReceipt } from './render.js';
import type { SimulatedTerminal } from './simulated-terminal.js';

const KEYBOARD: Record<string, PosKey> = {
  '\r': 'ENTER',
  '\n': 'ENTER',
  '\x1b': 'CANCEL',
  '\x7f': 'CLEAR',
  '\b': 'CLEAR',
  f: 'FUNC',
  '\x1b[A': 'UP',
  '\x1b[B': 'DOWN',
  '.': '00',
};

/** Splits what the terminal sent (several keys when typed fast or pasted) into keystrokes; arrows are one. */
export function keystrokes(text: string): string[] {
  return text.match(/\x1b\[[A-D]|[\s\S]/g) ?? [];
}

export async function runInteractive(sim: SimulatedTerminal, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<void> {
  let status = 'ready';
  let swipeDirection: 'forward' | 'backward' | undefined;
  let drawn = '';
  let queue = Promise.resolve();
  const draw = () => {
    const picture = [
      `pos-terminal simulator   host simulator on 127.0.0.1:${sim.hostPort}   boots ${sim.boots}, power cuts ${sim.powerCuts}`,
      '',
      ...renderLcd(sim.screen(), sim.cols).map((row) => `    ${row}`),
      '',
      ...KEY_MAP_HELP,
      '',
      'test cards:',
      ...renderCardMenu(sim.cards, maskPan),
      '',
      `last receipt (PNG copies in ${sim.receiptsDir}/):`,
      ...renderReceipt(sim.lastReceipt(), 28),
      '',
      `> ${status}`,
    ].join('\n');
    if (picture === drawn) return;
    drawn = picture;
    output.write(`\x1b[H\x1b[2J${picture}\n`);
  };
  const act = (label: string, action: () => Promise<void>) => {
    status = label;
    queue = queue.then(action).then(
      () => draw(),
      (error: unknown) => {
        status = `error: ${(error as Error).message}`;
        draw();
      },
    );
  };
  sim.pump.observe = draw;
  const ticker = setInterval(draw, 100);
  draw();

  await new Promise<void>((resolve) => {
    const quit = () => {
      input.off('data', onData);
      clearInterval(ticker);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      for (const key of keystrokes(chunk.toString('utf8'))) onKeystroke(key);
    };
    const onKeystroke = (text: string) => {
      if (text === '\x03' || text === 'x') return quit();
      if (swipeDirection) {
        const direction = swipeDirection;
        swipeDirection = undefined;
        if (/^[1-9]$/.test(text)) act(`swipe card ${text} ${direction}`, () => sim.swipe(Number(text), direction));
        else status = 'swipe cancelled (s or S, then a card number 1-9)';
        draw();
        return;
      }
      if (text === 's' || text === 'S') {
        swipeDirection = text === 's' ? 'forward' : 'backward';
        status = `swipe which card (1-${Math.min(9, sim.cards.length)})?`;
        draw();
        return;
      }
      if (text === 'p') return act('power cut: booting again from the same flash image', () => sim.powerCut());
      if (text === 'o') return act('paper out', () => sim.paperOut());
      if (text === 'i') return act('paper in', () => sim.paperIn());
      const key = /^[0-9]$/.test(text) ? (text as PosKey) : KEYBOARD[text];
      if (key) act(`key ${key}`, () => sim.press(key));
    };
    process.once('SIGTERM', quit);
    input.on('data', onData);
  });
  await queue;
  output.write('\nquitting: finishing the current step\n');
}
