/**
 * The composition root: board config -> board -> devices -> journal -> engine shell. Nothing else
 * in firmware/ builds devices or reads configuration; everything below this file takes its
 * collaborators as arguments. `startTerminal` returns a running terminal; `stop()` releases it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CupTerminalSecurity } from './app/cup-terminal-security.js';
import { JsonFileSettingsStore } from './app/settings-file.js';
import { JsonFileLockoutStore } from './app/password-lockout.js';
import { JsonFileDamageAckStore } from './app/journal-damage.js';
import { defaultSettings, type TerminalSettings } from './app/settings.js';
import { TerminalShell } from './app/terminal-shell.js';
import type { FlashDevice } from './drivers/flash/flash-device.js';
import { openFlash } from './drivers/flash/flash-from-config.js';
import { lockImage } from './drivers/flash/image-lock.js';
import { openKeypad, type KeySource } from './drivers/keypad/keypad-from-config.js';
import { openDisplay } from './drivers/lcd/display-from-config.js';
import type { TextDisplay } from './drivers/lcd/text-display.js';
import type { SwipeResult, SwipeSource } from './drivers/magstripe/card-read.js';
import { openSwipeSource } from './drivers/magstripe/magstripe-from-config.js';
import type { ReceiptPrinter } from './drivers/printer/print-job.js';
import { openPrinter } from './drivers/printer/printer-from-config.js';
import type { BoardConfig } from './hal/board-config.js';
import { loadBoard, type LoadedBoard } from './hal/board-loader.js';
import { SystemClock, type Clock } from './hal/clock.js';
import { JsonLineLogger, type Logger } from './hal/log.js';
import type { HostLink } from './host/host-link.js';
import type { HostExchangeResult } from './iso8583/received-message.js';
import { tcpHostLinkConfig } from './host/host-link-config.js';
import { TcpHostLink } from './host/tcp-host-link.js';
import type { IsoMessage } from './iso8583/message.js';
import type { FlashJournal } from './journal/flash-journal.js';
import { openJournal } from './journal/open-journal.js';
import { loadDeviceKey } from './security/device-key.js';
import { loadMasterKey } from './security/master-key.js';
import { WorkingKeys } from './security/working-keys.js';

export interface TerminalOptions {
  /** Where settings.json, the device key file and (by default) the master key file live. */
  stateDir: string;
  clock?: Clock;
  logger?: Logger;
  /** The terminal master key; read from `masterKeyFile` (default <stateDir>/master.key) when absent. */
  masterKey?: Uint8Array;
  masterKeyFile?: string;
  /** Seals PANs at rest; default a key file <stateDir>/device.key created on first run (mode 0600). */
  deviceKey?: Uint8Array;
  /** Working keys kept across boots (a terminal's battery-backed key memory); fresh when absent. */
  workingKeys?: WorkingKeys;
  /** Forces the acquirer address into the settings (the simulator picks its port at run time). */
  hostAddress?: { address: string; port: number };
  /** Where the virtual print head writes a PNG per receipt. */
  receiptsDir?: string;
  /** Devices given instead of the config's (the simulated terminal's power-switched flash, a Chinese console screen). */
  flash?: FlashDevice;
  display?: TextDisplay;
  printer?: ReceiptPrinter;
  host?: HostLink;
  /** IV and salt source; node:crypto by default. */
  randomBytes?: (length: number) => Uint8Array;
  /** Told every screen the engine shows, as it hands it to the display (harnesses, screen logs). */
  onScreen?: (lines: readonly string[]) => void;
  /** Told when the shell stopped on a power loss. */
  onHalt?: (error: unknown) => void;
}

export interface RunningTerminal {
  readonly config: BoardConfig;
  readonly shell: TerminalShell;
  readonly journal: FlashJournal;
  readonly board: LoadedBoard;
  readonly display: TextDisplay;
  readonly printer: ReceiptPrinter;
  readonly flash: FlashDevice;
  /** Feeds a swipe (the simulated terminal's reader; hardware readers feed the shell themselves). */
  swipe(result: SwipeResult): void;
  /**
   * Stops cleanly: waits up to `waitIdleMs` for the current step to finish (a request in flight gets
   * its answer and is journaled), then stops the devices and closes the link, flash and board.
   */
  stop(options?: { waitIdleMs?: number }): Promise<{ finishedStep: boolean }>;
}

