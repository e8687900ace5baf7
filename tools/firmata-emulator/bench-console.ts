/**
 * Line commands for a person (or a script) working the emulated terminal's peripherals while a
 * Firmata client drives the board over the pty: press keys, read the LCD, swipe a card, take the
 * paper out, read what was printed. Each command returns the text to show.
 */
import type { Clock } from '../../firmware/hal/clock.js';
import type { EmulatedBoard } from '../../firmware/hal/virtual/emulated-board.js';
import type { SwipeVariant } from '../../firmware/hal/virtual/serial-magstripe-reader-model.js';

export const BENCH_CONSOLE_HELP = [
  'press <key> | release <key> | tap <key> [ms] | type <key> <key> ...',
  'screen                      the LCD glass and any protocol violations',
  'swipe [clean|garbled|no-end|fail1|fail2]   the test card (4352378366824999)',
  'paper out | paper in        the printer paper sensor',
  'printed                     what the printer printed',
  'ports                       the board and host-port pseudo-terminals',
  'help',
].join('\n');

const TEST_CARD = {
  track1: 'B4352378366824999^TEST/CARD^05102011000088200882000000',
  track2: '4352378366824999=051020110000882',
};

const VARIANTS: Record<string, SwipeVariant> = {
  clean: { kind: 'clean' },
  garbled: { kind: 'garbled-character' },
  'no-end': { kind: 'no-end-sentinel' },
  fail1: { kind: 'track-failed', track: 1 },
  fail2: { kind: 'track-failed', track: 2 },
};

export class BenchConsole {
  constructor(
    private readonly emulated: EmulatedBoard,
    private readonly clock: Clock,
    /** [device, pty path] pairs when served on pseudo-terminals. */
    private readonly ports: readonly (readonly [string, string])[] = [],
  ) {}

  run(line: string): string {
    const [command, ...args] = line.trim().split(/\s+/);
    const { keypad, screen, reader, printer } = this.emulated;
    switch (command) {
      case undefined:
      case '':
        return '';
      case 'help':
        return BENCH_CONSOLE_HELP;
      case 'ports':
        return this.ports.map(([device, pty]) => `${device} ${pty}`).join('\n');
      case 'press':
      case 'release':
      case 'tap':
      case 'type': {
        if (!keypad) return 'no keypad on this board';
        if (args.length === 0) return `${command} needs a key (keys: ${keypad.keys.join(' ')})`;
        try {
          if (command === 'press') keypad.press(args[0]!);
          else if (command === 'release') keypad.release(args[0]!);
          else if (command === 'tap') this.tap(args[0]!, Number(args[1] ?? 80), 0);
          else args.forEach((key, i) => this.tap(key, 80, i * 200));
          return 'ok';
        } catch (error) {
          return (error as Error).message;
        }
      }
      case 'screen': {
        if (!screen) return 'no LCD on this board';
        const glass = screen.lines().map((l) => `|${l}|`);
        const violations = screen.violations.map((v) => `! ${v.kind}: ${v.detail}`);
        return [...glass, ...violations].join('\n');
      }
      case 'swipe': {
        if (!reader) return 'no card reader on this board';
        const variant = VARIANTS[args[0] ?? 'clean'];
        if (!variant) return `unknown swipe variant ${args[0]} (${Object.keys(VARIANTS).join(', ')})`;
        reader.swipe(TEST_CARD, variant);
        return 'ok';
      }
      case 'paper':
        if (!printer) return 'no printer on this board';
        if (args[0] !== 'out' && args[0] !== 'in') return 'paper out | paper in';
        printer.setPaperOut(args[0] === 'out');
        return 'ok';
      case 'printed':
        if (!printer) return 'no printer on this board';
        return printer.printed.join('\n');
      default:
        return `unknown command ${command}\n${BENCH_CONSOLE_HELP}`;
    }
  }

  /** Presses after `delayMs`, releases `holdMs` later (a keypad key is held for tens of ms). */
  private tap(key: string, holdMs: number, delayMs: number): void {
    if (!this.emulated.keypad!.keys.includes(key)) throw new Error(`keypad has no key "${key}"`);
    if (!(holdMs > 0)) throw new Error(`hold time must be a positive number of ms, got ${holdMs}`);
    this.clock.setTimer(delayMs, () => {
      this.emulated.keypad!.press(key);
      this.clock.setTimer(holdMs, () => this.emulated.keypad!.release(key));
    });
  }
}
