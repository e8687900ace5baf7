import { describe, expect, it } from 'vitest';
import { I2cEeprom } from '../../firmware/drivers/flash/i2c-eeprom.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { createEmulatedBoard } from '../../firmware/hal/virtual/emulated-board.js';
import { VirtualIo } from '../../firmware/hal/virtual/virtual-io.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { runUntilSettled } from '../hal/run-until-settled.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';
import { expectRemountOf } from './remount-view.js';

/** The journal on the I2C FRAM/EEPROM backend (program unit 1, no erase): the interface fits it. */
describe('journal on the I2C EEPROM/FRAM backend', () => {
  for (const kind of ['fram', 'eeprom'] as const) {
    it(`records sales and a pending reversal that a fresh mount finds again (${kind})`, async () => {
      const clock = new VirtualClock();
      const emulated = createEmulatedBoard({ profile: 'uno', clock, eeprom: { kind, address: 0x50 } });
      const io = new VirtualIo({ board: emulated.board, paced: true });
      await new Promise<void>((resolve) => io.once('ready', resolve));
      const chip = new I2cEeprom({ io, clock, address: 0x50, part: kind === 'fram' ? 'FM24C256' : 'AT24C256' });
      const settle = <T>(p: Promise<T>): Promise<T> => runUntilSettled(clock, p, 0.5);
      const journal = await settle(openJournal(chip, { deviceKey: TEST_KEY, randomBytes: seededIvs() }));
      expect(journal.capacity().transactionsLeft).toBeGreaterThan(20);
      await settle(journal.begin(sale(1)));
      await settle(journal.approve(1, APPROVAL));
      await settle(journal.printed(1));
      await settle(journal.begin(sale(2)));
      await settle(journal.requireReversal(2, '98'));
      const remounted = await settle(openJournal(chip, { deviceKey: TEST_KEY }));
      expectRemountOf(remounted.view(), journal.view());
      expect(remounted.find(2)?.status).toBe('reversal-pending');
      expect(emulated.eeprom!.nacks).toBe(0);
      io.close();
    });
  }
});
