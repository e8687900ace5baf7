/**
 * Terminal parameters the merchant or the bank sets up (管理 menu or configuration file), and
 * where they are kept. Passwords are stored only as salted hashes (see passwords.ts).
 */
import { defaultPasswordHash } from './passwords.js';
import { MemoryValueStore, type ValueStore } from './value-store.js';

export type ScreenLanguage = 'zh' | 'en' | 'auto';

export interface TerminalSettings {
  merchantName: string;
  /** F42, 15 characters. */
  merchantNo: string;
  /** F41, 8 characters. */
  terminalId: string;
  /** Acquirer and issuer names printed on receipts. */
  acquirerName: string;
  issuerName: string;
  host: { address: string; port: number };
  /** How long to wait for a response, and how long a cashier prompt waits before idle. */
  hostTimeoutMs: number;
  idleTimeoutMs: number;
  /** Tries per reversal before it is handed to manual handling (R3/R4). */
  reversalTries: number;
  /** 1 = merchant copy, 2 = + cardholder, 3 = + bank. */
  receiptCopies: number;
  /** Whether ENTER with no digits at the PIN prompt sends the request without a PIN. */
  pinBypassAllowed: boolean;
  /** Sign-in key mode: 003 double-length PIK/MAK, 004 + TDK (tracks travel encrypted under the TDK). */
  keyMode: '003' | '004';
  /**
   * A chip card (service code 2xx/6xx) swiped on this magstripe-only terminal: refused with 请插卡
   * (nothing sent), or sent flagged as a fallback (F22 80x, 60.5 = 2) where the acquirer allows it.
   */
  chipCardSwipe: 'refuse' | 'fallback';
  language: ScreenLanguage;
  /** N: wrong passwords in a row that lock an operator (or the supervisor). */
  passwordTries: number;
  /** M: how long such a lock lasts, unless the supervisor lifts it sooner (9-6). */
  lockoutMinutes: number;
  /** The merchant's per-transaction limit in fen, refused locally; 0 = no limit. */
  amountLimitFen: number;
  /** Operator no. -> salted password hash. */
  operators: Record<string, string>;
  supervisorPasswordHash: string;
}

export function defaultSettings(): TerminalSettings {
  return {
    merchantName: 'POS MERCHANT',
    merchantNo: '880210010210160',
    terminalId: '10000159',
    acquirerName: 'UnionPay',
    issuerName: 'UnionPay',
    host: { address: '127.0.0.1', port: 5000 },
    hostTimeoutMs: 30_000,
    idleTimeoutMs: 60_000,
    reversalTries: 3,
    receiptCopies: 2,
    pinBypassAllowed: false,
    keyMode: '003',
    chipCardSwipe: 'refuse',
    language: 'auto',
    passwordTries: 5,
    lockoutMinutes: 30,
    amountLimitFen: 0,
    operators: { '01': defaultPasswordHash('0000') },
    supervisorPasswordHash: defaultPasswordHash('123456'),
  };
}

/** Returns a list of problems; empty when the settings can be used. */
export function settingsProblems(s: TerminalSettings): string[] {
  const problems: string[] = [];
  if (!/^[0-9A-Za-z]{15}$/.test(s.merchantNo)) problems.push('merchantNo must be 15 letters or digits');
  if (!/^[0-9A-Za-z]{8}$/.test(s.terminalId)) problems.push('terminalId must be 8 letters or digits');
  if (!Number.isInteger(s.host.port) || s.host.port < 1 || s.host.port > 65535) problems.push('host.port must be 1..65535');
  if (s.host.address.length === 0) problems.push('host.address is empty');
  if (!(s.hostTimeoutMs >= 1000 && s.hostTimeoutMs <= 120_000)) problems.push('hostTimeoutMs must be 1000..120000');
  if (!(s.idleTimeoutMs >= 5000 && s.idleTimeoutMs <= 600_000)) problems.push('idleTimeoutMs must be 5000..600000');
  if (!Number.isInteger(s.reversalTries) || s.reversalTries < 1 || s.reversalTries > 9) problems.push('reversalTries must be 1..9');
  if (s.keyMode !== '003' && s.keyMode !== '004') problems.push('keyMode must be 003 or 004');
  if (s.chipCardSwipe !== 'refuse' && s.chipCardSwipe !== 'fallback') problems.push('chipCardSwipe must be refuse or fallback');
  if (!Number.isInteger(s.receiptCopies) || s.receiptCopies < 1 || s.receiptCopies > 3) problems.push('receiptCopies must be 1..3');
  if (!Number.isInteger(s.passwordTries) || s.passwordTries < 1 || s.passwordTries > 20) problems.push('passwordTries must be 1..20');
  if (!Number.isInteger(s.lockoutMinutes) || s.lockoutMinutes < 1 || s.lockoutMinutes > 1440) problems.push('lockoutMinutes must be 1..1440');
  if (!Number.isSafeInteger(s.amountLimitFen) || s.amountLimitFen < 0) problems.push('amountLimitFen must be 0 (no limit) or a positive number of fen');
  if (Object.keys(s.operators).some((no) => !/^(0[1-9]|[1-9][0-9])$/.test(no))) problems.push('operator numbers must be 01..99');
  return problems;
}

/** Where settings live between power cycles (a file, a flash page, memory in tests). */
export type SettingsStore = ValueStore<TerminalSettings>;

export class MemorySettingsStore extends MemoryValueStore<TerminalSettings> {}
