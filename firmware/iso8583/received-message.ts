import type { IsoMessage } from './message.js';

/**
 * A message as it came off the wire: decoded, and the bytes it was decoded from. The link produces
 * it; the terminal's security and the engine consume it, so it lives beside the message type rather
 * than in the link's module.
 */
export interface HostExchangeResult {
  message: IsoMessage;
  /** The received bytes from MTI to the end, exactly as they came (MAC verification needs them). */
  body: Uint8Array;
}
