/**
 * The simulated terminal on a console TTY, full screen (plain ANSI: the alternate screen, cursor
 * home and whole rows — a redraw a few times a second needs no terminal-UI library, and the
 * simulator adds no dependency). Keys press the virtual keypad in real time; p (power cut), o / i
 * (paper) and x (switch off) act at once, in the middle of whatever the terminal is doing.
 */
import { CardPicker, keystrokes, posKeyFor } from './keyboard.js';
import { layoutConsole } from './console-layout.js';
import type { SimulatedTerminal } from './simulated-terminal.js';

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[?25l';
const ALT_SCREEN_OFF = '\x1b[?25h\x1b[?1049l';

function legend(sim: SimulatedTerminal): string[] {
  const pin = sim.cards[0]?.pin ?? '';
  return [
    '0-9 digits  . 00  Enter 确认  Esc 取消  Bksp 清除',
    'f 功能  arrows UP/DOWN  s<n> swipe card n (S<n> back)',
    'NOW:  p POWER CUT   o paper out   i paper in   x off',
    'sign in: Enter, operator 01, password 0000',
    `card 1 PIN ${pin} (every card's PIN: README)`,
    `host answers in ${sim.realTimeInfo}`,
  ];
}

export async function runInteractive(sim: SimulatedTerminal, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<void> {
  let status = 'ready: Enter to sign in';
  const picker = new CardPicker(sim.cards.length);
  let booting: Promise<void> | undefined;
  let keys: Promise<void> = Promise.resolve();
  let drawn = '';

  const draw = () => {
    const printing = sim.printer.printing;
    const receipt = printing ?? sim.lastReceipt();
    const check = sim.ledgerCheck();
    const rows = layoutConsole(
      {
        title: `pos-terminal simulator  host 127.0.0.1:${sim.hostPort}  boots ${sim.boots}  power cuts ${sim.powerCuts}  paper ${sim.paperLoaded ? 'ok' : 'OUT'}`,
        lcd: sim.screen(),
        lcdCols: sim.cols,
        legend: legend(sim),
        receiptTitle: printing ? 'receipt printing...' : 'last receipt (PNGs in var/receipts)',
        receipt,
        events: sim.events.last(200),
        ledgerCheck: `issuer ledger: approvals=${check.approvals} one_sided=${check.oneSided} lost_approvals=${check.lostApprovals}${check.oneSided > 0 ? ' 单边帐!' : ''}  balances in yuan:`,
        balances: sim.balances(),
        prompt: `> ${picker.active ? picker.prompt : status}`,
      },
      output.columns ?? 80,
      output.rows ?? 24,
    );
    const picture = rows.join('\n');
    if (picture === drawn) return;
    drawn = picture;
    output.write(`\x1b[H${rows.map((row) => `${row}\x1b[K`).join('\r\n')}`);
  };

  const failed = (error: unknown) => {
    status = `error: ${(error as Error).message}`;
  };

  output.write(ALT_SCREEN_ON);
  output.on('resize', () => {
    drawn = '';
    output.write('\x1b[2J');
    draw();
  });
  const ticker = setInterval(draw, 80);
  draw();

  await new Promise<void>((resolve) => {
    const quit = () => {
      input.off('data', onData);
      process.off('SIGTERM', quit);
      process.off('SIGHUP', quit);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      for (const key of keystrokes(chunk.toString('utf8'))) onKeystroke(key);
      draw();
    };
    const onKeystroke = (text: string) => {
      if (text === '\x03' || text === 'x') return quit();
      if (picker.active) {
        const picked = picker.feed(text);
        if (picked === 'wait') return;
        if ('cancel' in picked) {
          status = picked.cancel;
          return;
        }
        status = `swiped card ${picked.swipe}${picked.direction === 'backward' ? ' backwards' : ''}`;
        sim.swipeNow(picked.swipe, picked.direction).catch(failed);
        return;
      }
      if (text === 's' || text === 'S') return picker.open(text === 's' ? 'forward' : 'backward');
      if (text === 'p') {
        status = 'POWER CUT: booting again from the same flash image';
        // A second p while booting cuts that boot too: each press is its own cut.
        booting = sim.powerCutNow().then(() => {
          status = 'booted after the power cut';
        }, failed);
        return;
      }
      if (text === 'o') {
        sim.paperOutNow();
        status = 'paper out (i puts a new roll in)';
        return;
      }
      if (text === 'i') {
        sim.paperInNow();
        status = 'new paper roll in';
        return;
      }
      const key = posKeyFor(text);
      if (!key) {
        status = `no POS key on ${JSON.stringify(text)}`;
        return;
      }
      status = `key ${key}`;
      // Keys are pressed one after the other (two at once on a matrix is a chord), never behind the engine.
      keys = keys.then(() => sim.tap(key)).catch(failed);
    };
    process.on('SIGTERM', quit);
    process.on('SIGHUP', quit);
    input.on('data', onData);
  });
  clearInterval(ticker);
  await sim.switchOff();
  await booting?.catch(() => undefined);
  output.write(ALT_SCREEN_OFF);
  output.write('pos sim: switched off. Anything under way is settled at the next start (a request that had left is reversed: 冲正).\n');
}
