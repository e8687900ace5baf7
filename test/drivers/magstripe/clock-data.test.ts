import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../../firmware/hal/log.js';
import { PinMode } from '../../../firmware/hal/io-plugin.js';
import type { SwipeResult } from '../../../firmware/drivers/magstripe/card-read.js';
import { ClockDataSwipeMachine } from '../../../firmware/drivers/magstripe/clock-data-machine.js';
import { ClockDataSwipeReader } from '../../../firmware/drivers/magstripe/clock-data-reader.js';
import type { SyntheticCard } from '../../../firmware/drivers/magstripe/synthetic-card.js';
import { syntheticSwipeBits } from '../../../firmware/drivers/magstripe/synthetic-swipe.js';
import { FakeIo } from './fake-io.js';

const CARD: SyntheticCard = { pan: '4352378366824999', expiry: '0510', serviceCode: '201', cardholderName: 'TEST/CARD', discretionary: '10000882' };

/** Plays one track's bits as a reader does: /RDT set (low = 1), then a /RCL low pulse. */
function clockOut(machine: ClockDataSwipeMachine, track: 1 | 2 | 3, bits: ArrayLike<number>): void {
  for (let i = 0; i < bits.length; i++) {
    machine.readData(track, bits[i] ? 0 : 1);
    machine.readClock(track, 0);
    machine.readClock(track, 1);
  }
}

/** The pins' first reports: idle (high). */
function idle(machine: ClockDataSwipeMachine, tracks: readonly (1 | 2 | 3)[]): ClockDataSwipeMachine {
  machine.cardLoad(1);
  for (const track of tracks) {
    machine.readClock(track, 1);
    machine.readData(track, 1);
  }
  return machine;
}

describe('clock/data state machine', () => {
  it('/CLS frames the swipe; /RDT is sampled on the falling edge of /RCL, low = 1', () => {
    const machine = idle(new ClockDataSwipeMachine([1, 2]), [1, 2]);
    const bits = syntheticSwipeBits(CARD, 'forward');
    expect(machine.cardLoad(0)).toBeUndefined();
    clockOut(machine, 1, bits[1]!);
    clockOut(machine, 2, bits[2]!);
    expect(machine.cardLoad(1)).toMatchObject({ ok: true, pan: CARD.pan, cardholderName: 'TEST/CARD', direction: 'forward' });
  });

  it('data changes and rising edges do not clock a bit; strobes without a card are ignored', () => {
    const machine = idle(new ClockDataSwipeMachine([2]), [2]);
    clockOut(machine, 2, [1, 1, 0, 1, 0]);
    machine.cardLoad(0);
    const bits = syntheticSwipeBits(CARD, 'backward')[2]!;
    for (let i = 0; i < bits.length; i++) {
      machine.readClock(2, 0);
      machine.readData(2, bits[i] ? 0 : 1); // changes after the falling edge: sampled at the next one
      machine.readClock(2, 0); // no edge: repeated level
      machine.readClock(2, 1);
    }
    // Each bit was sampled one strobe late: the first strobe read the idle level (0), so the
    // stream is shifted by one leading zero and still decodes.
    expect(machine.cardLoad(1)).toMatchObject({ ok: true, pan: CARD.pan, direction: 'backward' });
  });

  it('a /CLS pulse with no strobes is ignored; strobes of zeros are no-data; a corrupted bit is a parity error', () => {
    const machine = idle(new ClockDataSwipeMachine([2]), [2]);
    machine.cardLoad(0);
    expect(machine.cardLoad(1)).toBeUndefined();
    machine.cardLoad(0);
    clockOut(machine, 2, new Uint8Array(30));
    expect(machine.cardLoad(1)).toMatchObject({ ok: false, reason: 'no-data' });
    const bits = syntheticSwipeBits(CARD, 'forward')[2]!.slice();
    bits[40] ^= 1;
    machine.cardLoad(0);
    clockOut(machine, 2, bits);
    expect(machine.cardLoad(1)).toMatchObject({ ok: false, reason: 'parity' });
  });

  it("a pin's first report is a level, not an edge", () => {
    const machine = new ClockDataSwipeMachine([2]);
    // Reported low before the pull-ups are on, then idle: no swipe starts, no bit is clocked.
    machine.cardLoad(0);
    machine.readClock(2, 0);
    machine.readClock(2, 1);
    expect(machine.cardLoad(1)).toBeUndefined();
    machine.cardLoad(0);
    clockOut(machine, 2, syntheticSwipeBits(CARD, 'forward')[2]!);
    expect(machine.cardLoad(1)).toMatchObject({ ok: true, pan: CARD.pan });
  });

  it('refuses unknown tracks and bad track lists', () => {
    expect(() => new ClockDataSwipeMachine([])).toThrow(RangeError);
    expect(() => new ClockDataSwipeMachine([2, 2])).toThrow(RangeError);
    expect(() => new ClockDataSwipeMachine([2]).readClock(1, 0)).toThrow(/track 1 is not wired/);
  });
});

describe('clock/data reader on the IO plugin', () => {
  const pins = { cardLoad: 2, tracks: [{ track: 2 as const, clock: 4, data: 3 }] };

  it('sets the pins up with pull-ups and emits swipes from pin changes', async () => {
    const io = new FakeIo();
    const logger = new MemoryLogger();
    const reader = new ClockDataSwipeReader(io.asPlugin(), pins, logger);
    expect([...io.pinModes]).toEqual([[3, PinMode.PULLUP], [4, PinMode.PULLUP], [2, PinMode.PULLUP]]);
    const results: SwipeResult[] = [];
    reader.onSwipe((r) => results.push(r));

    for (const pin of [2, 3, 4]) io.setPin(pin, 1);
    const swipe = (bits: ArrayLike<number>) => {
      io.setPin(2, 0);
      for (let i = 0; i < bits.length; i++) {
        io.setPin(3, bits[i] ? 0 : 1);
        io.setPin(4, 0);
        io.setPin(4, 1);
      }
      io.setPin(2, 1);
    };
    swipe(syntheticSwipeBits(CARD, 'forward')[2]!);
    swipe([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(results).toEqual([
      expect.objectContaining({ ok: true, pan: CARD.pan }),
      expect.objectContaining({ ok: false, reason: 'no-start-sentinel' }),
    ]);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ event: 'magstripe.bad-swipe', fields: { reason: 'no-start-sentinel' } });

    await reader.close();
    swipe(syntheticSwipeBits(CARD, 'forward')[2]!);
    expect(results).toHaveLength(2);
  });

  it('plain inputs when asked; a pin used twice is refused', () => {
    const io = new FakeIo();
    new ClockDataSwipeReader(io.asPlugin(), { ...pins, pullUp: false });
    expect(io.pinModes.get(2)).toBe(PinMode.INPUT);
    expect(() => new ClockDataSwipeReader(io.asPlugin(), { cardLoad: 3, tracks: pins.tracks })).toThrow(/pin 3 is used twice/);
  });
});
