/**
 * Stripe bits -> one track's characters (ISO/IEC 7811): skip the clocking zeros, expect the start
 * sentinel at the first 1 bit, check odd parity on every character up to the end sentinel, then
 * check the LRC (even parity per bit position over start sentinel..end sentinel) and its own parity.
 * A swipe in the other direction delivers the bits reversed, so a failed forward read is retried
 * backwards. Noise can pass as a short track by chance (a sentinel, a few characters with good
 * parity, a matching LRC), so both directions are tried and a read followed only by clocking zeros
 * beats one followed by more flux, then the longer read wins. A track with nothing between its
 * sentinels is refused. Failures name the check and the character; they never include track content.
 */
import { bitsPerChar, charFromValue, charValue, type TrackFormat, type TrackNumber } from './track-format.js';

export type TrackFailureReason = 'no-data' | 'no-start-sentinel' | 'no-end-sentinel' | 'parity' | 'lrc' | 'bad-format';
export type SwipeDirection = 'forward' | 'backward';

export type TrackDecode =
  | {
      ok: true;
      track: TrackNumber;
      content: string;
      direction: SwipeDirection;
      /** Only clocking zeros followed the LRC, for 3 characters or to the end (a read that chance made of noise usually has more flux after it). */
      cleanEnd: boolean;
    }
  | {
      ok: false;
      track: TrackNumber;
      reason: TrackFailureReason;
      detail: string;
      /** Bits read successfully before the failure; picks the more telling of the two directions. */
      progressBits: number;
    };

/** Characters' worth of zeros after the LRC that end a track: two could hold a zero run (1000000 0000010). */
const CLEAN_END_CHARS = 3;

export function decodeTrackBits(format: TrackFormat, bits: ArrayLike<number>): TrackDecode {
  const forward = decodeOneWay(format, bits, 'forward');
  if (!forward.ok && forward.reason === 'no-data') return forward;
  const backward = decodeOneWay(format, reverseBits(bits), 'backward');
  if (forward.ok && backward.ok) return readRank(forward) >= readRank(backward) ? forward : backward;
  if (forward.ok) return forward;
  if (backward.ok) return backward;
  return backward.progressBits > forward.progressBits ? backward : forward;
}

function readRank(read: TrackDecode & { ok: true }): number {
  return (read.cleanEnd ? 1000 : 0) + read.content.length;
}

function reverseBits(bits: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[bits.length - 1 - i]!;
  return out;
}

function decodeOneWay(format: TrackFormat, bits: ArrayLike<number>, direction: SwipeDirection): TrackDecode {
  const track = format.track;
  const width = bitsPerChar(format);
  const fail = (reason: TrackFailureReason, detail: string, progressBits: number): TrackDecode => ({
    ok: false,
    track,
    reason,
    detail: `track ${track} (${direction}): ${detail}`,
    progressBits,
  });

  let at = 0;
  while (at < bits.length && bits[at] === 0) at++;
  if (at === bits.length) return fail('no-data', `no 1 bits in ${bits.length} bits read`, 0);

  const readChar = (): { value: number; parityOk: boolean } | undefined => {
    if (at + width > bits.length) return undefined;
    let value = 0;
    let ones = 0;
    for (let i = 0; i < width; i++) {
      const bit = bits[at + i]! & 1;
      if (i < format.dataBits) value |= bit << i;
      ones += bit;
    }
    at += width;
    return { value, parityOk: ones % 2 === 1 };
  };

  const startValue = charValue(format, format.startSentinel)!;
  const endValue = charValue(format, format.endSentinel)!;
  const first = readChar();
  if (!first || !first.parityOk || first.value !== startValue) {
    const found = first ? `character value ${first.value}${first.parityOk ? '' : ' with bad parity'}` : 'too few bits';
    return fail('no-start-sentinel', `${found} at the first 1 bit (bit ${at - (first ? width : 0)}), not the start sentinel`, 0);
  }

  let lrc = startValue;
  let content = '';
  for (let index = 1; ; index++) {
    const charStart = at;
    const char = readChar();
    if (!char) return fail('no-end-sentinel', `bits ran out after ${index} characters without the end sentinel`, charStart);
    if (!char.parityOk) return fail('parity', `odd parity fails at character ${index} (bit ${charStart})`, charStart);
    lrc ^= char.value;
    if (char.value === endValue) break;
    if (index + 2 >= format.maxChars) {
      return fail('no-end-sentinel', `no end sentinel within ${format.maxChars} characters`, charStart);
    }
    content += charFromValue(format, char.value);
  }

  const lrcStart = at;
  const lrcChar = readChar();
  if (!lrcChar) return fail('lrc', `the LRC character after the end sentinel is missing`, lrcStart);
  if (!lrcChar.parityOk) return fail('lrc', `the LRC character fails its own odd parity (bit ${lrcStart})`, lrcStart);
  if (lrcChar.value !== lrc) return fail('lrc', `LRC mismatch over ${content.length + 2} characters`, lrcStart);
  // Sentinels and an LRC around nothing carry no card data, and noise makes them by chance (three
  // characters with good parity and a matching LRC) far more often than a longer track.
  if (content.length === 0) return fail('bad-format', 'only the sentinels and the LRC', lrcStart);
  // Clocking zeros follow the LRC. Past a run longer than any data can hold (every character has
  // a 1: odd parity), whatever the read makes of the card's far edge (a speed change over nothing
  // but clocking reads as 1s at twice the period) is no longer the track's: the end is clean.
  let cleanEnd = true;
  const enough = Math.min(bits.length, at + CLEAN_END_CHARS * width);
  for (let i = at; i < enough && cleanEnd; i++) cleanEnd = bits[i] === 0;
  return { ok: true, track, content, direction, cleanEnd };
}
