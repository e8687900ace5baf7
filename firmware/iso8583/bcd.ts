import type { BcdPadding } from './field-spec.js';

/**
 * Packed BCD: two nibbles per byte. Digits 0-9 are nibbles 0-9; in track data (type z) the field
 * separator '=' is nibble D (written 'D' or '=' by callers, always read back as '='), and a track
 * encrypted under the TDK uses every nibble: A B C E F are written and read as those letters.
 */

/** Bytes needed for `digits` nibbles. */
export function bcdByteLength(digits: number): number {
  return (digits + 1) >> 1;
}

const NIBBLE_OF: Record<string, number> = {
  '0': 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7, '8': 8, '9': 9, '=': 0xd, D: 0xd, d: 0xd, A: 0xa, B: 0xb, C: 0xc, E: 0xe, F: 0xf,
};

/**
 * Packs `text` (already validated as digits, or digits and '=' when `track`) into `out` at `at`.
 * Returns the offset after the written bytes.
 */
export function writeBcd(text: string, padding: BcdPadding, out: Uint8Array, at: number, filler: BcdFiller = '0'): number {
  const odd = text.length % 2 === 1;
  const nibbles = odd ? (padding === 'left' ? filler + text : text + filler) : text;
  for (let i = 0; i < nibbles.length; i += 2) {
    out[at++] = (NIBBLE_OF[nibbles[i]!]! << 4) | NIBBLE_OF[nibbles[i + 1]!]!;
  }
  return at;
}

/** Track nibbles A-F as text: D is the separator '='. */
const TRACK_LETTERS = 'ABC=EF';

/** Why a BCD read failed: the nibble index (from the start of the read) and what was wrong. */
export interface BcdFault {
  nibble: number;
  detail: string;
}

/** The filler nibble of an odd-length BCD value: 0 (what the terminal sends) or F (what some hosts send). */
export type BcdFiller = '0' | 'F';

/**
 * Unpacks `digits` nibbles from `bytes[at..]`. A filler nibble must be 0 or F (hosts pad F2 and
 * track data with F; see DIALECT.md); `onFiller` is told which, so the message can re-encode to the
 * very bytes it came from. Returns the text, or a fault.
 */
export function readBcd(
  bytes: Uint8Array,
  at: number,
  digits: number,
  padding: BcdPadding,
  track: boolean,
  onFiller?: (filler: BcdFiller) => void,
): string | BcdFault {
  const total = bcdByteLength(digits) * 2;
  const skipFirst = digits % 2 === 1 && padding === 'left';
  let text = '';
  for (let n = 0; n < total; n++) {
    const byte = bytes[at + (n >> 1)]!;
    const nibble = n % 2 === 0 ? byte >> 4 : byte & 0x0f;
    const isFiller = (skipFirst && n === 0) || (!skipFirst && digits % 2 === 1 && n === total - 1);
    if (isFiller) {
      if (nibble !== 0 && (nibble !== 0xf || onFiller === undefined)) {
        return { nibble: n, detail: `filler nibble is ${nibble.toString(16).toUpperCase()}, not 0${onFiller ? ' or F' : ''}` };
      }
      onFiller?.(nibble === 0 ? '0' : 'F');
      continue;
    }
    if (nibble <= 9) text += String.fromCharCode(48 + nibble);
    else if (track) text += TRACK_LETTERS[nibble - 10]!;
    else return { nibble: n, detail: `nibble ${nibble.toString(16).toUpperCase()} is not a ${track ? 'track' : 'decimal'} digit` };
  }
  return text;
}
