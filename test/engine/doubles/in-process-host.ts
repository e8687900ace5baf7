/**
 * A HostLink that hands each request to the host simulator's Acquirer in the same process: the
 * request is encoded with the real codec (so MACs cover real bytes), the response decoded back.
 * `faults` scripts what happens to the next exchanges: drop the request before the host sees it,
 * or apply it and lose the response (the 单边帐 case a reversal must repair).
 */
import { Acquirer, signResponse } from '../../../tools/host-sim/acquirer.js';
import { loadCardFile, type CardAccount } from '../../../tools/host-sim/card-file.js';
import { Issuer } from '../../../tools/host-sim/issuer.js';
import { IssuerLedger } from '../../../tools/host-sim/issuer-ledger.js';
import { firmwareSecurity } from '../../../tools/host-sim/sim-security.js';
import type { HostProfile } from '../../../tools/host-sim/strict-cup.js';
import { DEFAULT_TERMINALS, TEST_TERMINAL_MASTER_KEY_HEX } from '../../../tools/host-sim/terminals.js';
import { PowerCut } from '../../../firmware/drivers/flash/flash-device.js';
import { SeededRandom } from '../../../firmware/hal/seeded-random.js';
import { HostError, type HostLink } from '../../../firmware/host/host-link.js';
import type { HostExchangeResult } from '../../../firmware/iso8583/received-message.js';
import { decodeMessage, encodeMessage } from '../../../firmware/iso8583/codec.js';
import type { IsoMessage } from '../../../firmware/iso8583/message.js';

/**
 * unreachable: refused, nothing left · drop: sent but never reached the host (timeout) ·
 * lose-response: applied by the host, response lost (timeout) · wrong-mac: response MAC corrupted ·
 * power-cut: the terminal loses power as the request is about to leave (it never does) ·
 * amount-times-ten: the host approves, and its MAC-valid response echoes ten times the amount ·
 * unsigned-decline: the host approves, and the response arrives without F64 and with F39 = 51 ·
 * approval-reads-as-decline: the host approves, and its response arrives MAC-valid with F39 = 20 and
 * the approval's F38 (what two same-bit flips 8n bytes apart do under the CUP ECB MAC: soak seed 1).
 */
export type ExchangeFault = 'unreachable' | 'drop' | 'lose-response' | 'wrong-mac' | 'power-cut' | 'amount-times-ten' | 'unsigned-decline' | 'approval-reads-as-decline';

export const MASTER_KEY = Uint8Array.from(Buffer.from(TEST_TERMINAL_MASTER_KEY_HEX, 'hex'));

export class InProcessHost implements HostLink {
  readonly ledger = new IssuerLedger();
  readonly issuer: Issuer;
  readonly acquirer: Acquirer;
  readonly cards: CardAccount[];
  readonly requests: IsoMessage[] = [];
  readonly faults: ExchangeFault[] = [];
  /** Called after the host applied a request, before the response travels (power-cut point). */
  afterApply: ((request: IsoMessage) => void) | undefined;

  private readonly security;

  /** The engine's tests face the demanding acquirer (strict-cup) unless told otherwise. */
  constructor(now: () => Date, seed = 1, profile: HostProfile = 'strict-cup') {
    const rng = new SeededRandom(seed);
    this.security = firmwareSecurity(rng);
    this.cards = loadCardFile();
    let rrn = 0;
    this.issuer = new Issuer(this.cards, this.ledger, {
      nextRrn: () => String(++rrn).padStart(12, '0'),
      nextAuthCode: () => String(rng.int(0, 999999)).padStart(6, '0'),
    }, now);
    this.acquirer = new Acquirer({ issuer: this.issuer, security: this.security, masterKey: MASTER_KEY, terminals: DEFAULT_TERMINALS, now, profile });
  }

  /** While set, exchanges wait for it (a slow host: the test acts while a request is out). */
  gate: Promise<void> | undefined;

  async exchange(request: IsoMessage): Promise<HostExchangeResult> {
    if (this.gate) await this.gate;
    const fault = this.faults.shift();
    if (fault === 'unreachable') throw new HostError('unreachable', false, 'scripted: connection refused');
    if (fault === 'power-cut') throw new PowerCut(0);
    if (fault === 'drop') throw new HostError('timeout', true, 'scripted: request lost on the way');
    const body = encodeMessage(request);
    const decoded = decodeMessage(body);
    this.requests.push(decoded);
    const handled = this.acquirer.handle(decoded, body);
    this.afterApply?.(decoded);
    if (fault === 'lose-response' || !handled.responseBody) throw new HostError('timeout', true, 'scripted: no response');
    let responseBody: Uint8Array = handled.responseBody.slice();
    if (fault === 'amount-times-ten' && handled.response) {
      const response = { ...handled.response, fields: { ...handled.response.fields } };
      response.fields[4] = String(Number(response.fields[4]) * 10).padStart(12, '0');
      responseBody = signResponse(response, this.acquirer.macKey(String(decoded.fields[41])), this.security);
    }
    if (fault === 'approval-reads-as-decline' && handled.response) {
      const response = { ...handled.response, fields: { ...handled.response.fields, 39: '20' } };
      responseBody = signResponse(response, this.acquirer.macKey(String(decoded.fields[41])), this.security);
    }
    if (fault === 'unsigned-decline' && handled.response) {
      responseBody = signResponse({ ...handled.response, fields: { ...handled.response.fields, 39: '51' } }, undefined, this.security);
    }
    if (fault === 'wrong-mac' && handled.response?.fields[64] !== undefined) responseBody[responseBody.length - 1]! ^= 0xff;
    return { message: decodeMessage(responseBody), body: responseBody };
  }

  async close(): Promise<void> {}
}
