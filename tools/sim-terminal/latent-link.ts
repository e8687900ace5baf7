/**
 * A slow acquirer link, as a GPRS modem gives one: the request leaves at once (the host applies it on
 * arrival), the answer reaches the terminal `latencyMs` later. That window is where a power cut
 * leaves a request applied at the issuer and unknown to the terminal — the 冲正 story.
 */
import type { Clock } from '../../firmware/hal/clock.js';
import type { HostLink } from '../../firmware/host/host-link.js';
import type { HostExchangeResult } from '../../firmware/iso8583/received-message.js';

export function latentLink(link: HostLink, clock: Clock, latencyMs: number, onAnswer: (result: HostExchangeResult) => void): HostLink {
  return {
    exchange: async (request, options) => {
      const result = await link.exchange(request, options);
      if (latencyMs > 0) await new Promise<void>((resolve) => clock.setTimer(latencyMs, resolve));
      onAnswer(result);
      return result;
    },
    close: () => link.close(),
  };
}
