/**
 * bench:iso8583 — prints one JSON line:
 *   pack_unpack_per_s              encode + decode of a signed sale request, per second (one core)
 *   sale_request_bytes             that request on the wire: length prefix + TPDU + header + body
 *   host_sim_tx_per_s_50_terminals approved, MAC-verified sales per second from 50 concurrent
 *                                  terminals, each on short connections (connect, send, answer,
 *                                  close) to the host simulator on loopback.
 * The simulator runs in a child process (as an acquirer would run apart from its terminals), so
 * the terminals and the host each get a core. Every phase is bounded in time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cupMessageFramer } from '../../firmware/host/cup-message-framer.js';
import { TcpHostLink } from '../../firmware/host/tcp-host-link.js';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { signMessage } from '../../firmware/security/message-mac.js';
import { encryptPinBlock } from '../../firmware/security/pin-block.js';
import { TerminalClient } from '../host-sim/terminal-client.js';
import { fleetTerminals, TEST_TERMINAL_MASTER_KEY_HEX } from '../host-sim/terminals.js';

const TERMINALS = 50;
const CODEC_SECONDS = 1.5;
const LOAD_SECONDS = 4;
const WARMUP_SECONDS = 0.5;
const CARDS = [
  { pan: '6217000000000000012', expiry: '3012', pin: '123456' },
  { pan: '6222020000000000034', expiry: '2906', pin: '111111' },
  { pan: '6228480000000000042', expiry: '3103', pin: '246810' },
];
const masterKey = Uint8Array.from(Buffer.from(TEST_TERMINAL_MASTER_KEY_HEX, 'hex'));

function sampleSale() {
  const keys = { pik: Uint8Array.from(Buffer.from('0123456789ABCDEF0123456789ABCDEF', 'hex')), mak: Uint8Array.from(Buffer.from('0123456789ABCDEF', 'hex')) };
  const card = CARDS[0]!;
  return signMessage(
    {
      mti: '0200',
      fields: {
        2: card.pan, 3: '000000', 4: '000000008800', 11: '000123', 14: card.expiry, 22: '021', 25: '00', 26: '06',
        41: '10000159', 42: '880210010210160', 49: '156', 52: encryptPinBlock(card.pin, card.pan, keys.pik), 53: '2600000000000000',
        60: '22000001000',
      },
    },
    keys,
    'cup-ecb',
  );
}

function measureCodec(): { perSecond: number; bytes: number } {
  const sale = sampleSale();
  const bytes = cupMessageFramer().pack(sale).length;
  const deadline = performance.now() + CODEC_SECONDS * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 200; i++) decodeMessage(encodeMessage(sale));
    n += 200;
  }
  return { perSecond: Math.round(n / ((performance.now() - start) / 1000)), bytes };
}

function startSimulatorProcess(): Promise<{ child: ChildProcess; port: number }> {
  const entry = fileURLToPath(new URL('../host-sim/child-process.ts', import.meta.url));
  const child = fork(entry, [String(TERMINALS)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('host simulator did not start within 30 s')), 30_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve({ child, port: (m as { port: number }).port });
    });
    child.once('exit', (code) => reject(new Error(`host simulator exited with ${code}`)));
  });
}

async function measureHostSim(port: number): Promise<number> {
  const terminals = fleetTerminals(TERMINALS).map(
    (t) => new TerminalClient({ link: new TcpHostLink({ host: '127.0.0.1', port, responseTimeoutMs: 10_000 }), ...t, masterKey }),
  );
  for (const t of terminals) {
    const reply = await t.signIn();
    if (reply.responseCode !== '00') throw new Error(`sign-in of ${t.terminalId} answered ${reply.responseCode}`);
  }
  let counting = false;
  let approved = 0;
  let stop = false;
  const loops = terminals.map(async (t, i) => {
    let k = 0;
    while (!stop) {
      const card = CARDS[(i + k++) % CARDS.length]!;
      const reply = await t.send(t.financial('sale', card, 100));
      if (reply.responseCode !== '00' || !reply.macOk) throw new Error(`sale answered ${reply.responseCode} (MAC ok: ${reply.macOk})`);
      if (counting) approved += 1;
    }
  });
  await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
  counting = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, LOAD_SECONDS * 1000));
  const elapsed = (performance.now() - start) / 1000;
  const counted = approved;
  stop = true;
  await Promise.all(loops);
  return Math.round(counted / elapsed);
}

const codec = measureCodec();
const { child, port } = await startSimulatorProcess();
let txPerSecond: number;
try {
  txPerSecond = await measureHostSim(port);
} finally {
  child.kill('SIGTERM');
}
process.stdout.write(
  `${JSON.stringify({ bench: 'iso8583', pack_unpack_per_s: codec.perSecond, sale_request_bytes: codec.bytes, host_sim_tx_per_s_50_terminals: txPerSecond })}\n`,
);
