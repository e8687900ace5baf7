/**
 * A serial ASCII magstripe reader: a swipe makes it send each track line as the common modules do,
 * `%B...?` CR `;...?` CR, optionally framed by STX ... ETX, and `%E?` / `;E?` for a track it could
 * not read. Tests swipe cards (or garbled variants: a flipped character, a missing end sentinel,
 * a failed track) and the bytes come out paced at the reader's baud.
 */
import type { PeripheralSide, SerialPeripheral } from './uart-line.js';

export interface MagstripeReaderOptions {
  /** Frame each swipe with STX (0x02) ... ETX (0x03). */
  stx?: boolean;
}

export interface SwipeTracks {
  /** Track 1 content without sentinels, e.g. 'B4352378366824999^TEST/CARD^05102011000088200882000000'. */
  track1?: string;
  /** Track 2 content without sentinels, e.g. '4352378366824999=051020110000882'. */
  track2?: string;
  track3?: string;
}

export type SwipeVariant =
  | { kind: 'clean' }
  /** One character of track 2 replaced by a wrong digit (a read error the reader did not catch). */
  | { kind: 'garbled-character'; position?: number }
  /** Track 2's end sentinel lost. */
  | { kind: 'no-end-sentinel' }
  /** The reader reports the track as failed (`E`). */
  | { kind: 'track-failed'; track: 1 | 2 | 3 };

export class SerialMagstripeReaderModel implements SerialPeripheral {
  /** Bytes the host sent to the reader (most readers ignore them). */
  readonly received: number[] = [];
  swipes = 0;
  private output: PeripheralSide | undefined;

  constructor(readonly options: MagstripeReaderOptions = {}) {}

  /** Connects the reader's transmit side (what `UartLine.connect` or a host port returns). */
  attach(output: PeripheralSide): void {
    this.output = output;
  }

  receive(bytes: number[]): void {
    this.received.push(...bytes);
  }

  /** The exact text a swipe sends (without pacing). */
  swipeText(tracks: SwipeTracks, variant: SwipeVariant = { kind: 'clean' }): string {
    if (!tracks.track1 && !tracks.track2 && !tracks.track3) throw new Error('a swipe needs at least one track');
    const fields: string[] = [];
    const field = (n: 1 | 2 | 3, start: string, content: string | undefined) => {
      if (content === undefined) return;
      if (variant.kind === 'track-failed' && variant.track === n) {
        fields.push(`${start}E?`);
        return;
      }
      let text = content;
      if (n === 2 && variant.kind === 'garbled-character') {
        const at = Math.min(variant.position ?? Math.floor(text.length / 2), text.length - 1);
        const wrong = text[at] === '7' ? '3' : '7';
        text = text.slice(0, at) + wrong + text.slice(at + 1);
      }
      const end = n === 2 && variant.kind === 'no-end-sentinel' ? '' : '?';
      fields.push(`${start}${text}${end}`);
    };
    field(1, '%', tracks.track1);
    field(2, ';', tracks.track2);
    field(3, ';', tracks.track3);
    const body = fields.join('\r');
    return this.options.stx ? `\x02${body}\x03\r` : `${body}\r`;
  }

  /** A card passes the head: the reader sends its lines. */
  swipe(tracks: SwipeTracks, variant: SwipeVariant = { kind: 'clean' }): void {
    if (!this.output) throw new Error('the reader is not connected to a serial line');
    const text = this.swipeText(tracks, variant);
    this.swipes++;
    this.output.send([...Buffer.from(text, 'latin1')]);
  }

  /** Raw bytes, for line noise and reader-specific oddities. */
  sendRaw(bytes: readonly number[]): void {
    if (!this.output) throw new Error('the reader is not connected to a serial line');
    this.output.send(bytes);
  }
}
