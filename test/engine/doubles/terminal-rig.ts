/**
 * A whole terminal in one process for end-to-end tests: the real engine and shell, the real journal
 * on simulated NOR flash, the real security code, the host simulator's acquirer and issuer in-process,
 * a virtual clock, a recording display and printer. `reboot()` is a fresh shell on the same flash.
 */
import { CupTerminalSecurity } from '../../../firmware/app/cup-terminal-security.js';
import { MemoryDamageAckStore } from '../../../firmware/app/journal-damage.js';
import { MemoryLockoutStore } from '../../../firmware/app/password-lockout.js';
import { MemorySettingsStore } from '../../../firmware/app/settings.js';
import { TerminalShell } from '../../../firmware/app/terminal-shell.js';
import { SimulatedNorFlash } from '../../../firmware/drivers/flash/simulated-nor.js';
import type { PosKey } from '../../../firmware/hal/pos-keys.js';
import type { CardRead } from '../../../firmware/drivers/magstripe/card-read.js';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { MemoryLogger } from '../../../firmware/hal/log.js';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import { openJournal } from '../../../firmware/journal/open-journal.js';
import type { FlashJournal } from '../../../firmware/journal/flash-journal.js';
import { WorkingKeys } from '../../../firmware/security/working-keys.js';
import { RecordingDisplay, RecordingPrinter } from './devices.js';
import { InProcessHost, MASTER_KEY } from './in-process-host.js';

const DEVICE_KEY = new Uint8Array(32).fill(7);

export class TerminalRig {
  readonly clock = new VirtualClock();
  readonly flash = new SimulatedNorFlash({ size: 16 * 4096, sectorSize: 4096, programUnit: 16, seed: 5 });
  readonly host = new InProcessHost(() => this.clock.wallTime());
  readonly printer = new RecordingPrinter();
  readonly settingsStore = new MemorySettingsStore();
  /** Survives reboot() as the state directory's lockouts.json does a power cut. */
  readonly lockoutStore = new MemoryLockoutStore();
  /** Survives reboot() as the state directory's journal-damage.json does. */
  readonly damageAckStore = new MemoryDamageAckStore();
  readonly logger = new MemoryLogger();
  /** Working keys survive a reboot, as in a terminal's battery-backed secure memory. */
  keys = new WorkingKeys('tdes');
  private readonly ivs = new SeededRandom(11);
  shell!: TerminalShell;
  journal!: FlashJournal;
  halted: unknown;

  /** A 20x4 English display unless a test gives another (16x2, a Chinese 16x4). */
  constructor(readonly display: RecordingDisplay = new RecordingDisplay()) {}

  async boot(): Promise<void> {
    this.halted = undefined;
    this.flash.reboot();
    this.journal = await openJournal(this.flash, { deviceKey: DEVICE_KEY, randomBytes: (n) => this.ivs.bytes(n) });
    this.shell = await TerminalShell.start({
      journal: this.journal,
      host: this.host,
      security: new CupTerminalSecurity(MASTER_KEY, this.keys),
      display: this.display,
      printer: this.printer,
      clock: this.clock,
      logger: this.logger,
      settingsStore: this.settingsStore,
      lockoutStore: this.lockoutStore,
      journalHealth: this.journal.health(),
      damageAckStore: this.damageAckStore,
      randomBytes: (n) => this.ivs.bytes(n),
      onHalt: (error) => {
        this.halted = error;
      },
    });
    await this.settle();
  }

  /** The power goes: the old shell is dropped as it stands; boot() starts a fresh one. */
  async reboot(): Promise<void> {
    this.shell.stop();
    await this.boot();
  }

