/**
 * The host simulator's acquirer and issuer behind a HostLink in the same process, so a simulated
 * day runs on the virtual clock with no sockets. Each of the simulator's fault kinds is turned into
 * what the terminal's TCP link would report for it (see firmware/host/tcp-host-link.ts): the issuer
 * always applies the request first, only the way back is spoiled.
 *
 * Power can be cut at the three message boundaries: the request lost on its way (the power went
 * before it reached the issuer, which never sees it), after the host applied it, and after the
 * response arrived back at the terminal (before the terminal could act on it).
 *
 * Beyond the simulator's own fault kinds, two the harness adds: `lost` (the request never reaches
 * the issuer; the terminal hears nothing) and the answers a 0400 can get (`reversal-12`, `-25`:
 * reversed at the issuer, answered with that code; `reversal-96`, `-A0`, `-05`: not reversed,
 * answered with that code). A bad MAC and silence on a 0400 are `wrong-mac` and `drop`.
 */
import { Acquirer, signResponse, type Handled, type SettlementOutcome } from '../../../tools/host-sim/acquirer.js';
import { loadCardFile, type CardAccount } from '../../../tools/host-sim/card-file.js';
import { FAULT_KINDS, FaultPlan, type FaultKind } from '../../../tools/host-sim/fault-plan.js';
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

export type MessageBoundary = 'request-lost' | 'host-applied' | 'response-arrived';
export const MESSAGE_BOUNDARIES: readonly MessageBoundary[] = ['request-lost', 'host-applied', 'response-arrived'];

/** How the host answers a 0400 besides 00: 12 and 25 clear it (R4), the others do not. */
export const REVERSAL_ANSWERS = ['reversal-12', 'reversal-25', 'reversal-96', 'reversal-A0', 'reversal-05'] as const;
export type ReversalAnswer = (typeof REVERSAL_ANSWERS)[number];
/** Every fault the simulated host can put on a request. */
/** unreachable: the connection is refused, nothing leaves the terminal (not a try for a reversal). */
export type SimFault = FaultKind | 'lost' | 'unreachable' | ReversalAnswer;
export const SIM_FAULT_KINDS: readonly SimFault[] = [...FAULT_KINDS, 'lost', 'unreachable', ...REVERSAL_ANSWERS];
const CLEARING_ANSWERS = new Set(['00', '12', '25']);

