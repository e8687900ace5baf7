/**
 * An independent magstripe swipe generator for bench:magstripe, written from the standards rather
 * than from the firmware's tables (it imports nothing from firmware/drivers/magstripe), so a shared
 * mistake cannot make the encoder and the decoder agree with each other and nobody else.
 *
 * Sources (public abstracts of ISO/IEC 7811-2/-6 and ISO/IEC 7813, read 2026-11-30):
 * - http://www.cyberd.co.uk/support/SCRKBD/isocrd1.htm — 210/75/210 bpi; 7- and 5-bit characters
 *   including parity; sentinels: track 1 SS 05h ('%'), ES 1Fh ('?'); track 2 SS 0Bh (';'),
 *   FS 0Dh ('='), ES 0Fh ('?'): i.e. track 1 value = ASCII - 0x20, tracks 2/3 value = ASCII - 0x30.
 * - https://arrowinks.com/magnetic-encoding-type — character parity odd, LRC parity even, start
 *   sentinel 0.293 in (7.4 mm) from the card edge; a preamble of zeros before the start sentinel.
 * - /work/shared/reference/hardware.md — data LSB first; F2F (Aiken biphase): a flux transition at
 *   every bit edge and one more mid-bit for a 1; swipes 13-150 cm/s.
 * The LRC is the even-parity (XOR) of every data bit position from the start sentinel through the
 * end sentinel, followed by its own odd parity bit, as both sources state.
 *
 * Motion: the card moves past the head at a speed that drifts within the swipe — each of five
 * evenly spaced control points along the card is the starting speed times a factor in
 * [1 - drift, 1 + drift], linear between them — and each flux transition lands up to +/- jitter of
 * a bit cell from its ideal place (bit-to-bit jitter: adjacent cells differ by up to 2 * jitter).
 */
import type { SeededRandom } from '../../firmware/hal/seeded-random.js';

export interface Iso7811Track {
  bitsPerInch: number;
  /** Data bits per character, parity excluded. */
  dataBits: number;
  /** ASCII code of character value 0. */
  asciiOffset: number;
  startSentinel: string;
  endSentinel: string;
}

export const ISO7811_TRACKS: Record<1 | 2 | 3, Iso7811Track> = {
  1: { bitsPerInch: 210, dataBits: 6, asciiOffset: 0x20, startSentinel: '%', endSentinel: '?' },
  2: { bitsPerInch: 75, dataBits: 4, asciiOffset: 0x30, startSentinel: ';', endSentinel: '?' },
  3: { bitsPerInch: 210, dataBits: 4, asciiOffset: 0x30, startSentinel: ';', endSentinel: '?' },
};

/** ISO 7810 ID-1 card length, and where the start sentinel begins (ISO 7811). */
export const CARD_INCHES = 3.375;
const START_SENTINEL_INCHES = 0.293;
/** Nothing is recorded this close to either edge. */
const EDGE_MARGIN_INCHES = 0.03;

function characterBits(track: Iso7811Track, char: string): number[] {
  const value = char.charCodeAt(0) - track.asciiOffset;
  if (char.length !== 1 || value < 0 || value >= 1 << track.dataBits) {
    throw new RangeError(`"${char}" is not in this track's character set`);
  }
  const bits: number[] = [];
  for (let b = 0; b < track.dataBits; b++) bits.push((value >> b) & 1);
  bits.push(bits.reduce((a, bit) => a + bit, 0) % 2 === 0 ? 1 : 0);
  return bits;
}

/** The recorded bits from the start sentinel through the LRC, for the data between the sentinels. */
export function iso7811DataBits(track: Iso7811Track, data: string): number[] {
  const chars = [...`${track.startSentinel}${data}${track.endSentinel}`].map((char) => characterBits(track, char));
  const lrc: number[] = [];
  for (let b = 0; b < track.dataBits; b++) lrc.push(chars.reduce((x, bits) => x ^ bits[b]!, 0));
  lrc.push(lrc.reduce((a, bit) => a + bit, 0) % 2 === 0 ? 1 : 0);
  return [...chars.flat(), ...lrc];
}

