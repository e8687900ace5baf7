import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HostError } from '../../firmware/host/host-link.js';
import { DEFAULT_HEADER, DEFAULT_TPDU } from '../../firmware/host/cup-message-framer.js';
import { encodeMessage } from '../../firmware/iso8583/codec.js';
import { frame } from '../../firmware/iso8583/framing.js';
import { getString } from '../../firmware/iso8583/message.js';
import type { FaultKind } from '../../tools/host-sim/fault-plan.js';
import { CARD, startFixture, type SimFixture } from './sim-fixture.js';

let fx: SimFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function signedIn(link: { persistent?: boolean; responseTimeoutMs?: number } = {}): Promise<SimFixture> {
  fx = await startFixture({}, { responseTimeoutMs: 400, ...link });
  expect((await fx.terminal.signIn()).responseCode).toBe('00');
  return fx;
}

async function failureOf(p: Promise<unknown>): Promise<HostError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(HostError);
  return e as HostError;
}

describe('host simulator: fault injection', () => {
  it.each([
    ['drop', 'timeout'],
    ['delay', 'timeout'],
    ['other-stan', 'timeout'],
    ['close-mid-response', 'malformed'],
  ] as const)('%s: the issuer applied the sale and the terminal sees %s', async (kind, failure) => {
    const f = await signedIn();
    f.sim.faults.add({ kind, mti: '0200', delayMs: 2000 });
    const err = await failureOf(f.terminal.send(f.terminal.financial('sale', CARD, 8800)));
    expect(err.kind).toBe(failure);
    expect(err.requestSent).toBe(true);
    expect(f.sim.ledger.standingDebits('10000159').length).toBe(1);
  });

  it('drop: response-written still fires, with written false, so a harness waiting on it goes on', async () => {
    const f = await signedIn();
    f.sim.faults.add({ kind: 'drop', mti: '0200' });
    const written = new Promise<boolean>((resolve) => f.sim.on('response-written', (e) => resolve(e.written)));
    await failureOf(f.terminal.send(f.terminal.financial('sale', CARD, 100)));
    expect(await written).toBe(false);
  });

  it('other-stan: the foreign response is logged as discarded, never applied', async () => {
    const f = await signedIn();
    f.sim.faults.add({ kind: 'other-stan', mti: '0200' });
    await failureOf(f.terminal.send(f.terminal.financial('sale', CARD, 100)));
    expect(f.linkLog.lines.some((l) => l.event === 'host.response-discarded' && l.fields.why === 'unmatched')).toBe(true);
  });

  it('wrong-mac: the response arrives but its MAC does not verify', async () => {
    const f = await signedIn();
    f.sim.faults.add({ kind: 'wrong-mac', mti: '0200' });
    const reply = await f.terminal.send(f.terminal.financial('sale', CARD, 100));
    expect(reply.responseCode).toBe('00');
    expect(reply.macOk).toBe(false);
  });

  it('garble: the response never passes as a clean verified answer', async () => {
    const f = await signedIn();
    f.sim.faults.add({ kind: 'garble', mti: '0200', times: 5 });
    for (let i = 0; i < 5; i++) {
      const outcome = await f.terminal.send(f.terminal.financial('sale', CARD, 100)).then(
        (r) => (r.macOk && getString(r.message, 11) !== undefined ? 'verified' : 'mac-failed'),
        (e: HostError) => e.kind,
      );
      expect(outcome).not.toBe('verified');
    }
  });

  it('duplicate: on a persistent link the copy is discarded and the next exchange gets its own answer', async () => {
    const f = await signedIn({ persistent: true });
    f.sim.faults.add({ kind: 'duplicate', mti: '0200' });
    expect((await f.terminal.send(f.terminal.financial('sale', CARD, 100))).responseCode).toBe('00');
    const next = f.terminal.financial('sale', CARD, 200);
    const reply = await f.terminal.send(next);
    expect(getString(reply.message, 11)).toBe(getString(next, 11));
    expect(f.linkLog.lines.some((l) => l.event === 'host.response-discarded' && l.fields.why === 'duplicate')).toBe(true);
  });

  it('random faults are replayed from the seed', async () => {
    const kindsOf = async (): Promise<(FaultKind | '-')[]> => {
      const f = await startFixture({ faults: { random: { seed: 99, rate: 0.5, kinds: ['wrong-mac', 'duplicate'] } } });
      await f.terminal.signIn();
      for (let i = 0; i < 10; i++) await f.terminal.send(f.terminal.financial('sale', CARD, 100));
      const applied = f.sim.faults.applied.map((a) => a.kind);
      await f.close();
      return applied;
    };
    const a = await kindsOf();
    expect(a.length).toBeGreaterThan(0);
    expect(await kindsOf()).toEqual(a);
  });

  it('a dropped sale reversed by the terminal leaves no 单边帐', async () => {
    const f = await signedIn();
    f.sim.faults.add({ kind: 'drop', mti: '0200' });
    const request = f.terminal.financial('sale', CARD, 8800);
    expect((await failureOf(f.terminal.send(request))).kind).toBe('timeout');
    expect(f.sim.ledger.reconcileWithTerminal('10000159', []).oneSided.length).toBe(1);
    expect((await f.terminal.send(f.terminal.reversalOf(request, '98'))).responseCode).toBe('00');
    expect(f.sim.ledger.reconcileWithTerminal('10000159', [])).toEqual({ oneSided: [], missingAtIssuer: [] });
  });
});

