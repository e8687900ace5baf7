/**
 * bench:hil, wall clock: the real terminal runtime (`pos run`, its own process and event loop, as
 * in the field) drives the Firmata emulator over a pseudo-terminal, paced at 57600 baud on the system
 * clock, with the board's answers held back 1 ms more (a board's loop and a USB bridge). The
 * journal is on the board's AT24C256, as uno-firmata.json says. Everything is timed at the jig side,
 * in this process: a key closed on the matrix model, the HD44780 model's glass, the first byte the
 * board receives.
 *
 * - boot: `pos run` spawned -> the first screen of the terminal (not the mount's progress screen);
 *   eeprom_boot_*: the board's first received byte (the handshake) -> that screen, with the EEPROM
 *   empty, holding 8 KiB of journal frames, and full (the ring wrapped).
 * - keypress -> LCD: after sign-in, a digit held 80 ms like a cashier; the time from closing the key
 *   to the amount line showing it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BoardConfig } from '../../firmware/hal/board-config.js';
import { SystemClock } from '../../firmware/hal/clock.js';
import { emulatedBoardFromConfig, type EmulatedBoard } from '../../firmware/hal/virtual/emulated-board.js';
import type { FlashCounters, FlashDevice, FlashGeometry } from '../../firmware/drivers/flash/flash-device.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { journalSale } from '../powerloss/journal-sale.js';
import { FirmataEmulator } from '../firmata-emulator/firmata-emulator.js';
import { hostPortEndpoint, servePty, type PtyEndpoint, type PtyServer } from '../firmata-emulator/pty-transport.js';
import { startHostSimulator } from '../host-sim/server.js';
import { TEST_TERMINAL_MASTER_KEY_HEX } from '../host-sim/terminals.js';

const ROOT = join(import.meta.dirname, '../..');
const BOARD_ANSWER_MS = 1;
const HOLD_MS = 80;
const DEVICE_KEY = new Uint8Array(32).fill(0x5a);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WallFigures {
  keypress_to_lcd_wall_p50_ms: number;
  keypress_to_lcd_wall_p99_ms: number;
  boot_to_ready_wall_ms: number;
  eeprom_boot_empty_ms: number;
  eeprom_boot_quarter_ms: number;
  eeprom_boot_full_ms: number;
  early_lcd_instructions: number;
}

/** A byte array shaped like the config's EEPROM, to write journal images with the real journal code. */
class ImageEeprom implements FlashDevice {
  readonly geometry: FlashGeometry;
  readonly bytes: Uint8Array;
  constructor(size: number, sectorSize: number) {
    this.geometry = { size, sectorSize, programUnit: 1, erasedValue: 0xff, needsErase: false };
    this.bytes = new Uint8Array(size).fill(0xff);
  }
  async read(offset: number, length: number) {
    return this.bytes.slice(offset, offset + length);
  }
  async program(offset: number, data: Uint8Array) {
    this.bytes.set(data, offset);
  }
  async erase(sector: number) {
    const s = this.geometry.sectorSize;
    this.bytes.fill(0xff, sector * s, sector * s + s);
  }
  async sync() {}
  counters(): FlashCounters {
    return { programs: 0, erases: 0, bytesProgrammed: 0, syncs: 0, eraseCountPerSector: [] };
  }
}

/** A journal image with at least `frameBytes` of frames (Infinity: until the ring has wrapped): sales, settled every 10. */
export async function journalImage(size: number, sectorSize: number, frameBytes: number): Promise<Uint8Array> {
  const device = new ImageEeprom(size, sectorSize);
  if (frameBytes === 0) return device.bytes;
  const journal = await openJournal(device, { deviceKey: DEVICE_KEY });
  const used = () => device.bytes.reduce((n, b) => n + (b !== 0xff ? 1 : 0), 0);
  const wrapped = () => device.bytes[0] === 0xff && device.bytes[sectorSize] !== 0xff;
  for (let stan = 1; frameBytes === Infinity ? !wrapped() && stan < 5000 : used() < frameBytes; stan++) {
    const batch = Math.max(1, journal.view().counters.batch);
    await journal.begin(journalSale(stan, batch, 100 + stan));
    await journal.approve(stan, { authCode: '123456', rrn: String(100000000000 + stan), hostDate: '1122', hostTime: '101533' });
    await journal.printed(stan);
    if (stan % 10 === 0) await journal.settle(batch);
  }
  return device.bytes;
}

