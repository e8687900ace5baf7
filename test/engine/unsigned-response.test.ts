import { describe, expect, it } from 'vitest';
import { TerminalRig } from './doubles/terminal-rig.js';

describe('a response without a MAC (DIALECT.md, "Responses")', () => {
  it('an unsigned "decline" to a sale the issuer approved is a MAC failure: reversed with A0, nothing one-sided', async () => {
    const rig = new TerminalRig();
    await rig.boot();
    await rig.signIn();
    rig.host.faults.push('unsigned-decline');
    await rig.sale(8800);
    await rig.toIdle();
    expect(rig.journal.view().transactions[0]).toMatchObject({ status: 'reversed', reversalReason: 'A0' });
    expect(rig.reconcile()).toEqual({ oneSided: [], missingAtIssuer: [] });
  });
});
