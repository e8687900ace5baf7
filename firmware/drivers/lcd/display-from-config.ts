/** Builds the TextDisplay a board config's lcd section describes. */
import type { BoardSection, LcdSection } from '../../hal/board-config.js';
import type { Clock } from '../../hal/clock.js';
import type { IoPlugin } from '../../hal/io-plugin.js';
import { resolvePins } from '../../hal/pin-resolve.js';
import type { TextDisplay } from './text-display.js';
import { Hd44780Display } from './hd44780-display.js';
import { ParallelLcdBus } from './parallel-bus.js';
import { Pcf8574Bus } from './pcf8574-bus.js';
import { St7920Display } from './st7920-display.js';
import { St7920SerialBus } from './st7920-serial-bus.js';

export function openDisplay(section: LcdSection, boardKind: BoardSection['kind'], io: IoPlugin, clock: Clock): TextDisplay {
  // Over Firmata the waits must also cover the bytes still crossing the serial wire.
  const wire = boardKind === 'linux-gpio' || boardKind === 'raspi-io' || boardKind === 'linux-io' ? { msPerWireByte: 0 } : {};
  switch (section.kind) {
    case 'pcf8574': {
      const bus = new Pcf8574Bus({ io, clock, address: section.address, ...wire });
      return new Hd44780Display({ cols: section.cols, rows: section.rows, bus, clock });
    }
    case 'parallel':
      return new Hd44780Display({
        cols: section.cols,
        rows: section.rows,
        bus: new ParallelLcdBus({ io, clock, pins: resolvePins(io, section.pins, 'lcd.pins'), ...wire }),
        clock,
      });
    case 'st7920':
      return new St7920Display({
        bus: new St7920SerialBus({ io, clock, pins: resolvePins(io, section.pins, 'lcd.pins'), ...wire }),
        clock,
        interface: 'serial',
      });
  }
}
