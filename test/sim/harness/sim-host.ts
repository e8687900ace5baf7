/**
 * The host simulator's acquirer and issuer behind a HostLink in the same process, so a simulated
 * day runs on the virtual clock with no sockets. Each of the simulator's fault kinds is turned into
 * what the terminal's TCP link would report for it (see firmware/host/tcp-host-link.ts): the issuer
 * always applies the request first, only the way back is spoiled.
 *
 * Power can be cut at the three message boundaries: after the request left the terminal (the host
 * still gets it and applies it, as it would over TCP), after the host applied it, and after the
 * response arrived back at the terminal (before the terminal could act on it).
 */
import { Acquirer } from '../../../tools/host-sim/acquirer.js';
import { loadCardFile, type CardAccount } from '../../../tools/host-sim/card-file.js';
import { FaultPlan, type FaultKind } from '../../../tools/host-sim/fault-plan.js';
import { Issuer } from '../../../tools/host-sim/issuer.js';
import { IssuerLedger } from '../../../tools/host-sim/issuer-ledger.js';
import { firmwareSecurity } from '../../../tools/host-sim/sim-security.js';
import type { HostProfile } from '../../../tools/host-sim/strict-cup.js';
import { DEFAULT_TERMINALS, TEST_TERMINAL_MASTER_KEY_HEX } from '../../../tools/host-sim/terminals.js';
import { PowerCut } from '../../../firmware/drivers/flash/flash-device.js';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import type { VirtualClock } from '../../../firmware/hal/clock.js';
import { cupMessageFramer, DEFAULT_HEADER, DEFAULT_TPDU } from '../../../firmware/host/cup-message-framer.js';
import { HostError, type HostLink } from '../../../firmware/host/host-link.js';
import type { HostExchangeResult } from '../../../firmware/iso8583/received-message.js';
import { matchResponse } from '../../../firmware/host/response-matching.js';
import { frame, FrameDeframer, responseTpdu } from '../../../firmware/iso8583/framing.js';
import { getString, type IsoMessage } from '../../../firmware/iso8583/message.js';

export const MASTER_KEY = Uint8Array.from(Buffer.from(TEST_TERMINAL_MASTER_KEY_HEX, 'hex'));
export const TERMINAL_ID = DEFAULT_TERMINALS[0]!.terminalId;

export type MessageBoundary = 'request-left' | 'host-applied' | 'response-arrived';
export const MESSAGE_BOUNDARIES: readonly MessageBoundary[] = ['request-left', 'host-applied', 'response-arrived'];

/** One request as the terminal handed it to the link (STAN use is checked on these). */
export interface SentRequest {
  mti: string;
  stan: string | undefined;
  /** For a 0400: the batch of the transaction it reverses (F60.2). */
  batch: string | undefined;
  fault: FaultKind | undefined;
}

export class SimHost implements HostLink {
  readonly ledger = new IssuerLedger();
  readonly issuer: Issuer;
  readonly acquirer: Acquirer;
  readonly cards: CardAccount[];
  /** Faults for the next requests, in order; undefined = a clean exchange. Consumed per request. */
  readonly faults = new FaultPlan();
  readonly sent: SentRequest[] = [];
  /** CPU time (µs) spent on the host's side (decoding requests, acquirer and issuer), for benchmarks. */
  hostCpuMicros = 0;
  /** Requests counted from 0 over the host's life; a cut is armed for one of them. */
  private cut: { request: number; at: MessageBoundary } | undefined;
  private readonly framer = cupMessageFramer();
  private readonly garbler: SeededRandom;

  constructor(
    private readonly clock: VirtualClock,
    seed: number,
    /** The whole-day run and the soak face the demanding acquirer by default (issue 11). */
    profile: HostProfile = 'strict-cup',
  ) {
    const rng = new SeededRandom(seed);
    this.garbler = new SeededRandom(seed ^ 0x5eed);
    this.cards = loadCardFile();
    let rrn = 0;
    const now = () => clock.wallTime();
    this.issuer = new Issuer(this.cards, this.ledger, {
      nextRrn: () => String(++rrn).padStart(12, '0'),
      nextAuthCode: () => String(rng.int(0, 999999)).padStart(6, '0'),
    }, now);
    this.acquirer = new Acquirer({ issuer: this.issuer, security: firmwareSecurity(rng), masterKey: MASTER_KEY, terminals: DEFAULT_TERMINALS, now, profile });
  }