interface Rig {
  emulated: EmulatedBoard;
  pty: PtyServer;
  /** The config's host serial device paths (the printer, the reader) and the ptys serving them. */
  hostPtys: Map<string, string>;
  firstByteAt: () => number | undefined;
  counters: () => object;
  close(): void;
}

async function boardRig(config: BoardConfig, image: Uint8Array): Promise<Rig> {
  const emulated = emulatedBoardFromConfig(config, new SystemClock());
  emulated.eeprom!.memory.set(image);
  const emulator = new FirmataEmulator({ board: emulated.board, baud: 57600 });
  let firstByteAt: number | undefined;
  // The board answers BOARD_ANSWER_MS after its bytes leave the emulated wire.
  const endpoint: PtyEndpoint = {
    start: (onBytes) => emulator.start((bytes) => setTimeout(() => onBytes(bytes), BOARD_ANSWER_MS)),
    stop: () => emulator.stop(),
    receive: (bytes) => {
      firstByteAt ??= performance.now();
      emulator.receive(bytes);
    },
  };
  const pty = await servePty(endpoint);
  const servers = [pty];
  const hostPtys = new Map<string, string>();
  for (const [path, port] of emulated.hostPorts) {
    const server = await servePty(hostPortEndpoint(port));
    servers.push(server);
    hostPtys.set(path, server.path);
  }
  return {
    emulated,
    pty,
    hostPtys,
    firstByteAt: () => firstByteAt,
    counters: () => emulator.counters,
    close: () => {
      for (const server of servers) server.close();
      emulator.stop();
    },
  };
}

function spawnRuntime(config: BoardConfig, stateDir: string, port: string): ChildProcess {
  writeFileSync(join(stateDir, 'master.key'), `# test key of the host simulator\n${TEST_TERMINAL_MASTER_KEY_HEX}\n`, { mode: 0o600 });
  writeFileSync(join(stateDir, 'device.key'), `${Buffer.from(DEVICE_KEY).toString('hex')}\n`, { mode: 0o600 });
  const boardFile = join(stateDir, 'board.json');
  writeFileSync(boardFile, JSON.stringify(config, null, 2));
  return spawn(process.execPath, ['--import', 'tsx', 'tools/cli/main.ts', 'run', '--board', boardFile, '--port', port, '--state-dir', stateDir], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env },
  });
}

/** The terminal's first screen after the mount (uno-firmata.json's English LCD): sign-in, or READY when signed in. */
const isTerminalScreen = (lines: string[]) => /SIGN IN|READY/.test(lines.join('\n'));

/** Set when the runtime dies: every wait stops with its error instead of timing out. */
const abort: { error?: Error } = {};

