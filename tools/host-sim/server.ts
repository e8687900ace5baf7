import { createServer, type AddressInfo, type Socket } from 'node:net';
import { silentLogger, type Logger } from '../../firmware/hal/log.js';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { FrameDeframer, frame, responseTpdu, type Frame } from '../../firmware/iso8583/framing.js';
import { getString, type IsoMessage } from '../../firmware/iso8583/message.js';
import { maskPan } from '../../firmware/security/pan-mask.js';
import { signResponse, type Acquirer, type Handled } from './acquirer.js';
import { FaultPlan, type FaultDecision, type FaultPlanConfig } from './fault-plan.js';
import { createHostCore, type HostCoreOptions } from './host-core.js';
import type { HostStore } from './host-store.js';
import type { Issuer } from './issuer.js';
import type { IssuerLedger, LedgerEntry } from './issuer-ledger.js';

export interface HostSimulatorOptions extends HostCoreOptions {
  /** Default 0: any free port (read it back from `port`). */
  port?: number;
  host?: string;
  faults?: FaultPlanConfig;
  logger?: Logger;
  /** Keeps the issuer ledger and acquirer state in a JSON file (host-store.ts): loaded at start, saved after each request that can change them. */
  store?: HostStore;
  /** What one client may cost the simulator; default DEFAULT_LIMITS. */
  limits?: ConnectionLimits;
}

/**
 * A hostile or broken client must not grow the simulator without bound: a client that does not
 * read its answers is not read from either (back-pressure), a silent connection is closed, and
 * connections past the cap are refused.
 */
export interface ConnectionLimits {
  /** A connection with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive. */
  maxConnections: number;
  /** Requests read but not yet answered on one socket before it stops reading. */
  maxPendingRequests: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  // Longer than a terminal's response timeout (60 s): an exchange in progress is never cut as idle.
  idleTimeoutMs: 120_000,
  maxConnections: 256,
  maxPendingRequests: 32,
};

/** Where the simulator is in handling one request, for hooks. */
export interface RequestEvent {
  index: number;
  mti: string;
  stan: string | undefined;
  terminalId: string | undefined;
  processingCode: string | undefined;
  /** F60.2: the batch the request belongs to (a 0400 names its original's). */
  batch: string | undefined;
}

export interface AppliedEvent extends RequestEvent {
  responseCode: string;
  /** Ledger entries this request posted (or reversed). */
  entries: LedgerEntry[];
  fault: FaultDecision | undefined;
}

export interface ResponseWrittenEvent extends AppliedEvent {
  /** false when nothing went out: a drop fault, or the terminal had already closed the connection. */
  written: boolean;
}

export interface BadRequestEvent {
  reason: string;
}

/**
 * Boundary hooks. A listener may return a promise: the simulator waits for it before going on, so a
 * power-loss test can cut the terminal exactly at that boundary.
 * - request-received: a whole request has been read and decoded; nothing applied yet.
 * - applied: the issuer has applied it (ledger updated); nothing written yet.
 * - response-written: the response bytes have been handed to the socket, or (written: false) they
 *   never will be (drop fault, connection already gone).
 */
export interface HostSimulatorEvents {
  'request-received': RequestEvent;
  applied: AppliedEvent;
  'response-written': ResponseWrittenEvent;
  'bad-request': BadRequestEvent;
}

type Listener<E extends keyof HostSimulatorEvents> = (event: HostSimulatorEvents[E]) => void | Promise<void>;

export interface HostSimulator {
  readonly port: number;
  readonly host: string;
  readonly ledger: IssuerLedger;
  readonly issuer: Issuer;
  readonly acquirer: Acquirer;
  readonly faults: FaultPlan;
  readonly stats: { connections: number; requests: number; responses: number; badRequests: number; refused: number; idleClosed: number; paused: number };
  on<E extends keyof HostSimulatorEvents>(event: E, listener: Listener<E>): () => void;
  close(): Promise<void>;
}

export const SIM_ACQUIRER_ID = '00000000001';

