import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One account at the simulated issuer. The PIN is test data of the simulator, never a real one. */
export interface CardAccount {
  pan: string;
  /** YYMM */
  expiry: string;
  pin: string;
  balanceFen: number;
  status: 'ok' | 'lost' | 'stolen' | 'expired';
  /** Largest amount one transaction may have (61 above it). */
  limitFen?: number;
  /**
   * Service code on the stripe (track 2 after the expiry). A first digit of 2 or 6 means the card
   * carries a chip: swiped, it is refused (请插卡) or sent as a fallback. Default 120: magstripe only.
   */
  serviceCode: string;
  note?: string;
}

/** International, normal authorization, online PIN... and no chip: what a card without a service code gets. */
export const MAGSTRIPE_SERVICE_CODE = '120';

export const DEFAULT_CARDS_FILE = fileURLToPath(new URL('./cards.json', import.meta.url));

export class CardFileError extends Error {
  constructor(where: string, detail: string) {
    super(`cards file: ${where}: ${detail}`);
    this.name = 'CardFileError';
  }
}

export function loadCardFile(path: string = DEFAULT_CARDS_FILE): CardAccount[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CardFileError(path, `cannot read as JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { cards?: unknown } | null)?.cards;
  if (!Array.isArray(list)) throw new CardFileError(path, 'expected an array of cards or { "cards": [...] }');
  return validateCards(list);
}

/** Checks every card and returns copies; throws CardFileError naming the card and field at fault. */
export function validateCards(list: readonly unknown[]): CardAccount[] {
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const where = `card ${i}`;
    if (typeof raw !== 'object' || raw === null) throw new CardFileError(where, 'not an object');
    const c = raw as Record<string, unknown>;
    const pan = c.pan;
    if (typeof pan !== 'string' || !/^\d{13,19}$/.test(pan)) throw new CardFileError(where, 'pan must be 13-19 digits');
    if (!luhnValid(pan)) throw new CardFileError(where, 'pan fails the Luhn check');
    if (seen.has(pan)) throw new CardFileError(where, 'pan appears twice');
    seen.add(pan);
    if (typeof c.expiry !== 'string' || !/^\d{2}(0[1-9]|1[0-2])$/.test(c.expiry)) throw new CardFileError(where, 'expiry must be YYMM');
    if (typeof c.pin !== 'string' || !/^\d{4,12}$/.test(c.pin)) throw new CardFileError(where, 'pin must be 4-12 digits');
    if (!isFen(c.balanceFen)) throw new CardFileError(where, 'balanceFen must be a non-negative integer');
    if (c.status !== 'ok' && c.status !== 'lost' && c.status !== 'stolen' && c.status !== 'expired') {
      throw new CardFileError(where, 'status must be ok, lost, stolen or expired');
    }
    if (c.limitFen !== undefined && !isFen(c.limitFen)) throw new CardFileError(where, 'limitFen must be a non-negative integer');
    if (c.serviceCode !== undefined && (typeof c.serviceCode !== 'string' || !/^\d{3}$/.test(c.serviceCode))) {
      throw new CardFileError(where, 'serviceCode must be 3 digits');
    }
    const serviceCode = (c.serviceCode as string | undefined) ?? MAGSTRIPE_SERVICE_CODE;
    const card: CardAccount = { pan, expiry: c.expiry, pin: c.pin, balanceFen: c.balanceFen as number, status: c.status, serviceCode };
    if (c.limitFen !== undefined) card.limitFen = c.limitFen as number;
    if (typeof c.note === 'string') card.note = c.note;
    return card;
  });
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function isFen(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
