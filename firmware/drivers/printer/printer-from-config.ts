/** Builds the ReceiptPrinter a board config's printer section describes (see README.md here). */
import type { PinId, PrinterSection } from '../../hal/board-config.js';
import type { Clock } from '../../hal/clock.js';
import type { IoPlugin } from '../../hal/io-plugin.js';
import { resolvePin } from '../../hal/pin-resolve.js';
import { BareHeadPrinter } from './bare-head-printer.js';
import { firmataSerialLink, openSerialPortLink } from './byte-link.js';
import { EscPosPrinter } from './escpos-printer.js';
import { DEFAULT_HEAD_CONFIG } from './head-config.js';
import type { ReceiptPrinter } from './print-job.js';

export interface OpenedPrinter {
  printer: ReceiptPrinter;
  close(): Promise<void>;
}

export async function openPrinter(section: PrinterSection, io: IoPlugin, clock: Clock, pngDir?: string): Promise<OpenedPrinter> {
  const pin = (field: string, value: PinId) => resolvePin(io, value, `printer.pins.${field}`);
  switch (section.kind) {
    case 'virtual': {
      // Imported only for it: pngjs (and Node's zlib and assert, which it loads) stay out of a real board's runtime.
      const { VirtualHeadPrinter } = await import('./virtual-head-printer.js');
      const dir = pngDir ?? section.pngDir;
      return { printer: new VirtualHeadPrinter(dir === undefined ? {} : { pngDir: dir }), close: async () => undefined };
    }
    case 'escpos-serial': {
      if (section.firmataPort) {
        const p = section.firmataPort;
        const pins = p.rxPin !== undefined && p.txPin !== undefined ? { rx: pin('firmataPort.rxPin', p.rxPin), tx: pin('firmataPort.txPin', p.txPin) } : undefined;
        const link = firmataSerialLink(io, p.id as Parameters<typeof firmataSerialLink>[1], section.baud, pins);
        return { printer: new EscPosPrinter(link, clock, { baud: section.baud }), close: async () => undefined };
      }
      if (section.path === undefined) throw new Error('printer: escpos-serial needs "path" (a host serial port) or "firmataPort"');
      const link = await openSerialPortLink(section.path, section.baud).catch((error: Error) => {
        throw new Error(`printer: cannot open ${section.path}: ${error.message}`);
      });
      return { printer: new EscPosPrinter(link, clock, { baud: section.baud }), close: () => link.close() };
    }
    case 'thermal-head': {
      const p = section.pins;
      const stepper = p.motor.map((m, i) => pin(`motor[${i}]`, m));
      if (stepper.length !== 4) throw new Error(`printer.pins.motor: a bipolar stepper needs 4 pins, got ${stepper.length}`);
      const strobes = p.strobe.map((s, i) => pin(`strobe[${i}]`, s));
      const printer = new BareHeadPrinter(io, clock, {
        pins: {
          clock: pin('clk', p.clk),
          data: pin('data', p.data),
          latch: pin('latch', p.latch),
          strobes,
          stepper: stepper as [number, number, number, number],
          paperSensor: pin('paperSensor', p.paperSensor),
        },
        headConfig: { ...DEFAULT_HEAD_CONFIG, strobeGroups: strobes.length },
      });
      return { printer, close: async () => undefined };
    }
  }
}