/** One request as the terminal handed it to the link (STAN use is checked on these). */
export interface SentRequest {
  mti: string;
  stan: string | undefined;
  /** For a 0400: the batch of the transaction it reverses (F60.2). */
  batch: string | undefined;
  fault: SimFault | undefined;
  /** The issuer saw it (false: lost on the way). */
  reachedHost: boolean;
  /** F39 of a response the terminal received intact and matched to this request (undefined: none did). */
  deliveredCode?: string;
  /** A 0500: how the host's books compared with the terminal's. */
  settlement?: SettlementOutcome;
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
  /** Harness faults (`lost`, 0400 answers) by request index, consumed as requests come. */
  private readonly simFaults = new Map<number, SimFault>();
  /** 0400 answers for the next reversals, whatever their index (consumed in order). */
  private readonly reversalAnswers: ReversalAnswer[] = [];
  /** Every harness fault applied, in order. */
  readonly simFaultsApplied: { kind: SimFault; index: number }[] = [];
  private readonly security;
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
    this.security = firmwareSecurity(rng);
    this.acquirer = new Acquirer({ issuer: this.issuer, security: this.security, masterKey: MASTER_KEY, terminals: DEFAULT_TERMINALS, now, profile });
  }

  /** Cuts the terminal's power at `at` of request number `request` (0-based over the host's life). */
  armCut(request: number, at: MessageBoundary): void {
    this.cut = { request, at };
  }

  disarmCut(): void {
    this.cut = undefined;
  }

  /** Puts `kind` on request number `index` (the simulator's kinds go to its fault plan). */
  addFault(kind: SimFault, index: number): void {
    if ((FAULT_KINDS as readonly string[]).includes(kind)) this.faults.add({ kind: kind as FaultKind, requestIndex: index });
    else if ((REVERSAL_ANSWERS as readonly string[]).includes(kind)) this.reversalAnswers.push(kind as ReversalAnswer);
    else this.simFaults.set(index, kind);
  }

  clearFaults(): void {
    this.faults.clear();
    this.simFaults.clear();
    this.reversalAnswers.length = 0;
  }

  /** Faults applied so far, by kind (the simulator's and the harness's). */
  faultsByKind(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const f of [...this.faults.applied, ...this.simFaultsApplied]) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    return counts;
  }

  get requestCount(): number {
    return this.sent.length;
  }

  /** Told of every request as it leaves the terminal (the oracle reads the flash then). */
  onRequest: ((mti: string, stan: string | undefined) => void) | undefined;

  async exchange(request: IsoMessage, options?: { timeoutMs?: number }): Promise<HostExchangeResult> {
    const index = this.sent.length;
    if (this.simFaults.get(index) === 'unreachable') {
      this.simFaults.delete(index);
      this.simFaultsApplied.push({ kind: 'unreachable', index });
      throw new HostError('unreachable', false, 'scripted: connection refused');
    }
    this.onRequest?.(request.mti, getString(request, 11));
    const wire = this.framer.pack(request);
    const received = new FrameDeframer().push(wire)[0]!;
    const answer = request.mti === '0400' ? this.reversalAnswers.shift() : undefined;
    const simFault: SimFault | undefined = answer ?? (this.simFaults.get(index) === 'lost' ? 'lost' : undefined);
    this.simFaults.delete(index);
    const fault = simFault ? undefined : this.faults.decide({ index, mti: request.mti, stan: getString(request, 11), terminalId: getString(request, 41) });
    if (simFault) this.simFaultsApplied.push({ kind: simFault, index });
    const lostOnTheWay = simFault === 'lost' || this.cutHere(index, 'request-lost');
    const sent: SentRequest = { mti: request.mti, stan: getString(request, 11), batch: getString(request, 60)?.slice(2, 8), fault: simFault ?? fault?.kind, reachedHost: !lostOnTheWay };
    this.sent.push(sent);
    const timeoutMs = options?.timeoutMs ?? 60_000;
    if (lostOnTheWay) {
      if (simFault !== 'lost') throw new PowerCut(0);
      throw this.timeout(timeoutMs, 'the request never reached the host');
    }
    const hostStart = process.cpuUsage();
    const onHost = this.framer.unpack(received).message;
    const handled: Pick<Handled, 'response' | 'responseBody' | 'settlement'> = answer ? this.answerReversal(onHost, received.body, answer) : this.acquirer.handle(onHost, received.body);
    const hostCpu = process.cpuUsage(hostStart);
    this.hostCpuMicros += hostCpu.user + hostCpu.system;
    if (handled.settlement) sent.settlement = handled.settlement;
    if (this.cutHere(index, 'host-applied')) throw new PowerCut(0);
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
      case 'wrong-mac':
        // What a failed MAC guards against: a response that did not come from the host as sent. It
        // carries the outcome the issuer did not give, so a terminal that acts on it without its MAC
        // records an approval the issuer never made, or a decline of a debit that stands.
        result = this.deliver(request, this.tamperedResponse(handled.response, response));
        break;
      case 'other-stan':
        // Only a response to another STAN comes, properly MACed and with the opposite outcome: a
        // terminal that took it for its own would record the wrong outcome, which the ledger shows.
        result = this.deliver(request, this.foreignResponse(handled.response));
        if (!(result instanceof HostError)) break;
        result = new HostError('timeout', true, 'only a response for another STAN came (discarded)');
        break;
    }
    if (result instanceof HostError) {
      if (result.kind === 'timeout') this.clock.advance(timeoutMs);
      if (this.cutHere(index, 'response-arrived')) throw new PowerCut(0);
      throw result;
    }
    if (this.cutHere(index, 'response-arrived')) throw new PowerCut(0);
    if (fault?.kind !== 'wrong-mac' && fault?.kind !== 'garble') sent.deliveredCode = getString(result.message, 39);
    return result;
  }

  /** The 0400 answered with `answer`'s code: reversed at the issuer first when the code clears it. */
  private answerReversal(request: IsoMessage, body: Uint8Array, answer: ReversalAnswer): Pick<Handled, 'response' | 'responseBody'> {
    const code = answer.slice('reversal-'.length);
    const terminalId = getString(request, 41) ?? '';
    const handled: Pick<Handled, 'response' | 'responseBody'> = CLEARING_ANSWERS.has(code)
      ? this.acquirer.handle(request, body)
      : { response: { mti: '0410', fields: echoOf(request) } };
    if (!handled.response) return handled;
    const response: IsoMessage = { mti: handled.response.mti, fields: { ...handled.response.fields, 39: code } };
    return { response, responseBody: signResponse(response, this.acquirer.macKey(terminalId), this.security) };
  }

  /** The response with F11 + 1 and the opposite outcome, signed with the terminal's MAC key. */
  private foreignResponse(response: IsoMessage): Uint8Array {
    const foreign = withOppositeOutcome(response);
    foreign.fields[11] = String((Number(getString(response, 11) ?? 0) + 1) % 1_000_000).padStart(6, '0');
    const macKey = response.fields[64] ? this.acquirer.macKey(getString(response, 41) ?? '') : undefined;
    return signResponse(foreign, macKey, this.security);
  }

  /**
   * The response with the opposite outcome and a MAC that does not verify. A response without a
   * MAC (sign-in) only has its last byte spoiled, as a line fault would.
   */
  private tamperedResponse(response: IsoMessage, body: Uint8Array): Uint8Array {
    if (!response.fields[64]) {
      const spoiled = body.slice();
      spoiled[spoiled.length - 1]! ^= 0xff;
      return spoiled;
    }
    const tampered = signResponse(withOppositeOutcome(response), this.acquirer.macKey(getString(response, 41) ?? ''), this.security);
    tampered[tampered.length - 1]! ^= 0xff;
    return tampered;
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

/**
 * The same response with the other outcome: an approval becomes a 05 without an authorization code,
 * anything else a 00 with one (an issuer's decline never carries one: DIALECT.md).
 */
function withOppositeOutcome(response: IsoMessage): IsoMessage {
  const fields = { ...response.fields };
  if (getString(response, 39) === '00') {
    fields[39] = '05';
    delete fields[38];
  } else {
    fields[39] = '00';
    fields[38] = '000001';
  }
  return { mti: response.mti, fields };
}

/** Request fields a 0410 carries back (as the acquirer echoes them). */
function echoOf(request: IsoMessage): IsoMessage['fields'] {
  const out: IsoMessage['fields'] = {};
  for (const f of [2, 3, 4, 11, 14, 22, 25, 41, 42, 49, 60, 61]) if (request.fields[f] !== undefined) out[f] = request.fields[f];
  return out;
}
