/**
 * The ISO/IEC 7811 / 7813 character sets of the three stripe tracks: how many bits a character
 * takes, how a character value maps to ASCII, the sentinels, the longest legal track and the
 * recording density. Everything else in the decoder is driven by this table.
 */
export type TrackNumber = 1 | 2 | 3;

/** Something per track, for the tracks a reader delivers. */
export type TrackData<T> = Partial<Record<TrackNumber, T>>;

export interface TrackFormat {
  readonly track: TrackNumber;
  /** Data bits per character, not counting the odd parity bit. */
  readonly dataBits: 6 | 4;
  /** ASCII of character value 0 (track 1: space 0x20; tracks 2/3: '0' 0x30). */
  readonly asciiOffset: number;
  readonly startSentinel: string;
  readonly endSentinel: string;
  /** Field separator (track 1 '^', tracks 2/3 '='). */
  readonly separator: string;
  /** Most characters the track may hold, sentinels and LRC included. */
  readonly maxChars: number;
  /** Bits per inch along the stripe. */
  readonly bitsPerInch: number;
}

export const TRACK_FORMATS: Readonly<Record<TrackNumber, TrackFormat>> = {
  1: { track: 1, dataBits: 6, asciiOffset: 0x20, startSentinel: '%', endSentinel: '?', separator: '^', maxChars: 79, bitsPerInch: 210 },
  2: { track: 2, dataBits: 4, asciiOffset: 0x30, startSentinel: ';', endSentinel: '?', separator: '=', maxChars: 40, bitsPerInch: 75 },
  3: { track: 3, dataBits: 4, asciiOffset: 0x30, startSentinel: ';', endSentinel: '?', separator: '=', maxChars: 107, bitsPerInch: 210 },
};

/** Bits a character occupies on the stripe: data bits plus the parity bit. */
export function bitsPerChar(format: TrackFormat): number {
  return format.dataBits + 1;
}

/** The character value (0..63 or 0..15) of an ASCII character, or undefined if the track cannot hold it. */
export function charValue(format: TrackFormat, char: string): number | undefined {
  const value = char.charCodeAt(0) - format.asciiOffset;
  return char.length === 1 && value >= 0 && value < 1 << format.dataBits ? value : undefined;
}

export function charFromValue(format: TrackFormat, value: number): string {
  return String.fromCharCode(value + format.asciiOffset);
}
