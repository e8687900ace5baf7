/**
 * The two targets of the HIL suite, behind one shape: where the Firmata board is, the board config
 * the runtime runs with there, and the parts of the test jig that are fitted.
 *
 * - emulator (default): the Firmata emulator runs in the test process on the system clock (real
 *   57600-baud pacing), served on a pseudo-terminal, with every peripheral model wired from the
 *   board config; host-side serial devices (reader, printer) get their own ptys. Every jig part is
 *   there, so nothing skips.
 * - real (HIL_PORT=/dev/ttyACM0): a board flashed with StandardFirmataPlus and wired as
 *   test/hil/README.md says. Jig parts are present only when their environment variables name them
 *   (README, "the jig"); tests that need an absent part skip and say which.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readBoardConfig, type BoardConfig } from '../../firmware/hal/board-config.js';
import { SystemClock } from '../../firmware/hal/clock.js';
import { emulatedBoardFromConfig, type EmulatedBoard } from '../../firmware/hal/virtual/emulated-board.js';
import type { SwipeTracks, SwipeVariant } from '../../firmware/hal/virtual/serial-magstripe-reader-model.js';
import { FirmataEmulator, type EmulatorCounters } from '../../tools/firmata-emulator/firmata-emulator.js';
import { hostPortEndpoint, servePty, type PtyServer } from '../../tools/firmata-emulator/pty-transport.js';
import { openRealJig } from './real-jig.js';

export const ROOT = join(import.meta.dirname, '../..');

/** Closes and opens matrix keys (emulator: the matrix model; rig: a switch across row and column). */
export interface KeyJig {
  press(key: string): void;
  release(key: string): void;
}

/** Reads the character LCD's glass back. */
export interface LcdReadback {
  lines(): string[];
  /** HD44780 protocol violations seen so far (the emulator's model checks; a sniffer may not). */
  violations(): string[];
}

/** Makes the card reader send a swipe. */
export interface ReaderJig {
  swipe(tracks: SwipeTracks, variant?: SwipeVariant): void;
}

/** What reached the printer, as text lines. */
export interface PrinterReadback {
  printed(): string[];
}

/** The printer's paper-end sensor. */
export interface PaperJig {
  setPaperOut(out: boolean): void;
}

export interface Jig {
  keys?: KeyJig;
  lcd?: LcdReadback;
  reader?: ReaderJig;
  printer?: PrinterReadback;
  paper?: PaperJig;
}

export interface HilTarget {
  readonly kind: 'emulator' | 'real';
  /** The board config the target is wired to (as committed). */
  readonly config: BoardConfig;
  readonly configPath: string;
  /** The Firmata board's serial device. */
  readonly boardPort: string;
  /** The config the runtime runs with on this target: the board port and host-side device paths it really has. */
  readonly runtimeConfig: BoardConfig;
  readonly jig: Jig;
  /** The emulated board's models (emulator target only), for what a rig cannot observe. */
  readonly emulated?: EmulatedBoard;
  /** The emulated board's input counters (emulator target only): host bytes its full receive buffer lost. */
  readonly wire?: () => EmulatorCounters;
  close(): Promise<void>;
}

/** Which target `npm run hil` means: HIL_PORT set = the real board. */
export function hilTargetKind(): 'emulator' | 'real' {
  return process.env.HIL_PORT ? 'real' : 'emulator';
}

/** The board config under test: HIL_CONFIG, else the Uno's. */
export function hilConfigPath(): string {
  return process.env.HIL_CONFIG ? join(ROOT, process.env.HIL_CONFIG) : join(ROOT, 'board-configs/uno-firmata.json');
}

export type JigPart = keyof Jig;

const PART_NAMES: Record<JigPart, string> = {
  keys: 'no key jig (HIL_JIG_PORT + HIL_JIG_KEYS)',
  lcd: 'no LCD read-back (HIL_LCD_SNIFFER)',
  reader: 'no reader injection (HIL_READER_TX)',
  printer: 'no printer tap (HIL_PRINTER_RX)',
  paper: 'no paper-sensor override',
};

