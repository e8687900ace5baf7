import { getString, type IsoMessage } from '../iso8583/message.js';

/**
 * Which response belongs to which request. A response answers a request when its MTI is the
 * request's plus 10 (0200 -> 0210), and it carries the request's STAN (F11) and terminal id (F41).
 * Anything else on the wire is late (it answers an earlier request), duplicated or foreign, and must
 * never be applied to the request in flight.
 */

/** 0200 -> 0210, 0800 -> 0810; throws on an MTI that is not a request. */
export function responseMtiFor(requestMti: string): string {
  if (!/^\d{4}$/.test(requestMti)) throw new RangeError(`MTI must be four digits, got "${requestMti}"`);
  const fn = requestMti[2];
  if (fn !== '0' && fn !== '2') throw new RangeError(`MTI ${requestMti} is not a request (third digit must be 0 or 2)`);
  return requestMti.slice(0, 2) + String(Number(fn) + 1) + requestMti[3];
}

export type MatchVerdict =
  | { matches: true }
  | { matches: false; reason: 'wrong-mti' | 'wrong-stan' | 'wrong-terminal'; expected: string; got: string | undefined };

export function matchResponse(request: IsoMessage, response: IsoMessage): MatchVerdict {
  const expectedMti = responseMtiFor(request.mti);
  if (response.mti !== expectedMti) return { matches: false, reason: 'wrong-mti', expected: expectedMti, got: response.mti };
  const stan = getString(request, 11) ?? '';
  const gotStan = getString(response, 11);
  if (gotStan !== stan) return { matches: false, reason: 'wrong-stan', expected: stan, got: gotStan };
  const terminal = getString(request, 41) ?? '';
  const gotTerminal = getString(response, 41);
  if (gotTerminal !== terminal) return { matches: false, reason: 'wrong-terminal', expected: terminal, got: gotTerminal };
  return { matches: true };
}
