import { afterEach, describe, expect, it } from 'vitest';
import { HostError } from '../../firmware/host/host-link.js';
import { getString, type IsoMessage } from '../../firmware/iso8583/message.js';
import type { TerminalApproval } from '../../tools/host-sim/issuer-ledger.js';
import type { TerminalClient } from '../../tools/host-sim/terminal-client.js';
import { CARD, startFixture, type SimFixture } from './sim-fixture.js';

let fx: SimFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** The reversal rule of the design (R3/R4), reduced to what the ledger check needs. */
async function reverseUntilDone(terminal: TerminalClient, request: IsoMessage, reason: '98' | 'A0' | '06'): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const reply = await terminal.send(terminal.reversalOf(request, reason)).catch((e: unknown) => {
      if (e instanceof HostError) return undefined;
      throw e;
    });
    if (reply && reply.macOk && ['00', '12', '25'].includes(reply.responseCode)) return;
  }
  throw new Error(`reversal of STAN ${getString(request, 11)} never completed`);
}

describe('no 单边帐 under seeded random faults', () => {
  it('a terminal that reverses every unconfirmed sale leaves nothing one-sided at the issuer', async () => {
    const seed = 20261122;
    fx = await startFixture(
      { faults: { random: { seed, rate: 0.35, delayMs: 400 } } },
      { responseTimeoutMs: 200 },
    );
    const { terminal, sim } = fx;
    while ((await terminal.signIn().catch(() => undefined))?.responseCode !== '00');
    const approved: TerminalApproval[] = [];
    for (let i = 0; i < 40; i++) {
      const request = terminal.financial('sale', CARD, 100 + i);
      const outcome = await terminal.send(request).catch((e: unknown) => e as HostError);
      if (outcome instanceof HostError) {
        if (outcome.requestSent) await reverseUntilDone(terminal, request, outcome.kind === 'timeout' ? '98' : '06');
      } else if (!outcome.macOk) {
        await reverseUntilDone(terminal, request, 'A0');
      } else if (outcome.responseCode === '00') {
        approved.push({ batch: terminal.batch, stan: getString(request, 11)! });
      }
    }
    expect(sim.faults.applied.length, `seed ${seed}`).toBeGreaterThan(5);
    expect(approved.length, `seed ${seed}`).toBeGreaterThan(10);
    expect(sim.ledger.reconcileWithTerminal('10000159', approved), `seed ${seed}`).toEqual({ oneSided: [], missingAtIssuer: [] });
  });
});