export async function startHostSimulator(options: HostSimulatorOptions = {}): Promise<HostSimulator> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const core = createHostCore(options);
  const { ledger, issuer, acquirer, security, rng } = core;
  options.store?.load(core);
  const faults = new FaultPlan(options.faults);
  const listeners: { [E in keyof HostSimulatorEvents]: Listener<E>[] } = {
    'request-received': [],
    applied: [],
    'response-written': [],
    'bad-request': [],
  };
  const stats = { connections: 0, requests: 0, responses: 0, badRequests: 0, refused: 0, idleClosed: 0, paused: 0 };
  const limits = options.limits ?? DEFAULT_LIMITS;
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  /** Runs listeners; returns a promise only when one of them did, so the common path stays synchronous. */
  function emit<E extends keyof HostSimulatorEvents>(event: E, payload: HostSimulatorEvents[E]): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    for (const l of listeners[event]) {
      const r = l(payload);
      if (r) (waits ??= []).push(r);
    }
    return waits ? Promise.all(waits).then(() => undefined) : undefined;
  }

  function badRequest(socket: Socket, reason: string): void {
    stats.badRequests += 1;
    logger.log('warn', 'host-sim.bad-request', { reason });
    void emit('bad-request', { reason });
    socket.destroy();
  }

  /** One request through the boundaries; awaits a hook only when a listener asked for it. */
  async function serve(socket: Socket, received: Frame): Promise<void> {
    let request: IsoMessage;
    try {
      request = decodeMessage(received.body);
    } catch (err) {
      badRequest(socket, `does not decode: ${(err as Error).message}`);
      return;
    }
    const base: RequestEvent = {
      index: stats.requests++,
      mti: request.mti,
      stan: getString(request, 11),
      terminalId: getString(request, 41),
      processingCode: getString(request, 3),
      batch: getString(request, 60)?.slice(2, 8),
    };
    const received$ = emit('request-received', base);
    if (received$) await received$;
    let handled: Handled;
    try {
      handled = acquirer.handle(request, received.body);
    } catch (err) {
      badRequest(socket, `cannot be answered: ${(err as Error).message}`);
      return;
    }
    // Sign-ins and echoes move no money; anything else is on disk before its answer leaves.
    if (options.store && base.mti !== '0800' && base.mti !== '0820') await options.store.save(core);
    if (!handled.response || !handled.responseBody) {
      badRequest(socket, handled.note ?? 'cannot be answered');
      return;
    }
    const fault = faults.decide(base);
    const applied: AppliedEvent = {
      ...base,
      responseCode: getString(handled.response, 39) ?? '',
      entries: handled.records.flatMap((r) => r.entries),
      fault,
    };
    logger.log('info', 'host-sim.request', {
      index: base.index,
      mti: base.mti,
      stan: base.stan,
      terminalId: base.terminalId,
      maskedPan: getString(request, 2) ? maskPan(getString(request, 2)!) : undefined,
      responseCode: applied.responseCode,
      note: handled.note,
      fault: fault?.kind,
    });
    const applied$ = emit('applied', applied);
    if (applied$) await applied$;
    const envelope = { tpdu: responseTpdu(received.tpdu), header: received.header };
    const write = (bytes: Uint8Array, then?: () => void): void => {
      if (socket.destroyed) {
        void emit('response-written', { ...applied, written: false });
        return;
      }
      stats.responses += 1;
      socket.write(bytes, () => {
        then?.();
        void emit('response-written', { ...applied, written: true });
      });
    };
    const macKey = base.terminalId ? acquirer.macKey(base.terminalId) : undefined;
    const macKeyFor = handled.response.fields[64] ? macKey : undefined;
    switch (fault?.kind) {
      case undefined:
        write(frame(handled.responseBody, envelope));
        return;
      case 'drop':
        void emit('response-written', { ...applied, written: false });
        return;
      case 'delay': {
        const t = setTimeout(() => {
          timers.delete(t);
          write(frame(handled.responseBody!, envelope));
        }, fault.delayMs);
        timers.add(t);
        return;
      }
      case 'close-mid-response': {
        const bytes = frame(handled.responseBody, envelope);
        write(bytes.subarray(0, Math.max(1, bytes.length >> 1)), () => socket.destroy());
        return;
      }
      case 'garble': {
        const bytes = frame(handled.responseBody, envelope);
        for (let i = 0; i < 3; i++) bytes[rng.int(2, bytes.length - 1)]! ^= 1 << rng.int(0, 7);
        write(bytes);
        return;
      }
      case 'wrong-mac': {
        const response = { mti: handled.response.mti, fields: { ...handled.response.fields } };
        const mac = new Uint8Array(handled.response.fields[64] instanceof Uint8Array ? handled.response.fields[64] : new Uint8Array(8));
        mac[7]! ^= 0xff;
        response.fields[64] = mac;
        write(frame(encodeMessage(response), envelope));
        return;
      }
      case 'duplicate': {
        const bytes = frame(handled.responseBody, envelope);
        write(bytes);
        write(bytes);
        return;
      }
      case 'other-stan': {
        const response = { mti: handled.response.mti, fields: { ...handled.response.fields } };
        response.fields[11] = String((Number(base.stan ?? 0) + 1) % 1_000_000).padStart(6, '0');
        write(frame(signResponse(response, macKeyFor, security), envelope));
        return;
      }
    }
  }

  const server = createServer((socket) => {
    if (sockets.size >= limits.maxConnections) {
      stats.refused += 1;
      logger.log('warn', 'host-sim.connection-refused', { open: sockets.size, cap: limits.maxConnections });
      socket.destroy();
      return;
    }
    stats.connections += 1;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => {
      stats.idleClosed += 1;
      socket.destroy();
    });
    const deframer = new FrameDeframer();
    let queue: Promise<void> = Promise.resolve();
    let pending = 0;
    // Reading resumes only when the client has taken its answers (the socket's own write high-water
    // mark, 16 KiB: past it a write asks for 'drain') and the backlog is worked off.
    const mayRead = () => pending < limits.maxPendingRequests && !socket.writableNeedDrain;
    const resumeIfFree = () => {
      if (socket.isPaused() && !socket.destroyed && mayRead()) socket.resume();
    };
    socket.on('drain', resumeIfFree);
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = deframer.push(chunk);
      } catch (err) {
        badRequest(socket, `bad frame: ${(err as Error).message}`);
        return;
      }
      for (const f of frames) {
        pending += 1;
        queue = queue
          .then(() => (socket.destroyed ? undefined : serve(socket, f)))
          .catch((err: unknown) => badRequest(socket, `failed: ${(err as Error).message}`))
          .finally(() => {
            pending -= 1;
            resumeIfFree();
          });
      }
      if (!mayRead()) {
        stats.paused += 1;
        socket.pause();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    host,
    ledger,
    issuer,
    acquirer,
    faults,
    stats,
    on(event, listener) {
      const list = listeners[event] as unknown[];
      list.push(listener);
      return () => {
        const i = list.indexOf(listener);
        if (i >= 0) list.splice(i, 1);
      };
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