async function until(done: () => boolean, timeoutMs: number, what: string, stepMs = 1): Promise<number> {
  const start = performance.now();
  while (!done()) {
    if (abort.error) throw abort.error;
    if (performance.now() - start > timeoutMs) throw new Error(`bench:hil: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
  return performance.now();
}

/** One cold boot of the runtime on an EEPROM image; with `typing`, also signs in and times keypresses. */
async function coldBoot(config: BoardConfig, hostPort: number, image: Uint8Array, typing?: { presses: number; latencies: number[] }) {
  const rig = await boardRig(config, image);
  const stateDir = mkdtempSync(join(tmpdir(), 'pos-bench-hil-'));
  const swap = <T extends object>(section: T): T => {
    const path = (section as { path?: unknown }).path;
    return typeof path === 'string' && rig.hostPtys.has(path) ? { ...section, path: rig.hostPtys.get(path) } : section;
  };
  const runtimeConfig = {
    ...config,
    board: { ...config.board, port: rig.pty.path },
    printer: swap(config.printer),
    magstripe: swap(config.magstripe),
    host: { ...config.host, address: '127.0.0.1', port: hostPort },
  } as BoardConfig;
  const spawnedAt = performance.now();
  const child = spawnRuntime(runtimeConfig, stateDir, rig.pty.path);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let stopping = false;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  void exited.then(() => {
    if (!stopping) abort.error ??= new Error(`bench:hil: pos run exited early: ${stderr.slice(-600)} (emulator: ${JSON.stringify(rig.counters())})`);
  });
  const screen = rig.emulated.screen!;
  try {
    const readyAt = await until(() => isTerminalScreen(screen.lines()), 120_000, `the first screen (stderr: ${stderr.slice(-400)})`, 2);
    const result = { bootToReady: readyAt - spawnedAt, handshakeToScreen: readyAt - (rig.firstByteAt() ?? readyAt), violations: 0 };
    if (typing) {
      const keys = rig.emulated.keypad!;
      // Held until the glass answers, as a cashier does (at least HOLD_MS).
      const tap = async (key: string) => {
        const before = screen.lines().join('\n');
        keys.press(key);
        await sleep(HOLD_MS);
        await until(() => screen.lines().join('\n') !== before, 10_000, `the echo of ${key}`);
        keys.release(key);
        await sleep(60);
      };
      await until(() => /SIGN IN|READY/.test(screen.lines().join('\n')), 30_000, 'the sign-in screen');
      if (!/READY/.test(screen.lines().join('\n'))) {
        await tap('ENTER');
        await until(() => /OPERATOR NO/.test(screen.lines().join('\n')), 10_000, 'OPERATOR NO');
        for (const k of ['0', '1', 'ENTER']) await tap(k);
        await until(() => /PASSWORD/.test(screen.lines().join('\n')), 10_000, 'PASSWORD');
        for (const k of ['0', '0', '0', '0', 'ENTER']) await tap(k);
        await until(() => /READY/.test(screen.lines().join('\n')), 30_000, 'READY after sign-in');
      }
      await tap('1');
      await until(() => /AMOUNT:/.test(screen.lines().join('\n')), 10_000, 'the amount screen');
      for (let i = 0; i < typing.presses; i++) {
        // 1-9: after CLEAR a 0 would not change the amount line.
        const key = String(1 + ((i * 7 + 3) % 9));
        const before = screen.lines()[2];
        const pressedAt = performance.now();
        keys.press(key);
        const shownAt = await until(() => screen.lines()[2] !== before, 10_000, `the echo of ${key}`, 0);
        typing.latencies.push(shownAt - pressedAt);
        await sleep(Math.max(0, HOLD_MS - (performance.now() - pressedAt)));
        keys.release(key);
        await sleep(60);
        // Keep the amount short: CLEAR takes the digit off again.
        keys.press('CLEAR');
        await sleep(HOLD_MS);
        keys.release('CLEAR');
        await sleep(100);
      }
    }
    result.violations = screen.violations.length;
    return result;
  } finally {
    stopping = true;
    child.kill('SIGKILL');
    await exited;
    rig.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function measureWall(config: BoardConfig, presses: number, progress: (what: string) => void): Promise<WallFigures> {
  if (config.flash.kind !== 'i2c-eeprom') throw new Error('bench:hil wall clock needs the journal on the board EEPROM (flash.kind i2c-eeprom)');
  const size = 32_768;
  const sectorSize = config.flash.sectorSize ?? 1024;
  const sim = await startHostSimulator({ port: 0, host: '127.0.0.1', seed: 11 });
  try {
    progress('boot: empty EEPROM, then keypresses');
    const latencies: number[] = [];
    const empty = await coldBoot(config, sim.port, await journalImage(size, sectorSize, 0), { presses, latencies });
    progress('boot: 8 KiB of journal frames');
    const quarter = await coldBoot(config, sim.port, await journalImage(size, sectorSize, 8192));
    progress('boot: full journal');
    const full = await coldBoot(config, sim.port, await journalImage(size, sectorSize, Infinity));
    latencies.sort((a, b) => a - b);
    return {
      keypress_to_lcd_wall_p50_ms: round1(percentile(latencies, 50)),
      keypress_to_lcd_wall_p99_ms: round1(percentile(latencies, 99)),
      boot_to_ready_wall_ms: Math.round(empty.bootToReady),
      eeprom_boot_empty_ms: Math.round(empty.handshakeToScreen),
      eeprom_boot_quarter_ms: Math.round(quarter.handshakeToScreen),
      eeprom_boot_full_ms: Math.round(full.handshakeToScreen),
      early_lcd_instructions: empty.violations + quarter.violations + full.violations,
    };
  } finally {
    await sim.close();
  }
}
