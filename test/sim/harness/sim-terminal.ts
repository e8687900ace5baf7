/**
 * One simulated terminal and its host, deterministic given a seed: the real engine and shell, the
 * real journal on simulated NOR flash (power cuts), real security, the virtual printing head (paper
 * runs out), a virtual clock, and the in-process host simulator. `reboot()` is what a power cycle
 * does: the old shell is dropped as it stands, the flash powers back up, the journal is mounted
 * afresh (recovery) and a fresh shell boots on it.
 */
import { CupTerminalSecurity } from '../../../firmware/app/cup-terminal-security.js';
import { MemorySettingsStore } from '../../../firmware/app/settings.js';
import { TerminalShell } from '../../../firmware/app/terminal-shell.js';
import { PowerCut, type FlashDevice } from '../../../firmware/drivers/flash/flash-device.js';
import { SimulatedNorFlash } from '../../../firmware/drivers/flash/simulated-nor.js';
import type { TextDisplay } from '../../../firmware/drivers/lcd/text-display.js';
import type { ReceiptPrinter } from '../../../firmware/drivers/printer/print-job.js';
import { VirtualHeadPrinter } from '../../../firmware/drivers/printer/virtual-head-printer.js';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { silentLogger, type Logger } from '../../../firmware/hal/log.js';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import type { FlashJournal } from '../../../firmware/journal/flash-journal.js';
import { openJournal } from '../../../firmware/journal/open-journal.js';
import type { HostLink } from '../../../firmware/host/host-link.js';
import { WorkingKeys } from '../../../firmware/security/working-keys.js';
import { MASTER_KEY, SimHost } from './sim-host.js';

/** A 20x4 English display that only remembers what it shows (the shell keeps the lines too). */
class BlankDisplay implements TextDisplay {
  readonly cols = 20;
  readonly rows = 4;
  readonly chinese = false;
  show(): void {}
  backlight(): void {}
  async flush(): Promise<void> {}
}

/** A printer whose roll the simulation can end and replace. */
export type SimPrinter = ReceiptPrinter & { reload(paperOutAfterLines?: number): void };

export interface SimTerminalOptions {
  seed: number;
  /** The journal's NOR: default 16 sectors of 4 KiB; the program unit is 16 bytes. */
  flashSectors?: number;
  sectorSize?: number;
  /** The printer; default the virtual head on an endless roll. */
  printer?: SimPrinter;
  logger?: Logger;
  /**
   * A fresh link to the host at every boot (a real TCP link to the host simulator, say); default the
   * in-process host. `host` still provides the card file either way.
   */
  link?: () => HostLink;
  /**
   * The journal's device when it is not the simulated NOR (a file image in a child process that the
   * harness kills); `flash` is then unused.
   */
  journalDevice?: FlashDevice;
}

export class SimTerminal {
  readonly clock = new VirtualClock();
  readonly flash: SimulatedNorFlash;
  readonly host: SimHost;
  readonly printer: SimPrinter;
  readonly settingsStore = new MemorySettingsStore();
  readonly logger: Logger;
  /** Working keys survive a power cut, as in a terminal's battery-backed secure memory. */
  private readonly keys = new WorkingKeys('tdes');
  private readonly random: SeededRandom;
  private readonly display = new BlankDisplay();
  private readonly link: (() => HostLink) | undefined;
  private readonly journalDevice: FlashDevice | undefined;
  private currentLink: HostLink | undefined;
  private readonly haltWaiters: (() => void)[] = [];
  shell!: TerminalShell;
  journal!: FlashJournal;
  halted: unknown;
  boots = 0;

  constructor(options: SimTerminalOptions) {
    this.random = new SeededRandom(options.seed);
    const sectorSize = options.sectorSize ?? 4096;
    this.flash = new SimulatedNorFlash({ size: (options.flashSectors ?? 16) * sectorSize, sectorSize, programUnit: 16, seed: options.seed });
    this.host = new SimHost(this.clock, options.seed);
    this.printer = options.printer ?? new VirtualHeadPrinter();
    this.logger = options.logger ?? silentLogger;
    this.link = options.link;
    this.journalDevice = options.journalDevice;
  }

  /**
   * Mount + recover the journal, boot a fresh shell, run boot recovery until it waits for input.
   * `onPowerOn` runs as the power comes back, before anything else (a test arms the next cut there).
   */
  async boot(onPowerOn?: () => void): Promise<void> {
    this.halted = undefined;
    this.boots += 1;
    this.flash.reboot();
    onPowerOn?.();
    this.journal = await openJournal(this.journalDevice ?? this.flash, { deviceKey: DEVICE_KEY, randomBytes: (n) => this.random.bytes(n) });
    this.shell = await TerminalShell.start({
      journal: this.journal,
      host: (this.currentLink = this.link?.() ?? this.host),
      security: new CupTerminalSecurity(MASTER_KEY, this.keys),
      display: this.display,
      printer: this.printer,
      clock: this.clock,
      logger: this.logger,
      settingsStore: this.settingsStore,
      randomBytes: (n) => this.random.bytes(n),
      onHalt: (error) => {
        this.halted = error;
        for (const resolve of this.haltWaiters.splice(0)) resolve();
      },
    });
    await this.settle();
  }

  /** The power goes now (from a hook outside the terminal, e.g. the host simulator's): the shell stops as it stands. */
  cutPower(): void {
    this.halted = new PowerCut(0);
    this.shell.stop();
    for (const resolve of this.haltWaiters.splice(0)) resolve();
  }

  /** The power comes back after a cut: whatever the old shell was doing is gone. */
  async reboot(onPowerOn?: () => void): Promise<void> {
    this.shell.stop();
    // A real link's socket dies with the power; the in-process host lives on (it is the bank).
    if (this.currentLink !== this.host) await this.currentLink?.close();
    await this.boot(onPowerOn);
  }

  /**
   * Lets every device operation in flight finish (or the power go): resolves when the engine waits
   * for the cashier again. A shell that neither gets there nor halts within 10 s of real time is a
   * bug (or a link waiting on a virtual-clock timeout nobody advances): that is an error.
   */
  async settle(): Promise<void> {
    if (this.shell.isIdle() || this.shell.halted) return;
    let guard: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        this.shell.idle(),
        new Promise<void>((resolve) => this.haltWaiters.push(resolve)),
        new Promise<never>((_, reject) => {
          guard = setTimeout(() => reject(new Error(`terminal never settled (screen: ${this.screen})`)), 10_000);
        }),
      ]);
    } finally {
      clearTimeout(guard);
    }
  }

  get screen(): string {
    return this.shell.screen.join('|');
  }
}

/** The key that seals PANs at rest in the simulated journal (a test key, never a real one). */
export const DEVICE_KEY = new Uint8Array(32).fill(9);
