/**
 * The pure core of serial ASCII magstripe readers: their output lines -> one SwipeResult per swipe.
 *
 * Readers send each track as `%...?` (track 1), `;...?` (track 2, then track 3) or `+...?` (track 3),
 * one per CR-terminated line or several on one line, some framed by STX ... ETX, and `E` (bare or as
 * `%E?`, `;E?`) for a track they could not read. A swipe ends at ETX, once every expected track has
 * been reported, or when the shell calls endOfSwipe() after the line has been quiet a while.
 * Track 2 decides the result; a failed track 1 or 3 is left out. Track content never reaches a detail.
 */
import type { SwipeResult } from './card-read.js';
import { cardFromTracks, swipeError, type TrackTexts } from './card-from-tracks.js';
import { TRACK_FORMATS, charValue, type TrackNumber } from './track-format.js';

const STX = '\x02';
const ETX = '\x03';

type TrackReport = { kind: 'text'; content: string } | { kind: 'failed' } | { kind: 'malformed'; problem: string };

export interface ReaderOutputOptions {
  /** Tracks the reader is set up to send (default [1, 2]); a swipe is complete when all have arrived. */
  expectedTracks?: readonly TrackNumber[];
}

export class ReaderOutputAssembler {
  private readonly expectedTracks: readonly TrackNumber[];
  private reports = new Map<TrackNumber, TrackReport>();
  private strayText = false;
  private framed = false;

  constructor(options: ReaderOutputOptions = {}) {
    this.expectedTracks = options.expectedTracks ?? [1, 2];
    if (this.expectedTracks.length === 0 || this.expectedTracks.some((t) => ![1, 2, 3].includes(t))) {
      throw new RangeError('expectedTracks must list tracks 1, 2 or 3');
    }
  }

  /** True while part of a swipe has arrived. */
  get pending(): boolean {
    return this.reports.size > 0 || this.strayText || this.framed;
  }

  /** Feeds one line (without its CR); returns the swipes it completed. */
  acceptLine(line: string): SwipeResult[] {
    const results: SwipeResult[] = [];
    let at = 0;
    while (at < line.length) {
      const char = line[at]!;
      if (char === STX) {
        if (this.pending) results.push(this.finish());
        this.framed = true;
        at++;
      } else if (char === ETX) {
        if (this.pending) results.push(this.finish());
        at++;
      } else if (char === '%' || char === ';' || char === '+') {
        at = this.readField(line, at);
      } else if (char === 'E') {
        this.reports.set(this.nextUnreportedTrack(), { kind: 'failed' });
        at++;
      } else {
        // CR/LF remnants and the LRC some readers append after '?' carry nothing; other text is noted.
        if (!/[\s\x00-\x1f]/.test(char) && !(at > 0 && line[at - 1] === '?')) this.strayText = true;
        at++;
      }
    }
    if (!this.framed && this.pending && this.expectedTracks.every((t) => this.reports.has(t))) results.push(this.finish());
    return results;
  }

  /** The line went quiet: whatever arrived is the whole swipe. Undefined when nothing is pending. */
  endOfSwipe(): SwipeResult | undefined {
    return this.pending ? this.finish() : undefined;
  }

  private readField(line: string, start: number): number {
    const sentinel = line[start]!;
    const track: TrackNumber = sentinel === '%' ? 1 : sentinel === '+' || this.reports.has(2) ? 3 : 2;
    const end = line.indexOf('?', start + 1);
    if (end < 0) {
      this.reports.set(track, { kind: 'malformed', problem: `track ${track}: no end sentinel in the reader's output` });
      return line.length;
    }
    const content = line.slice(start + 1, end);
    if (content === 'E') {
      this.reports.set(track, { kind: 'failed' });
    } else {
      const format = TRACK_FORMATS[track];
      const bad = [...content].findIndex((c) => charValue(format, c) === undefined || c === format.startSentinel || c === format.endSentinel);
      this.reports.set(
        track,
        bad < 0
          ? { kind: 'text', content }
          : { kind: 'malformed', problem: `track ${track}: character ${bad + 1} is outside the track's character set` },
      );
    }
    return end + 1;
  }

  private nextUnreportedTrack(): TrackNumber {
    return this.expectedTracks.find((t) => !this.reports.has(t)) ?? ([1, 2, 3] as const).find((t) => !this.reports.has(t)) ?? 3;
  }

  private finish(): SwipeResult {
    const reports = this.reports;
    const strayText = this.strayText;
    this.reports = new Map();
    this.strayText = false;
    this.framed = false;

    const track2 = reports.get(2);
    if (!track2) {
      if (reports.get(1)?.kind === 'failed') return swipeError('reader-reported-error', 'reader reported track 1 failed and sent no track 2');
      if (strayText) return swipeError('bad-format', "unrecognised text in the reader's output");
      return swipeError('no-data', "no track 2 in the reader's output");
    }
    if (track2.kind === 'failed') return swipeError('reader-reported-error', 'reader reported track 2 failed');
    if (track2.kind === 'malformed') return swipeError('bad-format', track2.problem);

    const texts: TrackTexts = { track2: track2.content };
    const track1 = reports.get(1);
    if (track1?.kind === 'text') texts.track1 = track1.content;
    const track3 = reports.get(3);
    if (track3?.kind === 'text') texts.track3 = track3.content;
    // Readers decode both directions themselves and do not say which; report the reading order.
    return cardFromTracks(texts, 'forward');
  }
}
