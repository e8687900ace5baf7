/**
 * bench:host-sim — the host simulator under hostile clients; prints one JSON line:
 *   rss_start_mb                   the simulator's RSS after start (a child process, /proc/<pid>/status)
 *   slow_reader_requests_sent      echo requests one client got onto the wire (of 200000; it gives
 *                                  up after 10 s without progress), its answers never read
 *   slow_reader_answered           requests the simulator answered to that client
 *   slow_reader_rss_peak_mb        the simulator's highest RSS while that client was connected
 *   slow_reader_rss_after_mb       its RSS 2 s after the client left
 *   slow_reader_dropped_by_host    the simulator closed that connection (idle: it had stopped reading it)
 *   idle_sockets_opened            of 500 sockets that connect and say nothing
 *   idle_sockets_refused           closed at once by the connection cap
 *   idle_sockets_open_after_timeout still open after the idle timeout (+1 s)
 *   idle_flood_rss_peak_mb         the simulator's highest RSS during the flood
 * Limits used: idle timeout 2000 ms (default 120000), connection cap 256 (default).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { encodeMessage } from '../../firmware/iso8583/codec.js';
import { frame } from '../../firmware/iso8583/framing.js';

const SLOW_READER_REQUESTS = 200_000;
const IDLE_SOCKETS = 500;
const IDLE_TIMEOUT_MS = 2000;
const ENVELOPE = { tpdu: Uint8Array.from([0x60, 0x00, 0x03, 0x00, 0x00]), header: Uint8Array.from([0x61, 0x31, 0x00, 0x31, 0x11, 0x08]) };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (kb: number) => Math.round(kb / 1024);

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function echoFrame(stan: number): Uint8Array {
  const body = encodeMessage({ mti: '0820', fields: { 11: String((stan % 999_999) + 1).padStart(6, '0'), 41: '10000159', 42: '880210010210160', 60: '00000000301' } });
  return frame(body, ENVELOPE);
}

const child = spawn(process.execPath, ['--import', 'tsx', 'tools/host-sim/main.ts', '--port', '0', '--idle-timeout-ms', String(IDLE_TIMEOUT_MS)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const pid = child.pid!;
let answeredLogged = 0;
const port = await new Promise<number>((resolve, reject) => {
  let head = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    answeredLogged += text.split('"host-sim.request"').length - 1;
    head += text;
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(head);
    if (m) resolve(Number(m[1]));
  });
  child.once('exit', () => reject(new Error('host-sim exited')));
});
await sleep(500);
const rssStart = rssKb(pid);

// A client that sends as fast as the socket takes it and never reads.
let peak = rssStart;
const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 50);
const slow = connect(port, '127.0.0.1');
await new Promise((resolve) => slow.once('connect', resolve));
// A client stuck that long is dropped by the idle timeout: the simulator stops reading it, so no traffic moves.
let slowDropped = false;
slow.on('error', () => (slowDropped = true));
slow.on('close', () => (slowDropped = true));
slow.pause();
let sent = 0;
const stallMs = 10_000;
while (sent < SLOW_READER_REQUESTS) {
  const batch: Uint8Array[] = [];
  for (let i = 0; i < 500 && sent + i < SLOW_READER_REQUESTS; i++) batch.push(echoFrame(sent + i));
  if (slowDropped) break;
  const ok = slow.write(Buffer.concat(batch));
  sent += batch.length;
  if (!ok) {
    const drained = await Promise.race([
      new Promise((resolve) => slow.once('drain', () => resolve(true))),
      new Promise((resolve) => slow.once('close', () => resolve(false))),
      sleep(stallMs).then(() => false),
    ]);
    if (!drained) break;
  }
}
// What the client wrote but is still in its own buffer never reached the simulator.
const onWire = sent - Math.ceil(slow.writableLength / echoFrame(0).length);
const droppedByHost = slowDropped;
// Let the simulator work off what it has read: until its answers stop for 2 s (at most 60 s).
for (let last = -1, t = 0; t < 60_000 && answeredLogged !== last; t += 2000) {
  last = answeredLogged;
  await sleep(2000);
}
const slowPeak = Math.max(peak, rssKb(pid));
const answered = answeredLogged;
slow.destroy();
await sleep(2000);
const slowAfter = rssKb(pid);

// 500 sockets that connect and say nothing.
peak = rssKb(pid);
const sockets: Socket[] = [];
let refused = 0;
let closedEarly = 0;
await Promise.all(
  Array.from({ length: IDLE_SOCKETS }, async () => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    sockets.push(s);
    await new Promise((resolve) => s.once('connect', resolve).once('error', resolve));
  }),
);
await sleep(300);
for (const s of sockets) if (s.destroyed || s.readableEnded) closedEarly++;
refused = closedEarly;
await sleep(IDLE_TIMEOUT_MS + 1000);
const stillOpen = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
const idlePeak = Math.max(peak, rssKb(pid));
clearInterval(sampler);
for (const s of sockets) s.destroy();
child.kill('SIGTERM');

console.log(
  JSON.stringify({
    rss_start_mb: mb(rssStart),
    slow_reader_requests_sent: onWire,
    slow_reader_answered: answered,
    slow_reader_rss_peak_mb: mb(slowPeak),
    slow_reader_rss_after_mb: mb(slowAfter),
    slow_reader_dropped_by_host: droppedByHost,
    idle_sockets_opened: IDLE_SOCKETS,
    idle_sockets_refused: refused,
    idle_sockets_open_after_timeout: stillOpen,
    idle_flood_rss_peak_mb: mb(idlePeak),
  }),
);