  /** Cuts the terminal's power at `at` of request number `request` (0-based over the host's life). */
  armCut(request: number, at: MessageBoundary): void {
    this.cut = { request, at };
  }

  disarmCut(): void {
    this.cut = undefined;
  }

  get requestCount(): number {
    return this.sent.length;
  }

  async exchange(request: IsoMessage, options?: { timeoutMs?: number }): Promise<HostExchangeResult> {
    const index = this.sent.length;
    const wire = this.framer.pack(request);
    const received = new FrameDeframer().push(wire)[0]!;
    const fault = this.faults.decide({ index, mti: request.mti, stan: getString(request, 11), terminalId: getString(request, 41) });
    this.sent.push({ mti: request.mti, stan: getString(request, 11), batch: getString(request, 60)?.slice(2, 8), fault: fault?.kind });
    const hostStart = process.cpuUsage();
    const handled = this.acquirer.handle(this.framer.unpack(received).message, received.body);
    const hostCpu = process.cpuUsage(hostStart);
    this.hostCpuMicros += hostCpu.user + hostCpu.system;
    if (this.cutHere(index, 'request-left') || this.cutHere(index, 'host-applied')) throw new PowerCut(0);
    const timeoutMs = options?.timeoutMs ?? 60_000;
    if (!handled.responseBody || !handled.response) throw this.timeout(timeoutMs, 'the host closed the connection without an answer');
    const response = handled.responseBody;
    let result: HostExchangeResult | HostError;
    switch (fault?.kind) {
      case undefined:
      case 'duplicate': // the second copy is discarded as a duplicate
        result = this.deliver(request, response);
        break;
      case 'drop':
      case 'delay': // 65 s: past the response timeout, so the late answer is discarded
        result = new HostError('timeout', true, `scripted ${fault.kind}: no response within ${timeoutMs} ms`);
        break;
      case 'close-mid-response':
        result = new HostError('malformed', true, 'connection closed in the middle of a response');
        break;
      case 'garble':
        result = this.deliverGarbled(request, response);
        break;
      case 'wrong-mac': {
        const spoiled = response.slice();
        spoiled[spoiled.length - 1]! ^= 0xff;
        result = this.deliver(request, spoiled);
        break;
      }
      case 'other-stan':
        result = new HostError('timeout', true, 'only a response for another STAN came (discarded)');
        break;
    }
    if (result instanceof HostError) {
      if (result.kind === 'timeout') this.clock.advance(timeoutMs);
      if (this.cutHere(index, 'response-arrived')) throw new PowerCut(0);
      throw result;
    }
    if (this.cutHere(index, 'response-arrived')) throw new PowerCut(0);
    return result;
  }

  async close(): Promise<void> {}

  private cutHere(index: number, at: MessageBoundary): boolean {
    if (this.cut?.request !== index || this.cut.at !== at) return false;
    this.cut = undefined;
    return true;
  }

  private timeout(timeoutMs: number, detail: string): HostError {
    this.clock.advance(timeoutMs);
    return new HostError('timeout', true, detail);
  }

  /** The response through the terminal's framer and matcher, as the TCP link does it. */
  private deliver(request: IsoMessage, body: Uint8Array): HostExchangeResult | HostError {
    return this.unpackAndMatch(request, frameBody(body));
  }

  /** Three bit flips anywhere after the length prefix, as the simulator's garble fault does. */
  private deliverGarbled(request: IsoMessage, body: Uint8Array): HostExchangeResult | HostError {
    const wire = frameBody(body);
    for (let i = 0; i < 3; i++) wire[this.garbler.int(2, wire.length - 1)]! ^= 1 << this.garbler.int(0, 7);
    return this.unpackAndMatch(request, wire);
  }

  private unpackAndMatch(request: IsoMessage, wire: Uint8Array): HostExchangeResult | HostError {
    let result: HostExchangeResult;
    try {
      const received = new FrameDeframer().push(wire)[0];
      if (!received) return new HostError('malformed', true, 'connection closed in the middle of a response');
      result = this.framer.unpack(received);
    } catch (error) {
      return new HostError('malformed', true, `response does not decode: ${(error as Error).message}`);
    }
    if (!matchResponse(request, result.message).matches) return new HostError('timeout', true, 'only an unmatched response came (discarded)');
    return result;
  }
}

/** The response body in the envelope the acquirer answers with (TPDU source/destination swapped). */
function frameBody(body: Uint8Array): Uint8Array {
  return frame(body, { tpdu: responseTpdu(DEFAULT_TPDU), header: DEFAULT_HEADER });
}
