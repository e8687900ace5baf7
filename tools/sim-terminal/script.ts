/**
 * The simulated terminal's script language, one command per line (also what it reads from stdin
 * when stdin is not a terminal):
 *
 *   # comment                  blank lines and comments are skipped
 *   key <KEY>                  one key: 0-9, 00, ENTER, CANCEL, CLEAR, FUNC, UP, DOWN
 *   keys <digits>              each digit as its own key press, e.g. keys 8800
 *   enter | cancel | clear | func | up | down
 *   swipe <n>                  test card n (1-based, the host simulator's cards.json) swiped forward
 *   swipe-backward <n>         the same card swiped the other way
 *   wait <ms>                  terminal time passes (result screens and idle timeouts run out)
 *   power-cut                  the power goes now; the terminal boots again from the same flash image
 *   power-cut-after-send       the next financial request the host applies cuts the power before its
 *                              answer arrives (the request has left: 冲正 at boot); boots again
 *   paper-out | paper-in       the paper roll ends / a new roll goes in
 *   expect <text>              the screen now shows <text> (else the run fails, exit 1)
 *   expect-seen <text>         some screen since the last key, swipe, power cut or paper change showed <text>
 *   expect-receipt <text>      the last receipt printed contains <text>
 *   show-receipt               prints the text of the last receipt
 */
import { isPosKey, type PosKey } from '../../firmware/hal/pos-keys.js';

export type ScriptCommand =
  | { op: 'key'; key: PosKey }
  | { op: 'swipe'; card: number; direction: 'forward' | 'backward' }
  | { op: 'wait'; ms: number }
  | { op: 'power-cut' }
  | { op: 'power-cut-after-send' }
  | { op: 'paper-out' }
  | { op: 'paper-in' }
  | { op: 'expect'; text: string; scope: 'screen' | 'seen' | 'receipt' }
  | { op: 'show-receipt' };

export interface ScriptLine {
  line: number;
  source: string;
  commands: ScriptCommand[];
}

export class ScriptError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ScriptError';
  }
}

const KEY_WORDS: Record<string, PosKey> = { enter: 'ENTER', cancel: 'CANCEL', clear: 'CLEAR', func: 'FUNC', up: 'UP', down: 'DOWN' };

/** Parses one line; undefined for blank lines and comments. */
export function parseScriptLine(source: string, line: number): ScriptLine | undefined {
  const text = source.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const space = text.search(/\s/);
  const word = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : text.slice(space + 1).trim();
  const fail = (why: string): never => {
    throw new ScriptError(line, why);
  };
  const noArgument = (command: ScriptCommand): ScriptCommand => {
    if (rest !== '') fail(`"${word}" takes no argument`);
    return command;
  };
  const commands = ((): ScriptCommand[] => {
    if (KEY_WORDS[word]) return [noArgument({ op: 'key', key: KEY_WORDS[word] })];
    switch (word) {
      case 'key': {
        const key = /^\d$|^00$/.test(rest) ? rest : rest.toUpperCase();
        if (!isPosKey(key)) fail(`unknown key "${rest}"; keys are 0-9, 00, ENTER, CANCEL, CLEAR, FUNC, UP, DOWN`);
        return [{ op: 'key', key: key as PosKey }];
      }
      case 'keys':
        if (!/^\d+$/.test(rest)) fail(`"keys" takes digits, e.g. keys 8800 (got "${rest}")`);
        return rest.split('').map((digit) => ({ op: 'key', key: digit as PosKey }));
      case 'swipe':
      case 'swipe-backward': {
        if (!/^[1-9]\d*$/.test(rest)) fail(`"${word}" takes a card number from 1, e.g. ${word} 2`);
        return [{ op: 'swipe', card: Number(rest), direction: word === 'swipe' ? 'forward' : 'backward' }];
      }
      case 'wait':
        if (!/^\d+$/.test(rest) || Number(rest) > 86_400_000) fail(`"wait" takes milliseconds up to a day, e.g. wait 500 (got "${rest}")`);
        return [{ op: 'wait', ms: Number(rest) }];
      case 'power-cut':
      case 'power-cut-after-send':
      case 'paper-out':
      case 'paper-in':
      case 'show-receipt':
        return [noArgument({ op: word })];
      case 'expect':
      case 'expect-seen':
      case 'expect-receipt':
        if (rest === '') fail(`"${word}" needs the text to look for`);
        return [{ op: 'expect', text: rest, scope: word === 'expect' ? 'screen' : word === 'expect-seen' ? 'seen' : 'receipt' }];
      default:
        return fail(`unknown command "${word}"; see tools/sim-terminal/README.md for the script commands`);
    }
  })();
  return { line, source: text, commands };
}

export function parseScript(text: string): ScriptLine[] {
  return text.split(/\r?\n/).flatMap((source, i) => parseScriptLine(source, i + 1) ?? []);
}
