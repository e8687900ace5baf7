/**
 * The state the engine's flows share: settings, the last journal snapshot the shell reported, the
 * cashier session, the time of the event being handled, and the outbox of notices for this step.
 */
import type { SettlementReport } from '../drivers/printer/print-job.js';
import type { JournalCapacity, JournalView } from '../journal/journal.js';
import type { EngineTime, Notice } from './engine-io.js';
import { screenTexts, type DisplayGeometry, type ScreenTexts } from './screens/screen-text.js';
import type { JournalDamage } from './journal-damage.js';
import type { PasswordLockouts } from './password-lockout.js';
import type { TerminalSettings } from './settings.js';

export interface EngineSession {
  /** Operator no. of the signed-in cashier; undefined when nobody is signed in. */
  operator?: string;
}

export interface EngineContext {
  settings: TerminalSettings;
  readonly display: DisplayGeometry;
  texts: ScreenTexts;
  journal: { view: JournalView; capacity: JournalCapacity };
  session: EngineSession;
  /** Password attempt counts, as last saved (password-lockout.ts). */
  lockouts: PasswordLockouts;
  /** Journal damage found at mount; while not acknowledged, no new transaction starts. */
  journalDamage?: JournalDamage;
  /**
   * Voucher nos. whose cardholder copy the cashier chose not to print at 撕下 (kept in memory):
   * 6-5 prints it later, unmarked, since it never printed before.
   */
  skippedCopies: number[];
  /** The last settlement report, for 重打印 (kept in memory: a reboot forgets it). */
  lastSettlement?: SettlementReport;
  time: EngineTime;
  notices: Notice[];
}

export function textsFor(settings: TerminalSettings, display: DisplayGeometry): ScreenTexts {
  const language = settings.language === 'auto' ? (display.chinese ? 'zh' : 'en') : settings.language;
  // An HD44780 cannot draw Hanzi: English whatever the setting says.
  return screenTexts(display.chinese ? language : 'en');
}
