import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HostError } from '../../firmware/host/host-link.js';
import { cupMessageFramer, DEFAULT_HEADER, DEFAULT_TPDU } from '../../firmware/host/cup-message-framer.js';
import { tcpHostLinkConfig } from '../../firmware/host/host-link-config.js';
import { TcpHostLink } from '../../firmware/host/tcp-host-link.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { MemoryLogger } from '../../firmware/hal/log.js';
import { frame, FrameDeframer } from '../../firmware/iso8583/framing.js';
import { Iso8583Error, type IsoMessage } from '../../firmware/iso8583/message.js';

const framer = cupMessageFramer();
const encode = (m: IsoMessage) => framer.pack(m);
const request = (stan: string): IsoMessage => ({ mti: '0200', fields: { 11: stan, 41: '10000159' } });
const answer = (stan: string, code = '00'): IsoMessage => ({ mti: '0210', fields: { 11: stan, 41: '10000159', 39: code } });

interface TestServer {
  port: number;
  connections: number;
  server: Server;
}

const servers: Server[] = [];
const links: TcpHostLink[] = [];

afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server on 127.0.0.1:0 that hands every received request to `onRequest`. */
async function startServer(onRequest: (req: IsoMessage, socket: Socket) => void): Promise<TestServer> {
  const state = { connections: 0 } as TestServer;
  const server = createServer((socket) => {
    state.connections += 1;
    const deframer = new FrameDeframer();
    socket.on('data', (chunk) => {
      for (const f of deframer.push(chunk)) onRequest(framer.unpack(f).message, socket);
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.port = (server.address() as AddressInfo).port;
  state.server = server;
  return state;
}

function link(port: number, extra: Partial<ConstructorParameters<typeof TcpHostLink>[0]> = {}): TcpHostLink {
  const l = new TcpHostLink({ host: '127.0.0.1', port, responseTimeoutMs: 2000, connectTimeoutMs: 2000, ...extra });
  links.push(l);
  return l;
}

async function failure(p: Promise<unknown>): Promise<HostError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HostError);
  return err as HostError;
}

describe('TCP host link', () => {
  it('opens one short connection per exchange and returns the matching response', async () => {
    const srv = await startServer((req, s) => s.write(encode(answer(req.fields[11] as string))));
    const l = link(srv.port);
    const r1 = await l.exchange(request('000001'));
    const r2 = await l.exchange(request('000002'));
    expect(r1.message.fields[39]).toBe('00');
    expect(r2.message.fields[11]).toBe('000002');
    expect(srv.connections).toBe(2);
  });

  it('keeps one connection when persistent', async () => {
    const srv = await startServer((req, s) => s.write(encode(answer(req.fields[11] as string))));
    const l = link(srv.port, { persistent: true });
    await l.exchange(request('000001'));
    await l.exchange(request('000002'));
    expect(srv.connections).toBe(1);
  });

  it('reconnects a persistent link after the host closed the idle connection', async () => {
    let closed!: Promise<unknown>;
    const srv = await startServer((req, s) => {
      closed = new Promise((r) => s.once('close', r));
      s.end(encode(answer(req.fields[11] as string)));
    });
    const l = link(srv.port, { persistent: true });
    await l.exchange(request('000001'));
    // The host side closes only once the link has answered the FIN with its own.
    await closed;
    expect((await l.exchange(request('000002'))).message.fields[11]).toBe('000002');
    expect(srv.connections).toBe(2);
  });

  it('reports unreachable, request not sent, when nothing listens', async () => {
    const srv = await startServer(() => undefined);
    const port = srv.port;
    await new Promise((r) => srv.server.close(r));
    const err = await failure(link(port).exchange(request('000001')));
    expect(err.kind).toBe('unreachable');
    expect(err.requestSent).toBe(false);
  });

  it('times out, request sent, when no response comes', async () => {
    const srv = await startServer(() => undefined);
    const err = await failure(link(srv.port, { responseTimeoutMs: 150 }).exchange(request('000001')));
    expect(err.kind).toBe('timeout');
    expect(err.requestSent).toBe(true);
  });

  it('honours a per-exchange timeout', async () => {
    const srv = await startServer(() => undefined);
    const err = await failure(link(srv.port, { responseTimeoutMs: 60_000 }).exchange(request('000001'), { timeoutMs: 100 }));
    expect(err.message).toMatch(/within 100 ms/);
  });

  it('discards and logs responses with another STAN or terminal, then takes the matching one', async () => {
    const srv = await startServer((req, s) => {
      const stan = req.fields[11] as string;
      s.write(Uint8Array.from([
        ...encode(answer('999999')),
        ...encode({ mti: '0210', fields: { 11: stan, 41: '99999999', 39: '00' } }),
        ...encode({ mti: '0230', fields: { 11: stan, 41: '10000159', 39: '00' } }),
        ...encode(answer(stan, '51')),
      ]));
    });
    const logger = new MemoryLogger();
    const r = await link(srv.port, { logger }).exchange(request('000005'));
    expect(r.message.fields[39]).toBe('51');
    const discarded = logger.lines.filter((l) => l.event === 'host.response-discarded');
    expect(discarded.map((l) => l.fields.why)).toEqual(['unmatched', 'unmatched', 'unmatched']);
  });

  it('discards a duplicate response on a persistent connection instead of taking it as the next answer', async () => {
    let n = 0;
    const srv = await startServer((req, s) => {
      n += 1;
      const reply = encode(answer(req.fields[11] as string, n === 1 ? '00' : '05'));
      s.write(reply);
      if (n === 1) s.write(reply);
    });
    const logger = new MemoryLogger();
    const l = link(srv.port, { persistent: true, logger });
    expect((await l.exchange(request('000001'))).message.fields[39]).toBe('00');
    const second = await l.exchange(request('000002'));
    expect(second.message.fields).toMatchObject({ 11: '000002', 39: '05' });
    // The duplicate was written before the second answer on the same stream, so it has been read by now.
    expect(logger.lines.find((x) => x.event === 'host.response-discarded')?.fields).toMatchObject({ why: 'duplicate', stan: '000001' });
  });

  it('discards a late response to a request that already timed out', async () => {
    const pending: Socket[] = [];
    const srv = await startServer((req, s) => {
      const stan = req.fields[11] as string;
      if (stan === '000001') {
        pending.push(s);
        return;
      }
      s.write(encode(answer('000001', '00')));
      setTimeout(() => s.write(encode(answer(stan, '00'))), 20);
    });
    const logger = new MemoryLogger();
    const l = link(srv.port, { persistent: true, logger, responseTimeoutMs: 100 });
    expect((await failure(l.exchange(request('000001')))).kind).toBe('timeout');
    const r = await l.exchange(request('000002'));
    expect(r.message.fields[11]).toBe('000002');
    expect(logger.lines.find((x) => x.event === 'host.response-discarded')?.fields).toMatchObject({ why: 'late', stan: '000001' });
  });

  it('fails as malformed on a response that does not decode', async () => {
    // MTI 0210 and a bitmap announcing field 2, then nothing: truncated.
    const body = Uint8Array.of(0x02, 0x10, 0x40, 0, 0, 0, 0, 0, 0, 0);
    const srv = await startServer((_req, s) => s.write(frame(body, { tpdu: DEFAULT_TPDU, header: DEFAULT_HEADER })));
    const err = await failure(link(srv.port).exchange(request('000001')));
    expect(err.kind).toBe('malformed');
    expect(err.requestSent).toBe(true);
  });

  it('fails as malformed on a frame length too short to be a message', async () => {
    const srv = await startServer((_req, s) => s.write(Uint8Array.of(0, 0)));
    expect((await failure(link(srv.port).exchange(request('000001')))).kind).toBe('malformed');
  });

  it('fails as malformed when the connection closes in the middle of a response', async () => {
    const srv = await startServer((req, s) => {
      const full = encode(answer(req.fields[11] as string));
      s.end(full.slice(0, 10));
    });
    expect((await failure(link(srv.port).exchange(request('000001')))).kind).toBe('malformed');
  });

  it('fails at once as timeout, request sent, when the host closes without answering', async () => {
    const srv = await startServer((_req, s) => s.end());
    const err = await failure(link(srv.port, { responseTimeoutMs: 60_000 }).exchange(request('000001')));
    expect(err.kind).toBe('timeout');
    expect(err.requestSent).toBe(true);
    expect(err.message).toMatch(/closed before any response/);
  });

  it('keeps one request in flight', async () => {
    const srv = await startServer((req, s) => setTimeout(() => s.write(encode(answer(req.fields[11] as string))), 30));
    const l = link(srv.port);
    const first = l.exchange(request('000001'));
    const err = await failure(l.exchange(request('000002')));
    expect(err.kind).toBe('unreachable');
    expect(err.requestSent).toBe(false);
    expect((await first).message.fields[11]).toBe('000001');
  });

  it('refuses a bad port', () => {
    expect(() => new TcpHostLink({ host: '127.0.0.1', port: 70000 })).toThrow(/port/);
  });
});

describe('link settings from a board config', () => {
  it('takes address, port and timeouts, and keeps defaults for what is not said', () => {
    expect(tcpHostLinkConfig({ address: '10.0.0.10', port: 5800, timeouts: { connectMs: 5000, responseMs: 30000 } }, { persistent: true })).toEqual({
      host: '10.0.0.10',
      port: 5800,
      connectTimeoutMs: 5000,
      responseTimeoutMs: 30000,
      persistent: true,
    });
    expect(tcpHostLinkConfig({ address: 'acquirer.example', port: 5800 })).toEqual({ host: 'acquirer.example', port: 5800 });
  });
});

describe('TCP host link: requests that do not encode', () => {
  it('rejects with the codec error before connecting', async () => {
    const srv = await startServer(() => undefined);
    const l = link(srv.port);
    await expect(l.exchange({ mti: '02x0', fields: {} })).rejects.toThrow(Iso8583Error);
    expect(srv.connections).toBe(0);
  });
});

describe('TCP host link: connect timeout', () => {
  it('gives up as unreachable, request not sent, when the connection is not made in time', async () => {
    const srv = await startServer((req, s) => s.write(encode(answer(req.fields[11] as string))));
    const clock = new VirtualClock();
    const l = link(srv.port, { clock, connectTimeoutMs: 5000 });
    const pending = l.exchange(request('000001'));
    // The virtual clock passes the connect deadline before the event loop lets the connection finish.
    clock.advance(5000);
    const err = await failure(pending);
    expect(err.kind).toBe('unreachable');
    expect(err.requestSent).toBe(false);
    expect(err.message).toMatch(/within 5000 ms/);
  });
});
