import { describe, expect, it } from 'vitest';
import { createHostCore } from '../../tools/host-sim/host-core.js';

describe('host core', () => {
  it('opens an account for every card given', () => {
    const core = createHostCore({ cards: [{ pan: '6217000000000000012', expiry: '3012', pin: '1234', balanceFen: 500, status: 'ok' }] });
    expect(core.ledger.balanceFen('6217000000000000012')).toBe(500);
    expect(core.acquirer.currentBatch('10000159')).toBe('000001');
  });

  it('refuses a master key that is not hex and cards that do not validate', () => {
    expect(() => createHostCore({ masterKey: 'xyz' })).toThrow(/master key must be hex/);
    expect(() => createHostCore({ cards: [{ pan: '1234' }] as never })).toThrow(/card 0: pan/);
  });
});
