/**
 * Made-up cards for tests, the benchmark and the simulated terminal: Luhn-valid PANs, a track 1
 * name, and the track texts an encoder would write (ISO 7813 track 1 format B and track 2, track 3
 * in the ISO 4909 layout CUP cards use).
 */
import type { SeededRandom } from '../../hal/seeded-random.js';
import type { TrackTexts } from './card-from-tracks.js';
import { luhnCheckDigit } from './luhn.js';

export interface SyntheticCard {
  pan: string;
  /** YYMM */
  expiry: string;
  serviceCode: string;
  /** Track 1 name ("SURNAME/GIVEN"); no track 1 when absent. */
  cardholderName?: string;
  /** Track 2 discretionary data (digits). */
  discretionary: string;
  /** Track 3 content; no track 3 when absent. */
  track3?: string;
}

export function trackTextsOf(card: SyntheticCard): TrackTexts {
  const tail = `${card.expiry}${card.serviceCode}${card.discretionary}`;
  const texts: TrackTexts = { track2: `${card.pan}=${tail}` };
  if (card.cardholderName !== undefined) texts.track1 = `B${card.pan}^${card.cardholderName}^${tail}`;
  if (card.track3 !== undefined) texts.track3 = card.track3;
  return texts;
}

const PAN_PREFIXES = ['62', '4', '51', '35'] as const;
const NAME_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function randomCard(random: SeededRandom): SyntheticCard {
  const length = random.pick([16, 16, 19] as const);
  let pan = random.pick(PAN_PREFIXES);
  while (pan.length < length - 1) pan += String(random.int(0, 9));
  pan += luhnCheckDigit(pan);

  const expiry = `${String(random.int(26, 40)).padStart(2, '0')}${String(random.int(1, 12)).padStart(2, '0')}`;
  const serviceCode = random.pick(['101', '201', '120', '220', '121'] as const);
  // Track 2 holds 37 characters between its sentinels: PAN, '=', 7 digits, the rest discretionary.
  const discretionary = randomDigits(random, random.int(0, 37 - pan.length - 8));
  const card: SyntheticCard = { pan, expiry, serviceCode, discretionary, cardholderName: randomName(random) };
  if (random.chance(0.3)) card.track3 = `99${pan}=${randomDigits(random, random.int(10, 60))}`;
  return card;
}

function randomName(random: SeededRandom): string {
  const word = (min: number, max: number): string => {
    let w = '';
    for (let n = random.int(min, max); n > 0; n--) w += random.pick([...NAME_LETTERS]);
    return w;
  };
  // Format B allows 2-26 characters.
  return `${word(2, 10)}/${word(2, 10)}${random.chance(0.3) ? ` ${word(1, 3)}` : ''}`;
}

function randomDigits(random: SeededRandom, count: number): string {
  let digits = '';
  for (let i = 0; i < count; i++) digits += String(random.int(0, 9));
  return digits;
}
