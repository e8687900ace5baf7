import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { MemoryLogger } from '../../../firmware/hal/log.js';
import { J5KeypadSource } from '../../../firmware/drivers/keypad/j5-keypad-source.js';
import type { KeyEvent } from '../../../firmware/hal/pos-keys.js';

function rig() {
  const keypad = new EventEmitter();
  const clock = new VirtualClock();
  const events: KeyEvent[] = [];
  const logger = new MemoryLogger();
  new J5KeypadSource({ keypad, clock, onKey: (e) => events.push(e), logger });
  return { keypad, clock, events, logger };
}

describe('johnny-five I2C keypad as a key source', () => {
  it('turns j5 press events (lists of key names) into KeyEvents', () => {
    const { keypad, events } = rig();
    keypad.emit('press', { which: ['1'] });
    keypad.emit('press', { which: ['00', 'ENTER'] });
    keypad.emit('press', { which: 'CANCEL' });
    expect(events).toEqual([
      { key: '1', repeat: false },
      { key: '00', repeat: false },
      { key: 'ENTER', repeat: false },
      { key: 'CANCEL', repeat: false },
    ]);
  });

  it('repeats a held CLEAR from the clock until it is released', () => {
    const { keypad, clock, events } = rig();
    keypad.emit('press', { which: ['CLEAR'] });
    clock.advance(1000);
    keypad.emit('release', { which: ['CLEAR'] });
    clock.advance(1000);
    expect(events.filter((e) => e.repeat)).toHaveLength(4);
  });

  it('drops and logs a key name that is not a POS key', () => {
    const { keypad, events, logger } = rig();
    keypad.emit('press', { which: ['#'] });
    expect(events).toEqual([]);
    expect(logger.lines).toEqual([{ level: 'warn', event: 'keypad_unknown_key', fields: { name: '#' } }]);
  });
});
