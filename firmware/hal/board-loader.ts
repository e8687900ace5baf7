/**
 * Opens the board a config names and hands back its IO plugin:
 * - firmata: serialport 12 SerialPort -> firmata-io Board -> johnny-five Board (repl, debug, sigint off);
 * - raspi-io / linux-io: optional packages, imported only when a config asks for them;
 * - virtual: VirtualIo on an emulated board whose keypad, LCD backpack and EEPROM models are wired
 *   as the config says, so tests and the simulated terminal can press keys and read the glass.
 * johnny-five, firmata-io and serialport are imported only when a config needs them: the deployed
 * bundle keeps johnny-five in a chunk of its own that a board without Firmata never loads.
 */
import type five from 'johnny-five';
import type { BoardConfig } from './board-config.js';
import type { Clock } from './clock.js';
import type { LinuxBoardBindings } from './linux-gpio/bindings.js';
import { loadSerialPort } from './serialport-module.js';
import type { IoPlugin } from './io-plugin.js';
import { emulatedBoardFromConfig, type EmulatedBoard } from './virtual/emulated-board.js';
import { VirtualIo } from './virtual/virtual-io.js';

export interface LoadedBoard {
  io: IoPlugin;
  /** johnny-five and its Board on `io`, for j5 components (its I2C keypads); firmata boards only. */
  j5?: J5Handle;
  /** The peripheral models behind a virtual board. */
  emulated?: EmulatedBoard;
  close(): Promise<void>;
}

/** The johnny-five library (loaded on demand) and the Board it made on a Firmata IO. */
export interface J5Handle {
  five: typeof five;
  board: InstanceType<typeof five.Board>;
}

export async function loadBoard(config: BoardConfig, clock: Clock, linuxBindings?: LinuxBoardBindings): Promise<LoadedBoard> {
  const board = config.board;
  switch (board.kind) {
    case 'firmata':
      return openFirmata(board.port, board.baud ?? 57600);
    case 'linux-gpio':
      return openLinuxGpio(board, linuxBindings);
    case 'raspi-io':
      return openOptionalIoPlugin('raspi-io', 'RaspiIO');
    case 'linux-io':
      return openOptionalIoPlugin('linux-io', 'LinuxIO');
    case 'virtual':
      return openVirtual(config, clock);
  }
}

async function openFirmata(path: string, baudRate: number): Promise<LoadedBoard> {
  const [SerialPort, { openFirmataBoard }, { default: five }] = await Promise.all([
    loadSerialPort(),
    import('./firmata-board.js'),
    import('johnny-five'),
  ]);
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
    j5: { five, board: j5 },
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

/** The GPIO character device, i2c-dev and spidev through the linux-gpio IO plugin (bindings loaded on demand). */
async function openLinuxGpio(board: Extract<BoardConfig['board'], { kind: 'linux-gpio' }>, bindings?: LinuxBoardBindings): Promise<LoadedBoard> {
  const { LinuxGpioIo } = await import('./linux-gpio/linux-gpio-io.js');
  let chosen = bindings;
  if (!chosen) {
    const native = await import('./linux-gpio/native-bindings.js');
    await native.preloadNativePackages({ gpio: true, i2c: board.i2cBus !== undefined });
    chosen = await native.loadNativeBindings();
  }
  const io = new LinuxGpioIo({ gpioChip: board.gpioChip, ...(board.i2cBus ? { i2cBus: board.i2cBus } : {}), bindings: chosen });
  if (!io.isReady) await new Promise<void>((resolve) => io.once('ready', resolve));
  return { io, close: async () => io.close() };
}

/**
 * raspi-io and linux-io are not dependencies of this package: install them on the board that needs
 * them. A load failure says whether the package is missing or failed to load, with the loader's own
 * error (raspi-io's usual failure is pigpio's native binding, not raspi-io itself).
 */
async function openOptionalIoPlugin(packageName: 'raspi-io' | 'linux-io', exportName: string): Promise<LoadedBoard> {
  const { importOptional } = await import('./linux-gpio/native-bindings.js');
  const module = await importOptional(packageName, `board kind "${packageName}"`);
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
export async function listSerialPorts(
  list: () => Promise<{ path: string; manufacturer?: string }[]> = async () => (await loadSerialPort()).list(),
): Promise<SerialPortListing> {
  try {
    const ports = await list();
    return { ok: true, ports: ports.map(({ path, manufacturer }) => (manufacturer ? { path, manufacturer } : { path })) };
  } catch (error) {
    const detail = (error as Error).message;
    const udev = /udev/i.test(detail) ? 'udev is not available here (a container or minimal image?)' : detail;
    return { ok: false, reason: `cannot list serial ports: ${udev}; give the port path in the board config (e.g. /dev/ttyACM0)` };
  }
}
