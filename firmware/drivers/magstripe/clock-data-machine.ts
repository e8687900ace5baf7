/**
 * The pure core of TTL clock/data magstripe readers (/CLS, /RCL, /RDT per track, all active low).
 * /CLS falling starts a swipe; on every falling edge of a track's /RCL the machine samples that
 * track's /RDT (low = 1); /CLS rising ends the swipe and the bits go through the track decoder.
 * A pin's first reported level is where it stands, not an edge (Firmata reports a port's pins as
 * they are configured, before every pull-up is on). A /CLS pulse without a strobe is not a swipe.
 * Fed pin levels as they change; holds no timers and touches no pins.
 */
import type { PinValue } from '../../hal/io-plugin.js';
import type { SwipeResult } from './card-read.js';
import { decodeSwipeBits } from './swipe-decoder.js';
import type { TrackData, TrackNumber } from './track-format.js';

/** More bits than any track holds (track 1: 79 characters of 7 bits plus clocking zeros). */
const MAX_BITS_PER_TRACK = 2048;

export class ClockDataSwipeMachine {
  private cardLoadLevel: PinValue | undefined;
  private cardPresent = false;
  private readonly data = new Map<TrackNumber, PinValue | undefined>();
  private readonly strobe = new Map<TrackNumber, PinValue | undefined>();
  private bits = new Map<TrackNumber, number[]>();

  constructor(private readonly tracks: readonly TrackNumber[]) {
    if (tracks.length === 0 || new Set(tracks).size !== tracks.length || tracks.some((t) => ![1, 2, 3].includes(t))) {
      throw new RangeError('a clock/data reader needs one or more distinct tracks of 1, 2, 3');
    }
    for (const track of tracks) {
      this.data.set(track, undefined);
      this.strobe.set(track, undefined);
    }
  }

  /** /CLS changed. Returns the swipe's result when the card has left (rising edge) after strobes. */
  cardLoad(level: PinValue): SwipeResult | undefined {
    const previous = this.cardLoadLevel;
    this.cardLoadLevel = level;
    if (previous === 1 && level === 0 && !this.cardPresent) {
      this.cardPresent = true;
      this.bits = new Map(this.tracks.map((track) => [track, []]));
      return undefined;
    }
    if (previous === 0 && level === 1 && this.cardPresent) {
      this.cardPresent = false;
      const collected: TrackData<number[]> = {};
      let strobes = 0;
      for (const [track, bits] of this.bits) {
        collected[track] = bits;
        strobes += bits.length;
      }
      this.bits = new Map();
      return strobes === 0 ? undefined : decodeSwipeBits(collected);
    }
    return undefined;
  }

  /** /RDT of `track` changed. */
  readData(track: TrackNumber, level: PinValue): void {
    this.known(track);
    this.data.set(track, level);
  }

  /** /RCL of `track` changed; a falling edge during a swipe samples /RDT. */
  readClock(track: TrackNumber, level: PinValue): void {
    this.known(track);
    const falling = this.strobe.get(track) === 1 && level === 0;
    this.strobe.set(track, level);
    if (!falling || !this.cardPresent) return;
    const bits = this.bits.get(track)!;
    if (bits.length < MAX_BITS_PER_TRACK) bits.push(this.data.get(track) === 0 ? 1 : 0);
  }

  private known(track: TrackNumber): void {
    if (!this.data.has(track)) throw new RangeError(`track ${track} is not wired on this reader`);
  }
}
