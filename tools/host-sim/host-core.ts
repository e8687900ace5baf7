import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import type { MacScheme } from '../../firmware/security/message-mac.js';
import { Acquirer, type AcquirerSecurity, type TerminalConfig } from './acquirer.js';
import { loadCardFile, validateCards, type CardAccount } from './card-file.js';
import { Issuer } from './issuer.js';
import { IssuerLedger } from './issuer-ledger.js';
import { firmwareSecurity } from './sim-security.js';
import type { HostProfile } from './strict-cup.js';
import { DEFAULT_TERMINALS, TEST_TERMINAL_MASTER_KEY_HEX } from './terminals.js';

export interface HostCoreOptions {
  /** Cards from a JSON file (default tools/host-sim/cards.json), or given directly. */
  cardsFile?: string;
  /** A card without a service code is magstripe only (card-file.ts). */
  cards?: readonly (Omit<CardAccount, 'serviceCode'> & { serviceCode?: string })[];
  /** Known terminals; default DEFAULT_TERMINALS. */
  terminals?: readonly TerminalConfig[];
  /** The terminal master key shared with every terminal: bytes or hex. Default TEST_TERMINAL_MASTER_KEY_HEX. */
  masterKey?: Uint8Array | string;
  /** Seeds working keys and auth codes (and, in the server, garbling). Default 1. */
  seed?: number;
  /** Host wall time for F12/F13 and card expiry. Default: the system clock. */
  now?: () => Date;
  /**
   * The batch every terminal's session starts on (6 digits). Default 000001. A host that remembers
   * a terminal continues its batch; a terminal never steps its batch back.
   */
  firstBatch?: string;
  /** MAC algorithm the terminals use. Default 'cup-ecb'. */
  macScheme?: MacScheme;
  /** Default: the firmware's own MAC, PIN block and key-exchange code. */
  security?: AcquirerSecurity;
  /** 'standard' (default) or 'strict-cup' (strict-cup.ts). */
  profile?: HostProfile;
}

export interface HostCore {
  ledger: IssuerLedger;
  issuer: Issuer;
  acquirer: Acquirer;
  security: AcquirerSecurity;
  rng: SeededRandom;
  /** The cards the issuer knows (a stored ledger is matched to them). */
  cards: readonly CardAccount[];
  /** The last RRN issued; a restored host continues after the stored records' highest. */
  ids: { rrn: number };
}

/** The acquirer and issuer without any transport: the TCP server wraps it, in-process test hosts may too. */
export function createHostCore(options: HostCoreOptions = {}): HostCore {
  const rng = new SeededRandom(options.seed ?? 1);
  const now = options.now ?? (() => new Date());
  const cards = options.cards ? validateCards(options.cards) : loadCardFile(options.cardsFile);
  const masterKey = typeof options.masterKey === 'string' ? hexBytes(options.masterKey) : options.masterKey ?? hexBytes(TEST_TERMINAL_MASTER_KEY_HEX);
  const security = options.security ?? firmwareSecurity(rng, options.macScheme);
  const ledger = new IssuerLedger();
  const ids = { rrn: 0 };
  const issuer = new Issuer(
    cards,
    ledger,
    {
      nextRrn: () => String(++ids.rrn).padStart(12, '0'),
      nextAuthCode: () => String(rng.int(0, 999999)).padStart(6, '0'),
    },
    now,
  );
  const acquirer = new Acquirer({ issuer, security, masterKey, terminals: options.terminals ?? DEFAULT_TERMINALS, now, firstBatch: options.firstBatch, profile: options.profile });
  return { ledger, issuer, acquirer, security, rng, cards, ids };
}

function hexBytes(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new RangeError('master key must be hex digits');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