/** Which jig parts the target has, known before anything opens (test names say what is missing). */
export function fittedJigParts(env: NodeJS.ProcessEnv = process.env): Set<JigPart> {
  if (!env.HIL_PORT) return new Set(['keys', 'lcd', 'reader', 'printer', 'paper']);
  const parts = new Set<JigPart>();
  if (env.HIL_JIG_PORT && env.HIL_JIG_KEYS) parts.add('keys');
  if (env.HIL_READER_TX) parts.add('reader');
  if (env.HIL_PRINTER_RX) parts.add('printer');
  if (env.HIL_LCD_SNIFFER) parts.add('lcd');
  return parts;
}

/**
 * A test's name, with why it skips when the target lacks jig parts it needs, or (`runtime` false)
 * the checkout lacks the `pos run` command the process tests start.
 */
export function needing(name: string, parts: readonly JigPart[], fitted = fittedJigParts(), runtime = true): { name: string; skip: boolean } {
  const missing = parts.filter((part) => !fitted.has(part));
  const reasons = [
    ...(runtime ? [] : ['no pos run command in this checkout']),
    ...(missing.length ? [`${missing.map((part) => PART_NAMES[part]).join(', ')} on the HIL_PORT board`] : []),
  ];
  return reasons.length === 0 ? { name, skip: false } : { name: `${name} (skipped: ${reasons.join('; ')})`, skip: true };
}

export const hasPty = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

export async function openHilTarget(configPath = hilConfigPath()): Promise<HilTarget> {
  const config = readBoardConfig(configPath);
  if (config.board.kind !== 'firmata') throw new Error(`${configPath}: the HIL suite needs a Firmata board config, this one is ${config.board.kind}`);
  if (hilTargetKind() === 'real') {
    const boardPort = process.env.HIL_PORT!;
    const jig = await openRealJig(process.env, config);
    return {
      kind: 'real',
      config,
      configPath,
      boardPort,
      runtimeConfig: { ...config, board: { ...config.board, port: boardPort } },
      jig: jig.parts,
      close: () => jig.close(),
    };
  }
  return openEmulatorTarget(config, configPath);
}

async function openEmulatorTarget(config: BoardConfig, configPath: string): Promise<HilTarget> {
  if (!hasPty) throw new Error('the emulator target serves the board on a pseudo-terminal: it needs python3 with the pty module');
  const clock = new SystemClock();
  const emulated = emulatedBoardFromConfig(config, clock);
  const emulator = new FirmataEmulator({ board: emulated.board, baud: config.board.kind === 'firmata' ? (config.board.baud ?? 57600) : 57600 });
  const servers: PtyServer[] = [];
  try {
    const board = await servePty(emulator);
    servers.push(board);
    const hostPtys = new Map<string, string>();
    for (const [path, port] of emulated.hostPorts) {
      const server = await servePty(hostPortEndpoint(port));
      servers.push(server);
      hostPtys.set(path, server.path);
    }
    const screen = emulated.screen;
    const { keypad, reader, printer } = emulated;
    return {
      kind: 'emulator',
      config,
      configPath,
      boardPort: board.path,
      runtimeConfig: withHostPorts({ ...config, board: { ...config.board, kind: 'firmata', port: board.path } } as BoardConfig, hostPtys),
      emulated,
      wire: () => ({ ...emulator.counters }),
      jig: {
        ...(keypad ? { keys: { press: (key: string) => keypad.press(key), release: (key: string) => keypad.release(key) } } : {}),
        ...(screen ? { lcd: { lines: () => screen.lines(), violations: () => screen.violations.map((v) => `${v.kind}: ${v.detail}`) } } : {}),
        ...(reader ? { reader: { swipe: (tracks: SwipeTracks, variant?: SwipeVariant) => reader.swipe(tracks, variant) } } : {}),
        ...(printer ? { printer: { printed: () => [...printer.printed] }, paper: { setPaperOut: (out: boolean) => printer.setPaperOut(out) } } : {}),
      },
      async close() {
        for (const server of servers) server.close();
        emulator.stop();
      },
    };
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
}

/** The config's host serial device paths (/dev/ttyUSB0) replaced by the ptys that serve them. */
function withHostPorts(config: BoardConfig, ptys: ReadonlyMap<string, string>): BoardConfig {
  const swap = <T extends object>(section: T): T => {
    const path = (section as { path?: unknown }).path;
    return typeof path === 'string' && ptys.has(path) ? { ...section, path: ptys.get(path) } : section;
  };
  return { ...config, printer: swap(config.printer), magstripe: swap(config.magstripe) };
}
