import { connect, type Socket } from 'node:net';
import { SystemClock, type Clock, type TimerHandle } from '../hal/clock.js';
import { silentLogger, type Logger } from '../hal/log.js';
import { FrameDeframer, type Frame } from '../iso8583/framing.js';
import { getString, type IsoMessage } from '../iso8583/message.js';
import { cupMessageFramer, type MessageFramer } from './cup-message-framer.js';
import { HostError, type HostLink } from './host-link.js';
import type { HostExchangeResult } from '../iso8583/received-message.js';
import { matchResponse } from './response-matching.js';

export interface TcpHostLinkConfig {
  host: string;
  port: number;
  /** Default: the CUP POS codec with the default TPDU and header. */
  framer?: MessageFramer;
  /** Default 10 s. Expiry means the request never left: `unreachable`. */
  connectTimeoutMs?: number;
  /** Default 60 s, counted from the moment the request is written. */
  responseTimeoutMs?: number;
  /** Keep one connection open across exchanges. Default false: one connection per transaction, as CUP terminals do. */
  persistent?: boolean;
  logger?: Logger;
  clock?: Clock;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 60_000;

/** How many finished requests are remembered to tell a late or duplicate response from a foreign one. */
const REMEMBERED_REQUESTS = 16;

interface InFlight {
  request: IsoMessage;
  key: string;
  sent: boolean;
  timer?: TimerHandle;
  resolve(result: HostExchangeResult): void;
  reject(error: HostError): void;
}

/**
 * The acquirer link over TCP. One request in flight at a time (a second exchange while one is
 * pending is refused as `unreachable`, its request never having left); the response is the first
 * frame that matches MTI + 10, STAN and terminal id. Every other frame is logged and dropped.
 */
export class TcpHostLink implements HostLink {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly connectTimeoutMs: number;
  private readonly responseTimeoutMs: number;
  private socket: Socket | undefined;
  private readonly framer: MessageFramer;
  private deframer = new FrameDeframer();
  private inFlight: InFlight | undefined;
  /** Keys of requests that got their answer, and of requests that timed out. */
  private readonly answered: string[] = [];
  private readonly timedOut: string[] = [];

  constructor(private readonly config: TcpHostLinkConfig) {
    this.framer = config.framer ?? cupMessageFramer();
    this.clock = config.clock ?? new SystemClock();
    this.logger = config.logger ?? silentLogger;
    this.connectTimeoutMs = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.responseTimeoutMs = config.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
    if (!Number.isInteger(config.port) || config.port <= 0 || config.port > 65535) {
      throw new RangeError(`host port must be 1-65535, got ${config.port}`);
    }
    if (!(this.responseTimeoutMs > 0) || !(this.connectTimeoutMs > 0)) throw new RangeError('host timeouts must be positive');
  }

  exchange(request: IsoMessage, options?: { timeoutMs?: number }): Promise<HostExchangeResult> {
    if (this.inFlight) {
      return Promise.reject(new HostError('unreachable', false, 'another request is already in flight'));
    }
    let frame: Uint8Array;
    try {
      frame = this.framer.pack(request);
    } catch (err) {
      // An encoding error is the caller's bug: it surfaces as the codec's own error, before any I/O.
      return Promise.reject(err);
    }
    const timeoutMs = options?.timeoutMs ?? this.responseTimeoutMs;
    return new Promise<HostExchangeResult>((resolve, reject) => {
      const flight: InFlight = { request, key: requestKey(request), sent: false, resolve, reject };
      this.inFlight = flight;
      this.withSocket(flight, (socket) => {
        flight.sent = true;
        flight.timer = this.clock.setTimer(timeoutMs, () => {
          this.remember(this.timedOut, flight.key);
          this.fail(flight, new HostError('timeout', true, `no response within ${timeoutMs} ms`));
        });
        socket.write(frame);
      });
    });
  }

  async close(): Promise<void> {
    if (this.inFlight) this.fail(this.inFlight, new HostError(this.inFlight.sent ? 'timeout' : 'unreachable', this.inFlight.sent, 'link closed'));
    this.dropSocket();
  }

