/**
 * Opens the board a config names and hands back its IO plugin:
 * - firmata: serialport 12 SerialPort -> firmata-io Board -> johnny-five Board (repl, debug, sigint off);
 * - raspi-io / linux-io: optional packages, imported only when a config asks for them;
 * - virtual: VirtualIo on an emulated board whose keypad, LCD backpack and EEPROM models are wired
 *   as the config says, so tests and the simulated terminal can press keys and read the glass.
 */
import five from 'johnny-five';
import { SerialPort } from 'serialport';
import type { BoardConfig } from './board-config.js';
import type { Clock } from './clock.js';
import { openFirmataBoard } from './firmata-board.js';
import type { IoPlugin } from './io-plugin.js';
import { emulatedBoardFromConfig, type EmulatedBoard } from './virtual/emulated-board.js';
import { VirtualIo } from './virtual/virtual-io.js';

export interface LoadedBoard {
  io: IoPlugin;
  /** The johnny-five Board on `io`, for j5 components (its I2C keypads); firmata boards only. */
  j5?: InstanceType<typeof five.Board>;
  /** The peripheral models behind a virtual board. */
  emulated?: EmulatedBoard;
  close(): Promise<void>;
}

export async function loadBoard(config: BoardConfig, clock: Clock): Promise<LoadedBoard> {
  const board = config.board;
  switch (board.kind) {
    case 'firmata':
      return openFirmata(board.port, board.baud ?? 57600);
    case 'raspi-io':
      return openOptionalIoPlugin('raspi-io', 'RaspiIO');
    case 'linux-io':
      return openOptionalIoPlugin('linux-io', 'LinuxIO');
    case 'virtual':
      return openVirtual(config, clock);
  }
}

async function openFirmata(path: string, baudRate: number): Promise<LoadedBoard> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((error) => (error ? reject(new Error(`cannot open Firmata board on ${path}: ${error.message}`)) : resolve())),
  );
  const io = await openFirmataBoard(port);
  // sigint off: johnny-five's own SIGINT handler exits at once, before the terminal can shut down cleanly.
  const j5 = new five.Board({ io, repl: false, debug: false, sigint: false });
  await new Promise<void>((resolve) => j5.once('ready', () => resolve()));
  return {
    io,
    j5,
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

/** raspi-io and linux-io are not dependencies of this package: install them on the board that needs them. */
async function openOptionalIoPlugin(packageName: 'raspi-io' | 'linux-io', exportName: string): Promise<LoadedBoard> {
  let module: Record<string, unknown>;
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the package.
    const specifier: string = packageName;
    module = (await import(specifier)) as Record<string, unknown>;
  } catch {
    throw new Error(`board kind "${packageName}" needs the ${packageName} package, which is not installed: run npm install ${packageName} on the board`);
  }
  const IoClass = (module[exportName] ?? module.default) as (new () => IoPlugin) | undefined;
  if (typeof IoClass !== 'function') throw new Error(`${packageName} does not export ${exportName}; is it the right version?`);
  const io = new IoClass();
  if (!io.isReady) await new Promise<void>((resolve) => io.once('ready', resolve));
  return { io, close: async () => undefined };
}

async function openVirtual(config: BoardConfig, clock: Clock): Promise<LoadedBoard> {
  const emulated = emulatedBoardFromConfig(config, clock);
  const io = new VirtualIo({ board: emulated.board });
  if (!io.isReady) await new Promise<void>((resolve) => io.once('ready', resolve));
  return { io, emulated, close: async () => io.close() };
}

export type SerialPortListing = { ok: true; ports: { path: string; manufacturer?: string }[] } | { ok: false; reason: string };

/**
 * The host's serial ports, for choosing a Firmata board. SerialPort.list() throws where udev is
 * missing (containers, minimal images); that becomes a plain reason instead of a crash.
 */
export async function listSerialPorts(list: () => Promise<{ path: string; manufacturer?: string }[]> = () => SerialPort.list()): Promise<SerialPortListing> {
  try {
    const ports = await list();
    return { ok: true, ports: ports.map(({ path, manufacturer }) => (manufacturer ? { path, manufacturer } : { path })) };
  } catch (error) {
    const detail = (error as Error).message;
    const udev = /udev/i.test(detail) ? 'udev is not available here (a container or minimal image?)' : detail;
    return { ok: false, reason: `cannot list serial ports: ${udev}; give the port path in the board config (e.g. /dev/ttyACM0)` };
  }
}
