/**
 * Opens the board a config names and hands back its IO plugin:
 * - firmata: serialport 12 SerialPort -> firmata-io Board, and a johnny-five Board on it (repl, debug,
 *   sigint off) only for a johnny-five I2C keypad (keypad.kind "j5-i2c"), the one part that needs it;
 * - raspi-io / linux-io: optional packages, imported only when a config asks for them;
 * - virtual: VirtualIo on an emulated board whose keypad, LCD backpack and EEPROM models are wired
 *   as the config says, so tests and the simulated terminal can press keys and read the glass.
 * johnny-five, firmata-io, serialport and the virtual board's models are imported only when a config
 * needs them. johnny-five (with Node's repl module, which it loads) sits in a chunk of the deployed
 * bundle that only a j5-i2c keypad loads: loaded for every Firmata board, it held 2.3 MB of V8 heap
 * in `pos run` on Node 18 (RSS 64.9-65.1 MB after a sale, 62.3-62.9 without it; 2026-12-01).
 */
import type five from 'johnny-five';
import type { BoardConfig } from './board-config.js';
import type { Clock } from './clock.js';
import type { LinuxBoardBindings } from './linux-gpio/bindings.js';
import { loadSerialPort, SERIAL_READ_POOL_BYTES } from './serialport-module.js';
import type { IoPlugin } from './io-plugin.js';
import type { FirmataTransport } from './firmata-board.js';
import type { EmulatedBoard } from './virtual/emulated-board.js';

export interface LoadedBoard {
  io: IoPlugin;
  /** johnny-five and its Board on `io`, for j5 components (its I2C keypads); firmata boards with a j5-i2c keypad only. */
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
      return openFirmata(board.port, board.baud ?? 57600, config.keypad.kind === 'j5-i2c', clock);
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

async function openFirmata(path: string, baudRate: number, withJohnnyFive: boolean, clock: Clock): Promise<LoadedBoard> {
  const [SerialPort, { openFirmataBoard }, { FirmataFlowControl }] = await Promise.all([
    loadSerialPort(),
    import('./firmata-board.js'),
    import('./firmata-flow-control.js'),
  ]);
  const port = new SerialPort({ path, baudRate, autoOpen: false, highWaterMark: SERIAL_READ_POOL_BYTES });
  await new Promise<void>((resolve, reject) =>
    port.open((error) => (error ? reject(new Error(`cannot open Firmata board on ${path}: ${error.message}`)) : resolve())),
  );
  // The drivers share one wire: flow control keeps the board's receive buffer from overflowing while it answers.
  const io = await openFirmataBoard(new FirmataFlowControl(port, { clock }) as unknown as FirmataTransport);
  return {
    io,
    ...(withJohnnyFive ? { j5: await johnnyFiveBoard(io) } : {}),
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

async function johnnyFiveBoard(io: IoPlugin): Promise<J5Handle> {
  const { default: five } = await import('johnny-five');
  // sigint off: johnny-five's own SIGINT handler exits at once, before the terminal can shut down cleanly.
  const board = new five.Board({ io, repl: false, debug: false, sigint: false });
  await new Promise<void>((resolve) => board.once('ready', () => resolve()));
  return { five, board };
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

/** The emulated board's models are imported only for it: a real board's runtime does not carry them. */
async function openVirtual(config: BoardConfig, clock: Clock): Promise<LoadedBoard> {
  const [{ emulatedBoardFromConfig }, { VirtualIo }] = await Promise.all([import('./virtual/emulated-board.js'), import('./virtual/virtual-io.js')]);
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
