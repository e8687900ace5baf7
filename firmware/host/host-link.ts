import type { IsoMessage } from '../iso8583/message.js';
import type { HostExchangeResult } from '../iso8583/received-message.js';

/**
 * The terminal's link to the acquirer: one request in flight, the response matched by
 * MTI (request + 10) + STAN (F11) + terminal id (F41). Late, duplicate and unmatched responses are
 * discarded and logged, never returned.
 */
/**
 * - `unreachable`: the connection could not be made; the request never left (no reversal needed).
 * - `timeout`: the request left and no matching response came in time (reversal reason 98).
 * - `malformed`: a response came that does not decode or does not match (reversal reason 06).
 */
export type HostFailureKind = 'unreachable' | 'timeout' | 'malformed';

export class HostError extends Error {
  constructor(
    readonly kind: HostFailureKind,
    /** true once any byte of the request was written to the socket. */
    readonly requestSent: boolean,
    detail: string,
  ) {
    super(`host ${kind}: ${detail}`);
    this.name = 'HostError';
  }
}

export interface HostLink {
  /** Sends `request` (F64 already set by the caller) and resolves with the matching response. */
  exchange(request: IsoMessage, options?: { timeoutMs?: number }): Promise<HostExchangeResult>;
  close(): Promise<void>;
}