  /** Lets every operation in flight finish (or the power go). */
  async settle(): Promise<void> {
    for (let i = 0; i < 1000 && !this.shell.isIdle() && !this.shell.halted; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async press(...keys: PosKey[]): Promise<void> {
    for (const key of keys) {
      this.shell.key({ key, repeat: false });
      await this.settle();
    }
  }
  async type(digits: string): Promise<void> {
    await this.press(...(digits.split('') as PosKey[]));
  }
  async swipe(card: CardRead): Promise<void> {
    this.shell.swipe(card);
    await this.settle();
  }
  /**
   * Lets result screens and tear-off prompts time out until the idle screen shows; 冲正成功 waits
   * for a key (it does not time out), so it gets one, as the cashier would press.
   */
  async toIdle(): Promise<void> {
    for (let i = 0; i < 10 && !this.atIdle(); i++) {
      if (this.shell.isIdle() && this.screen.includes('REVERSAL DONE')) {
        await this.press('ENTER');
        continue;
      }
      this.clock.advance(60_000);
      await this.settle();
    }
  }
  /** toIdle, or up to the journal damage screen that stands in for idle until the supervisor acknowledges. */
  async toIdleOrDamage(): Promise<void> {
    for (let i = 0; i < 10 && !this.atIdle() && !(this.shell.isIdle() && /JOURNAL DAMAGED|流水存储异常/.test(this.screen)); i++) {
      if (this.shell.isIdle() && /REVERSAL DONE|冲正成功/.test(this.screen)) {
        await this.press('ENTER');
        continue;
      }
      this.clock.advance(60_000);
      await this.settle();
    }
  }
  atIdle(): boolean {
    return this.shell.isIdle() && /READY|SIGN IN: ENTER/.test(this.shell.screen.join('\n'));
  }
  get screen(): string {
    return this.shell.screen.join('\n');
  }
  get all(): string {
    return this.display.all;
  }

  card(index = 0): CardRead {
    const c = this.host.cards[index]!;
    return { ok: true, pan: c.pan, expiry: c.expiry, serviceCode: c.serviceCode, track2: `${c.pan}=${c.expiry}${c.serviceCode}0000000000`, direction: 'backward' };
  }
  pinOf(index = 0): string {
    return this.host.cards[index]!.pin;
  }

  async signIn(): Promise<void> {
    await this.press('ENTER');
    await this.type('01');
    await this.press('ENTER');
    await this.type('0000');
    await this.press('ENTER');
    await this.toIdle();
  }

  /** A sale up to the PIN's ENTER (the request goes out on that key). */
  async sale(amountFen: number, cardIndex = 0): Promise<void> {
    await this.press('1');
    await this.type(String(amountFen));
    await this.press('ENTER');
    await this.swipe(this.card(cardIndex));
    await this.press('ENTER');
    await this.type(this.pinOf(cardIndex));
    await this.press('ENTER');
  }

  /** 3 退货 up to the card confirmation (the 0220 goes out on that ENTER), then back to idle. */
  async refund(original: { rrn: string; mmdd: string }, amountFen: number, cardIndex = 0): Promise<void> {
    await this.press('3');
    await this.type('123456');
    await this.press('ENTER');
    await this.type(original.rrn);
    await this.press('ENTER');
    await this.type(original.mmdd);
    await this.press('ENTER');
    await this.type(String(amountFen));
    await this.press('ENTER');
    await this.swipe(this.card(cardIndex));
    await this.press('ENTER');
    await this.toIdle();
  }

  /**
   * What the issuer holds for this terminal against what the journal holds as approved, for the
   * batches not yet closed by a settlement (a settled batch has left the journal by design).
   */
  reconcile() {
    const approved = this.journal.view().transactions
      .filter((tx) => tx.status === 'approved')
      .map((tx) => ({ batch: String(tx.batchNo).padStart(6, '0'), stan: String(tx.stan).padStart(6, '0') }));
    const report = this.host.ledger.reconcileWithTerminal('10000159', approved);
    const settled = new Set(this.host.acquirer.settlements.filter((s) => s.balanced || s.afterUpload).map((s) => s.batch));
    return { ...report, oneSided: report.oneSided.filter((e) => !settled.has(e.batch)) };
  }
}
