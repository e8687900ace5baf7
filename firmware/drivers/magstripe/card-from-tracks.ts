/**
 * Decoded track texts -> the CardRead the engine uses, or the reason the swipe must be repeated.
 * Track 2 is required (it is what field 35 carries); track 1 adds the cardholder name; both, and
 * track 3 when it follows ISO 4909 (format code + PAN + '='), must agree on the PAN, and the PAN
 * must pass Luhn, so a misread PAN is never accepted. Details never quote track content.
 */
import type { CardRead, SwipeError, SwipeResult } from './card-read.js';
import { isLuhnValid } from './luhn.js';
import type { SwipeDirection } from './track-decoder.js';

/** Track contents between the sentinels, as read. */
export interface TrackTexts {
  track1?: string;
  track2?: string;
  track3?: string;
  /**
   * Readings of a track 1 that passed every check but were refused because more than one did
   * (the name has no check of its own). They still carry the PAN, expiry and service code: if none
   * agrees with track 2 on all three, track 2 holds a misread that its own checks missed (two
   * swaps in the same bit positions, e.g. service code 121 read as 221 and a 1 in the
   * discretionary data as a 2), and the swipe is refused.
   */
  track1Witnesses?: string[];
}

interface TrackFields {
  pan: string;
  expiry: string;
  serviceCode: string;
}

const TRACK2 = /^(\d{12,19})=(\d{4})(\d{3})(\d*)$/;
const TRACK1 = /^B(\d{12,19})\^([^^]{2,26})\^(\d{4})(\d{3})([^^]*)$/;
const TRACK3_PAN = /^\d{2}(\d{12,19})=/;

export function cardFromTracks(tracks: TrackTexts, direction: SwipeDirection): SwipeResult {
  if (tracks.track2 === undefined) return swipeError('no-data', 'no track 2 data');
  const track2 = parseTrack2(tracks.track2);
  if ('ok' in track2) return track2;
  if (!isLuhnValid(track2.pan)) return swipeError('bad-pan', `track 2: the ${track2.pan.length}-digit PAN fails the Luhn check`);

  if (tracks.track1Witnesses !== undefined && tracks.track1Witnesses.length > 0) {
    const agrees = tracks.track1Witnesses.some((text) => {
      const witness = parseTrack1(text);
      return !('ok' in witness) && witness.pan === track2.pan && witness.expiry === track2.expiry && witness.serviceCode === track2.serviceCode;
    });
    if (!agrees) return swipeError('bad-format', 'no reading of track 1 agrees with track 2 on PAN, expiry and service code');
  }

  let cardholderName: string | undefined;
  if (tracks.track1 !== undefined) {
    const track1 = parseTrack1(tracks.track1);
    if ('ok' in track1) return track1;
    if (track1.pan !== track2.pan) return swipeError('bad-pan', 'track 1 PAN differs from track 2 PAN');
    if (track1.expiry !== track2.expiry) return swipeError('bad-format', 'track 1 expiry differs from track 2 expiry');
    if (track1.serviceCode !== track2.serviceCode) {
      return swipeError('bad-format', 'track 1 service code differs from track 2 service code');
    }
    cardholderName = track1.name;
  }

  if (tracks.track3 !== undefined) {
    const track3Pan = TRACK3_PAN.exec(tracks.track3)?.[1];
    if (track3Pan !== undefined && track3Pan !== track2.pan) return swipeError('bad-pan', 'track 3 PAN differs from track 2 PAN');
  }

  const card: CardRead = {
    ok: true,
    pan: track2.pan,
    expiry: track2.expiry,
    serviceCode: track2.serviceCode,
    track2: tracks.track2,
    direction,
  };
  if (cardholderName !== undefined) card.cardholderName = cardholderName;
  if (tracks.track3 !== undefined) card.track3 = tracks.track3;
  return card;
}

/**
 * Which of several track 2 readings that each passed every check (a track 2 refused as ambiguous,
 * track-candidates.ts) track 1 confirms. `track1` holds the track 1 that passed its own checks, or
 * the readings of a track 1 refused as ambiguous (which then must all agree on PAN, expiry and
 * service code: they differed only in what no check covers). Track 1 is read from its own flux, so
 * its fields are independent evidence. A reading is one account of every bit, so a track 2 reading
 * whose fields track 1 contradicts is wrong as a whole, discretionary data included; when exactly
 * one reading has track 1's three fields it is the one left. When several have them (they differ
 * only where track 1 cannot speak) or none does, none is confirmed.
 */
export function track2ConfirmedByTrack1(readings: readonly string[], track1: readonly string[]): number | undefined {
  const parsed = track1.map(parseTrack1);
  const fields = parsed[0];
  if (fields === undefined || 'ok' in fields) return undefined;
  for (const other of parsed) {
    if ('ok' in other || other.pan !== fields.pan || other.expiry !== fields.expiry || other.serviceCode !== fields.serviceCode) return undefined;
  }
  const agreeing = readings.flatMap((text, index) => {
    const reading = parseTrack2(text);
    return !('ok' in reading) && reading.pan === fields.pan && reading.expiry === fields.expiry && reading.serviceCode === fields.serviceCode ? [index] : [];
  });
  return agreeing.length === 1 ? agreeing[0] : undefined;
}

/**
 * The checks cardFromTracks applies to one track on its own (format, expiry month, Luhn on the
 * PAN): what a candidate reading of that track must pass before it is believed (track-candidates.ts).
 * Track 3 has no format this terminal relies on.
 */
export function trackContentPlausible(track: 1 | 2 | 3, text: string): boolean {
  if (track === 3) return true;
  const fields = track === 2 ? parseTrack2(text) : parseTrack1(text);
  return !('ok' in fields) && isLuhnValid(fields.pan);
}

export function swipeError(reason: SwipeError['reason'], detail: string): SwipeError {
  return { ok: false, reason, detail };
}

function parseTrack2(text: string): TrackFields | SwipeError {
  const match = TRACK2.exec(text);
  if (!match) return swipeError('bad-format', `track 2: ${describeTrack2Problem(text)}`);
  const [, pan, expiry, serviceCode] = match;
  if (!validExpiry(expiry!)) return swipeError('bad-format', 'track 2: expiry month is not 01-12');
  return { pan: pan!, expiry: expiry!, serviceCode: serviceCode! };
}

function describeTrack2Problem(text: string): string {
  const separator = text.indexOf('=');
  if (separator < 0) return 'no field separator';
  if (!/^\d{12,19}$/.test(text.slice(0, separator))) return `PAN field is ${separator} characters, not 12-19 digits`;
  if (!/^\d{7}/.test(text.slice(separator + 1))) return 'expiry and service code are not 7 digits';
  return 'discretionary data holds non-digits';
}

function parseTrack1(text: string): (TrackFields & { name: string }) | SwipeError {
  const match = TRACK1.exec(text);
  if (!match) {
    const problem = text.startsWith('B') ? 'fields do not follow B PAN ^ NAME ^ YYMM SSS' : 'format code is not B';
    return swipeError('bad-format', `track 1: ${problem}`);
  }
  const [, pan, name, expiry, serviceCode] = match;
  if (!validExpiry(expiry!)) return swipeError('bad-format', 'track 1: expiry month is not 01-12');
  return { pan: pan!, name: name!.trimEnd(), expiry: expiry!, serviceCode: serviceCode! };
}

function validExpiry(yymm: string): boolean {
  const month = Number(yymm.slice(2));
  return month >= 1 && month <= 12;
}
