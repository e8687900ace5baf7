/**
 * The readers on the virtual board (StandardFirmataPlus semantics, paced Firmata wire, virtual
 * clock): a serial ASCII reader on a Mega UART through Firmata serial sysex, and a TTL clock/data
 * reader on Uno pins through digital port reports.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/hal/clock.js';
import { BoardModel } from '../../../firmware/hal/virtual/board-model.js';
import { MEGA, UNO } from '../../../firmware/hal/virtual/board-profiles.js';
import { VirtualIo } from '../../../firmware/hal/virtual/virtual-io.js';
import type { SwipeResult } from '../../../firmware/drivers/magstripe/card-read.js';
import { ClockDataSwipeReader } from '../../../firmware/drivers/magstripe/clock-data-reader.js';
import { FirmataSerialSwipeReader } from '../../../firmware/drivers/magstripe/firmata-serial-reader.js';
import { syntheticSwipeBits } from '../../../firmware/drivers/magstripe/synthetic-swipe.js';

const CARD = { pan: '4352378366824999', expiry: '0510', serviceCode: '201', cardholderName: 'TEST/CARD', discretionary: '10000882' };

function advance(clock: VirtualClock, ms: number, stepMs = 0.25): void {
  for (let t = 0; t < ms; t += stepMs) clock.advance(stepMs);
}

describe('magstripe readers on the virtual board', () => {
  it('Firmata serial: a reader on Serial1 sends STX, both tracks and ETX at 9600 baud', () => {
    const clock = new VirtualClock();
    const board = new BoardModel(MEGA, clock);
    const io = new VirtualIo({ board, paced: true });
    const reader = new FirmataSerialSwipeReader(io, { serial: { portId: 1, baud: 9600 }, clock });
    const results: SwipeResult[] = [];
    reader.onSwipe((r) => results.push(r));
    advance(clock, 10);

    const readerSide = board.serialLine(1)!.connect({ receive: () => undefined }, 9600);
    const text = '\x02%B4352378366824999^TEST/CARD^05102011000088200882000000?\r;4352378366824999=051020110000882?\r\x03\r';
    readerSide.send([...Buffer.from(text, 'latin1')]);
    advance(clock, 200);
    expect(results).toEqual([expect.objectContaining({ ok: true, pan: CARD.pan, cardholderName: 'TEST/CARD', expiry: '0510' })]);
    expect(board.serialLine(1)!.lostBytes).toBe(0);
  });

  it('clock/data over Firmata keeps up with a slow swipe (4 ms strobes) and decodes it', () => {
    const clock = new VirtualClock();
    const board = new BoardModel(UNO, clock);
    const io = new VirtualIo({ board, paced: true });
    // /RDT on a lower pin than /RCL: Firmata reports a port's pins in pin order.
    const reader = new ClockDataSwipeReader(io, { cardLoad: 2, tracks: [{ track: 2, clock: 4, data: 3 }] });
    const results: SwipeResult[] = [];
    reader.onSwipe((r) => results.push(r));
    advance(clock, 10);

    board.driveExternally(2, 0);
    advance(clock, 2);
    for (const bit of syntheticSwipeBits(CARD, 'backward')[2]!) {
      board.driveExternally(3, bit ? 0 : 1);
      advance(clock, 1);
      board.driveExternally(4, 0);
      advance(clock, 2);
      board.driveExternally(4, 1);
      advance(clock, 1);
    }
    advance(clock, 150);
    board.driveExternally(2, 1);
    advance(clock, 10);
    expect(results).toEqual([expect.objectContaining({ ok: true, pan: CARD.pan, direction: 'backward' })]);
  });
});