/** Flux transition positions (inches from the card's leading edge, ideal) for one track's recording. */
export function iso7811FluxPositions(track: Iso7811Track, data: string): { positions: number[]; cellInches: number } {
  const cell = 1 / track.bitsPerInch;
  const leading = Math.floor((START_SENTINEL_INCHES - EDGE_MARGIN_INCHES) / cell);
  const dataBits = iso7811DataBits(track, data);
  const firstCell = START_SENTINEL_INCHES - leading * cell;
  const cells = Math.floor((CARD_INCHES - EDGE_MARGIN_INCHES - firstCell) / cell);
  if (cells < leading + dataBits.length + 8) throw new RangeError('the data does not fit on the card');
  const positions: number[] = [];
  for (let c = 0; c < cells; c++) {
    const bit = c >= leading && c < leading + dataBits.length ? dataBits[c - leading]! : 0;
    positions.push(firstCell + c * cell);
    if (bit === 1) positions.push(firstCell + (c + 0.5) * cell);
  }
  positions.push(firstCell + cells * cell);
  return { positions, cellInches: cell };
}

export interface Iso7811Motion {
  direction: 'forward' | 'backward';
  startCmPerS: number;
  /** Speed drift within the swipe, as a fraction of the starting speed (0.5: +/-50%). */
  drift: number;
  /** Largest displacement of a flux transition, as a fraction of a bit cell (0.2: +/-20%). */
  jitter: number;
  random: SeededRandom;
}

/** A speed profile along the card and the time at which the head meets a point of the card. */
function timeAlongCard(motion: Iso7811Motion): (inches: number) => number {
  const points = [motion.startCmPerS];
  for (let i = 1; i < 5; i++) points.push(motion.startCmPerS * (1 + (motion.random.next() * 2 - 1) * motion.drift));
  const steps = 2000;
  const step = CARD_INCHES / steps;
  const speedAt = (travelled: number): number => {
    const x = (travelled / CARD_INCHES) * (points.length - 1);
    const i = Math.min(points.length - 2, Math.floor(x));
    return (points[i]! + (points[i + 1]! - points[i]!) * (x - i)) / 2.54; // inches per second
  };
  // Seconds to travel each step, by the midpoint rule; cumulative, in microseconds.
  const cumulative = new Float64Array(steps + 1);
  for (let s = 0; s < steps; s++) cumulative[s + 1] = cumulative[s]! + (step / speedAt((s + 0.5) * step)) * 1e6;
  return (inches: number) => {
    const travelled = motion.direction === 'forward' ? inches : CARD_INCHES - inches;
    const x = Math.min(steps, Math.max(0, travelled / step));
    const s = Math.min(steps - 1, Math.floor(x));
    return cumulative[s]! + (cumulative[s + 1]! - cumulative[s]!) * (x - s);
  };
}

/** Per-track transition times (microseconds) as the head meets them, all tracks on one motion. */
export function iso7811SwipeEdges(tracks: Partial<Record<1 | 2 | 3, string>>, motion: Iso7811Motion): Partial<Record<1 | 2 | 3, Float64Array>> {
  if (!(motion.jitter >= 0 && motion.jitter < 0.25)) throw new RangeError('jitter must be in [0, 0.25): transitions would reorder');
  if (!(motion.drift >= 0 && motion.drift < 1)) throw new RangeError('drift must be in [0, 1)');
  const timeAt = timeAlongCard(motion);
  const out: Partial<Record<1 | 2 | 3, Float64Array>> = {};
  for (const number of [1, 2, 3] as const) {
    const data = tracks[number];
    if (data === undefined) continue;
    const { positions, cellInches } = iso7811FluxPositions(ISO7811_TRACKS[number], data);
    const times = positions.map((p) => timeAt(p + (motion.random.next() * 2 - 1) * motion.jitter * cellInches));
    times.sort((a, b) => a - b);
    out[number] = Float64Array.from(times, (t) => t - times[0]!);
  }
  return out;
}
