/**
 * The host simulator against hostile clients (issue 14): a client that never reads its answers is
 * no longer read from (back-pressure), a silent connection is closed after the idle timeout, and
 * connections past the cap are closed at once. RSS figures: npm run bench:host-sim.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../firmware/iso8583/codec.js';
import { frame } from '../../firmware/iso8583/framing.js';
import { DEFAULT_LIMITS, startHostSimulator, type HostSimulator } from '../../tools/host-sim/server.js';

const ENVELOPE = { tpdu: Uint8Array.from([0x60, 0x00, 0x03, 0x00, 0x00]), header: Uint8Array.from([0x61, 0x31, 0x00, 0x31, 0x11, 0x08]) };
const echo = (stan: number) =>
  frame(encodeMessage({ mti: '0820', fields: { 11: String(stan).padStart(6, '0'), 41: '10000159', 42: '880210010210160', 60: '00000000301' } }), ENVELOPE);

let sim: HostSimulator | undefined;
const clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await sim?.close();
  sim = undefined;
});

function client(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  clients.push(s);
  return new Promise((resolve) => s.once('connect', () => resolve(s)));
}

const closed = (s: Socket, withinMs: number) =>
  new Promise<boolean>((resolve) => {
    if (s.destroyed) return resolve(true);
    s.once('close', () => resolve(true));
    setTimeout(() => resolve(false), withinMs);
  });

describe('host simulator connection limits', () => {
  it('stops reading a client whose answers pile up unread', async () => {
    sim = await startHostSimulator({ limits: { ...DEFAULT_LIMITS, maxPendingRequests: 8 } });
    const s = await client(sim.port);
    s.pause();
    // 150k echoes (about 6 MB): more answers than the loopback buffers hold (about 4 MB send side).
    const all = Buffer.concat(Array.from({ length: 150_000 }, (_, i) => echo((i % 999_999) + 1)));
    s.write(all);
    // The kernel's loopback buffers take some answers; then it stalls: no more answers while the client reads nothing.
    let answered = -1;
    for (let t = 0; t < 40_000 && sim.stats.responses !== answered; t += 1000) {
      answered = sim.stats.responses;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(sim.stats.responses).toBe(answered);
    expect(sim.stats.paused).toBeGreaterThan(0);
    expect(answered).toBeLessThan(150_000);
    // Reading the answers lets it go on.
    s.resume();
    for (let t = 0; t < 15_000 && sim.stats.responses === answered; t += 250) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(sim.stats.responses).toBeGreaterThan(answered);
  }, 90_000);

  it('closes a connection that says nothing for the idle timeout', async () => {
    sim = await startHostSimulator({ limits: { ...DEFAULT_LIMITS, idleTimeoutMs: 300 } });
    const s = await client(sim.port);
    expect(await closed(s, 2000)).toBe(true);
    expect(sim.stats.idleClosed).toBe(1);
  });

  it('closes connections past the cap at once', async () => {
    sim = await startHostSimulator({ limits: { ...DEFAULT_LIMITS, maxConnections: 2 } });
    const [a, b] = [await client(sim.port), await client(sim.port)];
    const c = await client(sim.port);
    expect(await closed(c, 1000)).toBe(true);
    expect(a.destroyed || b.destroyed).toBe(false);
    expect(sim.stats.refused).toBe(1);
  });
});