export async function startTerminal(config: BoardConfig, options: TerminalOptions): Promise<RunningTerminal> {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new JsonLineLogger((line) => process.stdout.write(`${line}\n`));
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  // One process per journal image, taken before anything in the state directory is read or written
  // and released after the flash closes.
  const imageLock = !options.flash && config.flash.kind === 'file' ? lockImage(config.flash.path) : undefined;
  if (imageLock?.tookOverFrom !== undefined) {
    logger.log('warn', 'journal.lock-taken-over', { lock: imageLock.lockPath, stalePid: imageLock.tookOverFrom });
  }
  const settingsStore = new JsonFileSettingsStore(join(options.stateDir, 'settings.json'));

  let board: LoadedBoard;
  let masterKey: Uint8Array;
  let deviceKey: Uint8Array;
  let settings: TerminalSettings;
  try {
    masterKey = options.masterKey ?? (await loadMasterKey(options.masterKeyFile ?? join(options.stateDir, 'master.key')));
    deviceKey = options.deviceKey ?? (await loadDeviceKey({ keyFile: join(options.stateDir, 'device.key') }));
    settings = await initialSettings(settingsStore, config, options.hostAddress, logger);
    board = await loadBoard(config, clock);
  } catch (error) {
    imageLock?.release();
    throw error;
  }
  const localBus = config.board.kind === 'linux-gpio' || config.board.kind === 'raspi-io' || config.board.kind === 'linux-io';
  const closers: (() => Promise<void> | void)[] = [() => board.close(), () => imageLock?.release()];
  try {
    const glass = options.display ?? openDisplay(config.lcd, config.board.kind, board.io, clock);
    const display = options.onScreen ? tapDisplay(glass, options.onScreen) : glass;
    // The LCD driver finishes what it was drawing before the board goes (its steps run on timers).
    closers.unshift(() => withinMs(clock, glass.flush(), 2000));
    let printer = options.printer;
    if (!printer) {
      const opened = await openPrinter(config.printer, board.io, clock, options.receiptsDir);
      closers.unshift(() => opened.close());
      printer = opened.printer;
    }
    const flash = options.flash ?? (await openFlash(config.flash, board.io, clock, localBus));
    if (!options.flash && flash.close) closers.unshift(() => flash.close!());
    const journal = await openJournal(flash, {
      deviceKey,
      ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
      onProgress: bootProgress(display),
    });
    const host = options.host ?? new SwitchableHostLink((address) => new TcpHostLink(tcpHostLinkConfig({ ...config.host, ...address }, { clock, logger })), settings.host);
    closers.unshift(() => host.close());

    let shell: TerminalShell | undefined;
    const keypad: KeySource = openKeypad(config.keypad, {
      io: board.io,
      clock,
      ...(board.j5 ? { j5: board.j5 } : {}),
      onKey: (event) => shell?.key(event),
      logger,
    });
    closers.unshift(() => keypad.stop());
    const reader: SwipeSource | undefined = openSwipeSource(config.magstripe, board.io, clock, logger);
    if (reader) {
      reader.onSwipe((result) => shell?.swipe(result));
      closers.unshift(() => reader.close());
    }

    shell = await TerminalShell.start({
      journal,
      host,
      security: new CupTerminalSecurity(masterKey, options.workingKeys ?? new WorkingKeys('tdes')),
      display,
      printer,
      clock,
      logger,
      settingsStore,
      // Wrong-password counts survive a power cut beside the settings (written atomically).
      lockoutStore: new JsonFileLockoutStore(join(options.stateDir, 'lockouts.json')),
      journalHealth: journal.health(),
      // The supervisor's acknowledgement of that damage, so the same damage does not stop every boot.
      damageAckStore: new JsonFileDamageAckStore(join(options.stateDir, 'journal-damage.json')),
      ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
      onSettingsChanged: (next) => {
        if (host instanceof SwitchableHostLink) host.retarget(next.host);
      },
      ...(options.onHalt ? { onHalt: options.onHalt } : {}),
    });
    const running = shell;
    logger.log('info', 'terminal.started', { board: config.board.kind, lcd: config.lcd.kind, flash: config.flash.kind, host: `${settings.host.address}:${settings.host.port}` });

    return {
      config,
      shell: running,
      journal,
      board,
      display,
      printer,
      flash,
      swipe: (result) => running.swipe(result),
      async stop(stopOptions = {}) {
        const finishedStep = await idleWithin(running, clock, stopOptions.waitIdleMs ?? 0);
        running.stop();
        await closeAll(closers, logger);
        logger.log('info', 'terminal.stopped', { finishedStep });
        return { finishedStep };
      },
    };
  } catch (error) {
    await closeAll(closers, logger);
    throw error;
  }
}