describe('host simulator: boundary hooks', () => {
  it('fires request-received, applied and response-written in order, with the ledger state of each moment', async () => {
    const f = await signedIn();
    const seen: string[] = [];
    f.sim.on('request-received', (e) => {
      if (e.mti === '0200') seen.push(`received:${f.sim.ledger.entries().length}`);
    });
    f.sim.on('applied', (e) => {
      if (e.mti === '0200') seen.push(`applied:${f.sim.ledger.entries().length}:${e.responseCode}:${e.entries.length}`);
    });
    const written = new Promise<void>((resolve) =>
      f.sim.on('response-written', (e) => {
        if (e.mti === '0200') {
          seen.push(`written:${e.written}`);
          resolve();
        }
      }),
    );
    await f.terminal.send(f.terminal.financial('sale', CARD, 100));
    await written;
    expect(seen).toEqual(['received:0', 'applied:1:00:1', 'written:true']);
  });

  it('waits for a hook that returns a promise before going on', async () => {
    const f = await signedIn();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let appliedSeen = false;
    const off = f.sim.on('applied', () => {
      appliedSeen = true;
      return gate;
    });
    let answered = false;
    const pending = f.terminal.send(f.terminal.financial('sale', CARD, 100)).then((r) => {
      answered = true;
      return r;
    });
    while (!appliedSeen) await new Promise((r) => setImmediate(r));
    expect(f.sim.ledger.entries().length).toBe(1);
    expect(answered).toBe(false);
    release();
    expect((await pending).responseCode).toBe('00');
    off();
  });
});

describe('host simulator: bad input never crashes it', () => {
  async function rawExchange(port: number, bytes: Uint8Array): Promise<{ closed: boolean; received: number }> {
    return new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => s.write(bytes));
      let received = 0;
      s.on('data', (d) => (received += d.length));
      s.on('error', () => undefined);
      s.on('close', () => resolve({ closed: true, received }));
      setTimeout(() => {
        s.destroy();
      }, 1500);
    });
  }

  it('closes the connection on garbage, bad lengths and undecodable or unanswerable messages, and keeps serving', async () => {
    const f = await signedIn();
    const envelope = { tpdu: DEFAULT_TPDU, header: DEFAULT_HEADER };
    const cases = [
      Uint8Array.of(0, 3, 1, 2, 3),
      Uint8Array.of(0xff, 0xff, 0, 0),
      frame(Uint8Array.of(0x02, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2), envelope),
      frame(encodeMessage({ mti: '0200', fields: { 3: '000000' } }), envelope),
      frame(encodeMessage({ mti: '0210', fields: { 11: '000001', 41: '10000159' } }), envelope),
    ];
    for (const bytes of cases) {
      const r = await rawExchange(f.sim.port, bytes);
      expect(r).toEqual({ closed: true, received: 0 });
    }
    expect(f.sim.stats.badRequests).toBe(cases.length);
    expect((await f.terminal.send(f.terminal.financial('sale', CARD, 100))).responseCode).toBe('00');
  });

  it('answers an unknown terminal with 97 and a foreign merchant with 03', async () => {
    fx = await startFixture({}, {}, '99999999');
    expect((await fx.terminal.signIn()).responseCode).toBe('97');
    const f = fx;
    const wrongMerchant = f.terminal.financial('sale', { ...CARD, pin: undefined }, 100);
    wrongMerchant.fields[41] = '10000159';
    wrongMerchant.fields[42] = '000000000000000';
    const { message } = await f.link.exchange(wrongMerchant);
    expect(getString(message, 39)).toBe('03');
  });
});
