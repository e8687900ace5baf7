/**
 * Starts the swipe source a board config's magstripe section describes. "virtual" has no hardware:
 * the simulated terminal feeds swipes itself, so there is no source.
 */
import type { MagstripeSection, PinId } from '../../hal/board-config.js';
import type { Clock } from '../../hal/clock.js';
import type { IoPlugin } from '../../hal/io-plugin.js';
import type { Logger } from '../../hal/log.js';
import { resolvePin } from '../../hal/pin-resolve.js';
import type { SwipeSource } from './card-read.js';
import { ClockDataSwipeReader } from './clock-data-reader.js';
import { SerialAsciiSwipeReader } from './serial-ascii-reader.js';

export function openSwipeSource(section: MagstripeSection, io: IoPlugin, clock: Clock, logger: Logger): SwipeSource | undefined {
  const pin = (field: string, value: PinId) => resolvePin(io, value, `magstripe.pins.${field}`);
  switch (section.kind) {
    case 'virtual':
      return undefined;
    case 'serial':
      // Readers strip the start/end framing when "stx" is off; both send tracks 1 and 2 by default.
      return SerialAsciiSwipeReader.open(section.path, { baudRate: section.baud, clock, logger });
    case 'clock-data':
      // A TTL head reader: /CLS card load, then track 2's read clock (RCL) and read data (RDT).
      return new ClockDataSwipeReader(
        io,
        { cardLoad: pin('cls', section.pins.cls), tracks: [{ track: 2, clock: pin('rcl', section.pins.rcl), data: pin('rdt', section.pins.rdt) }] },
        logger,
      );
  }
}
