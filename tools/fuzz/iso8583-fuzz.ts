import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { FrameDeframer, frame } from '../../firmware/iso8583/framing.js';
import { Iso8583Error, type IsoMessage } from '../../firmware/iso8583/message.js';
import { randomMessage } from './iso8583-messages.js';

/**
 * The ISO 8583 fuzzer's pure core. Each iteration feeds the decoder random bytes, a mutation of a
 * valid message, or a mutated frame stream through the deframer. Outcomes:
 * - crash: anything thrown that is not an Iso8583Error, or an accepted input that does not
 *   re-encode to the very same bytes (the codec promises one encoding per value);
 * - hang: an iteration took longer than `hangMs` by the given clock, and decoding the same input
 *   again was still that slow on each of HANG_RETRIES tries (on a shared machine one slow run may
 *   be the scheduler; a decoder that loops is slow every time).
 */
export interface FuzzOptions {
  iterations: number;
  seed: number;
  hangMs?: number;
  /** Milliseconds; injectable so the hang accounting can be tested without timing. */
  now?: () => number;
  /** The decoder under test; injectable so that crash accounting can be tested. */
  decode?: (bytes: Uint8Array) => IsoMessage;
}

export interface FuzzReport {
  iterations: number;
  crashes: number;
  hangs: number;
  /** Inputs the decoder accepted (and that re-encoded byte for byte). */
  accepted: number;
  /** The first few failures, each with the input in hex, for replay. */
  failures: string[];
}

const CORPUS_SIZE = 64;
const MAX_REPORTED_FAILURES = 10;
const HANG_RETRIES = 3;
const TPDU = Uint8Array.of(0x60, 0x00, 0x03, 0x00, 0x00);
const HEADER = Uint8Array.of(0x60, 0x31, 0x00, 0x31, 0x13, 0x12);

export function fuzzIso8583(options: FuzzOptions): FuzzReport {
  const random = new SeededRandom(options.seed);
  const hangMs = options.hangMs ?? 50;
  const now = options.now ?? (() => performance.now());
  const decode = options.decode ?? decodeMessage;
  const corpus = Array.from({ length: CORPUS_SIZE }, () => encodeMessage(randomMessage(random)));
  const report: FuzzReport = { iterations: options.iterations, crashes: 0, hangs: 0, accepted: 0, failures: [] };
  const fail = (kind: string, input: Uint8Array, detail: string): void => {
    if (report.failures.length < MAX_REPORTED_FAILURES) {
      report.failures.push(`${kind}: ${detail} input=${Buffer.from(input).toString('hex')}`);
    }
  };

  for (let i = 0; i < options.iterations; i++) {
    const strategy = random.int(0, 9);
    const input = strategy === 0 ? random.bytes(random.int(0, 300)) : mutate(random, random.pick(corpus));
    const started = now();
    let outcome: string | undefined;
    try {
      if (strategy === 9) outcome = deframeAndDecode(random, input, decode);
      else outcome = decodeAndReencode(input, decode);
      if (outcome === undefined) report.accepted++;
    } catch (error) {
      if (!(error instanceof Iso8583Error)) outcome = `threw ${String(error)}`;
    }
    let elapsed = now() - started;
    if (outcome !== undefined) {
      report.crashes++;
      fail('crash', input, outcome);
    }
    for (let retry = 0; retry < HANG_RETRIES && elapsed > hangMs; retry++) {
      elapsed = Math.min(elapsed, timeDecode(input, decode, now));
    }
    if (elapsed > hangMs) {
      report.hangs++;
      fail('hang', input, `${elapsed.toFixed(1)} ms on each of ${HANG_RETRIES + 1} tries`);
    }
  }
  return report;
}

/** How long one more decode of `input` takes (its outcome was already judged). */
function timeDecode(input: Uint8Array, decode: (bytes: Uint8Array) => IsoMessage, now: () => number): number {
  const started = now();
  try {
    decode(input);
  } catch {
    // Only the time matters here.
  }
  return now() - started;
}

/** undefined when accepted and canonical; otherwise a description of the crash. */
function decodeAndReencode(input: Uint8Array, decode: (bytes: Uint8Array) => IsoMessage): string | undefined {
  const message = decode(input);
  let again: Uint8Array;
  try {
    again = encodeMessage(message);
  } catch (error) {
    return `accepted input does not re-encode: ${String(error)}`;
  }
  return Buffer.from(again).equals(Buffer.from(input)) ? undefined : 'accepted input re-encodes differently';
}

/** Frames the input, cuts the stream at random points (sometimes corrupting a length) and decodes what comes out. */
function deframeAndDecode(
  random: SeededRandom,
  input: Uint8Array,
  decode: (bytes: Uint8Array) => IsoMessage,
): string | undefined {
  const framed = frame(input, { tpdu: TPDU, header: HEADER });
  const stream = new Uint8Array(framed.length * 2);
  stream.set(framed, 0);
  stream.set(framed, framed.length);
  if (random.chance(0.3)) stream[random.int(0, stream.length - 1)] = random.int(0, 255);
  const deframer = new FrameDeframer();
  let at = 0;
  while (at < stream.length) {
    const next = Math.min(stream.length, at + random.int(1, 64));
    for (const f of deframer.push(stream.subarray(at, next))) {
      const crash = decodeAndReencode(f.body, decode);
      if (crash !== undefined) return crash;
    }
    at = next;
  }
  return undefined;
}

/** One to four random edits aimed at what a decoder trusts: lengths, bitmaps, nibbles, the end. */
function mutate(random: SeededRandom, original: Uint8Array): Uint8Array {
  let bytes: Uint8Array = original.slice();
  const edits = random.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = bytes.length === 0 ? 0 : random.int(0, bytes.length - 1);
    switch (random.int(0, 7)) {
      case 0: if (bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << random.int(0, 7)); break;
      case 1: if (bytes.length > 0) bytes[at] = random.int(0, 255); break;
      case 2: bytes = bytes.slice(0, random.int(0, bytes.length)); break;
      case 3: bytes = concat(bytes, random.bytes(random.int(1, 16))); break;
      case 4: bytes = concat(concat(bytes.slice(0, at), random.bytes(random.int(1, 8))), bytes.slice(at)); break;
      case 5: bytes = concat(bytes.slice(0, at), bytes.slice(Math.min(bytes.length, at + random.int(1, 8)))); break;
      case 6: if (bytes.length >= 10) bytes[random.int(2, 9)] = random.int(0, 255); break; // the bitmap
      case 7: if (bytes.length > 0) bytes[at] = random.pick([0x00, 0x99, 0x9a, 0xff, 0x10, 0x01]); break;
    }
  }
  return bytes;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