/**
 * The stored settings, or on first boot the defaults with the board config's acquirer address.
 * `hostAddress` overrides what is stored and is saved, so the cashier's menu shows it.
 */
async function initialSettings(
  store: JsonFileSettingsStore,
  config: BoardConfig,
  hostAddress: { address: string; port: number } | undefined,
  logger: Logger,
): Promise<TerminalSettings> {
  // A damaged or unusable file throws (SettingsFileError): the boot stops with one line naming it.
  let settings = await store.load();
  const wanted = hostAddress ?? (settings ? undefined : { address: config.host.address, port: config.host.port });
  if (!settings || wanted) {
    const stored = settings;
    settings = { ...(settings ?? defaultSettings()), ...(wanted ? { host: wanted } : {}) };
    if (config.host.timeouts?.responseMs !== undefined) settings.hostTimeoutMs = config.host.timeouts.responseMs;
    // Written only when it changes: a boot on a full disk must not stop over settings it already has.
    if (stored === undefined || JSON.stringify(stored) !== JSON.stringify(settings)) {
      try {
        await store.save(settings);
      } catch (error) {
        // The terminal still boots (owed reversals must go out); the settings hold for this run only.
        logger.log('error', 'settings.save-failed', { file: store.path, error: String(error) });
      }
    }
  }
  return settings;
}

/**
 * The mount's progress on the glass (启动中 37% / STARTING 37%): reading an EEPROM journal through
 * Firmata takes seconds, and a blank LCD looks like a dead terminal. Redrawn only when the whole
 * percentage changes (a few cells each time). Throttled to one redraw per 300 ms, bench:hil's
 * quarter-full boot took 4,085 ms, against 4,081 and 4,099 ms redrawn per percent: no faster.
 */
function bootProgress(display: TextDisplay): (fraction: number) => void {
  let shown = -1;
  return (fraction) => {
    const percent = Math.floor(fraction * 100);
    if (percent === shown) return;
    shown = percent;
    display.show([`${display.chinese ? '启动中' : 'STARTING'} ${percent}%`]);
  };
}

/** The display, with every screen also handed to `onScreen`. */
function tapDisplay(display: TextDisplay, onScreen: (lines: readonly string[]) => void): TextDisplay {
  return {
    cols: display.cols,
    rows: display.rows,
    chinese: display.chinese,
    show(lines) {
      onScreen(lines);
      display.show(lines);
    },
    backlight: (on) => display.backlight(on),
    flush: () => display.flush(),
  };
}

async function idleWithin(shell: TerminalShell, clock: Clock, ms: number): Promise<boolean> {
  if (shell.isIdle() || shell.halted) return true;
  if (ms <= 0) return false;
  let timer: ReturnType<Clock['setTimer']> | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = clock.setTimer(ms, () => resolve(false));
  });
  const finished = await Promise.race([shell.idle().then(() => true), expired]);
  clock.clearTimer(timer);
  return finished;
}

function withinMs(clock: Clock, work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<Clock['setTimer']> | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = clock.setTimer(ms, resolve);
  });
  return Promise.race([work, expired]).finally(() => clock.clearTimer(timer));
}

async function closeAll(closers: (() => Promise<void> | void)[], logger: Logger): Promise<void> {
  for (const close of closers.splice(0)) {
    try {
      await close();
    } catch (error) {
      logger.log('warn', 'terminal.close-failed', { error: String(error) });
    }
  }
}

/** The TCP link to whichever acquirer address the settings name now (the 管理 menu may change it). */
class SwitchableHostLink implements HostLink {
  private link: HostLink;

  constructor(
    private readonly make: (address: { address: string; port: number }) => HostLink,
    private address: { address: string; port: number },
  ) {
    this.link = make(address);
  }

  retarget(address: { address: string; port: number }): void {
    if (address.address === this.address.address && address.port === this.address.port) return;
    const old = this.link;
    this.address = { ...address };
    this.link = this.make(this.address);
    void old.close();
  }

  exchange(request: IsoMessage, options?: { timeoutMs?: number }): Promise<HostExchangeResult> {
    return this.link.exchange(request, options);
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