  private withSocket(flight: InFlight, send: (socket: Socket) => void): void {
    if (this.socket && !this.socket.destroyed && this.socket.writable) {
      send(this.socket);
      return;
    }
    const socket = connect({ host: this.config.host, port: this.config.port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.deframer = new FrameDeframer();
    const connectTimer = this.clock.setTimer(this.connectTimeoutMs, () => {
      this.fail(flight, new HostError('unreachable', false, `no connection to ${this.endpoint()} within ${this.connectTimeoutMs} ms`));
    });
    socket.once('connect', () => {
      this.clock.clearTimer(connectTimer);
      if (this.inFlight === flight && this.socket === socket) send(socket);
    });
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err: Error) => {
      this.clock.clearTimer(connectTimer);
      this.logger.log('debug', 'host.socket-error', { endpoint: this.endpoint(), error: err.message });
    });
    socket.on('close', () => {
      this.clock.clearTimer(connectTimer);
      this.onClose(socket);
    });
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    let frames: Frame[];
    try {
      frames = this.deframer.push(chunk);
    } catch (err) {
      this.malformed(`bad frame length: ${(err as Error).message}`);
      return;
    }
    for (const frame of frames) {
      let result: HostExchangeResult;
      try {
        result = this.framer.unpack(frame);
      } catch (err) {
        this.malformed(`response does not decode: ${(err as Error).message}`);
        return;
      }
      this.deliver(result);
    }
  }

  private deliver(result: HostExchangeResult): void {
    const flight = this.inFlight;
    const key = responseKey(result.message);
    if (flight && flight.sent) {
      const verdict = matchResponse(flight.request, result.message);
      if (verdict.matches) {
        this.remember(this.answered, flight.key);
        this.finish(flight);
        flight.resolve(result);
        if (!this.config.persistent) this.dropSocket();
        return;
      }
    }
    const why = this.answered.includes(key) ? 'duplicate' : this.timedOut.includes(key) ? 'late' : 'unmatched';
    this.logger.log('warn', 'host.response-discarded', {
      why,
      mti: result.message.mti,
      stan: getString(result.message, 11),
      terminalId: getString(result.message, 41),
    });
  }

  /** Garbled bytes: the stream can no longer be trusted, so the connection goes too. */
  private malformed(detail: string): void {
    const flight = this.inFlight;
    this.logger.log('warn', 'host.response-malformed', { detail });
    if (flight && flight.sent) this.fail(flight, new HostError('malformed', true, detail));
    this.dropSocket();
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    const partial = this.deframer.pendingBytes > 0;
    this.socket = undefined;
    const flight = this.inFlight;
    if (!flight) return;
    if (!flight.sent) {
      this.fail(flight, new HostError('unreachable', false, `cannot connect to ${this.endpoint()}`));
    } else if (partial) {
      this.fail(flight, new HostError('malformed', true, 'connection closed in the middle of a response'));
    } else {
      this.fail(flight, new HostError('timeout', true, 'connection closed before any response'));
    }
  }

  private fail(flight: InFlight, error: HostError): void {
    if (this.inFlight !== flight) return;
    this.finish(flight);
    this.logger.log('warn', 'host.exchange-failed', { kind: error.kind, requestSent: error.requestSent, detail: error.message });
    flight.reject(error);
    // After a failure on a short connection nothing more is wanted from it; a persistent one stays
    // open so that a late response is read and discarded rather than mistaken for the next answer.
    if (!this.config.persistent || error.kind !== 'timeout' || !error.requestSent) this.dropSocket();
  }

  private finish(flight: InFlight): void {
    this.clock.clearTimer(flight.timer);
    this.inFlight = undefined;
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  private remember(list: string[], key: string): void {
    list.push(key);
    if (list.length > REMEMBERED_REQUESTS) list.shift();
  }

  private endpoint(): string {
    return `${this.config.host}:${this.config.port}`;
  }
}

function requestKey(request: IsoMessage): string {
  return `${request.mti}/${getString(request, 11) ?? ''}/${getString(request, 41) ?? ''}`;
}

/** The key of the request a response answers: its MTI minus 10. */
function responseKey(response: IsoMessage): string {
  const m = response.mti;
  const requestMti = /^\d{4}$/.test(m) && (m[2] === '1' || m[2] === '3') ? m.slice(0, 2) + String(Number(m[2]) - 1) + m[3] : m;
  return `${requestMti}/${getString(response, 11) ?? ''}/${getString(response, 41) ?? ''}`;
}
