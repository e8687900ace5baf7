/**
 * A serial ASCII magstripe reader wired to the board's UART and read through Firmata serial sysex
 * (0x60; StandardFirmataPlus / ConfigurableFirmata) via the IO plugin. Same parsing core as the host
 * serial reader; Firmata hands over bytes, so lines are split here.
 */
import type { Clock } from '../../hal/clock.js';
import type { IoPlugin, SerialConfigOptions } from '../../hal/io-plugin.js';
import type { Logger } from '../../hal/log.js';
import { ByteLineSplitter } from './byte-line-splitter.js';
import type { SwipeResult, SwipeSource } from './card-read.js';
import { ReaderLineSession } from './reader-line-session.js';
import type { TrackNumber } from './track-format.js';

export interface FirmataSerialReaderOptions {
  serial: SerialConfigOptions;
  clock: Clock;
  expectedTracks?: readonly TrackNumber[];
  quietMs?: number;
  logger?: Logger;
}

export class FirmataSerialSwipeReader implements SwipeSource {
  private readonly session: ReaderLineSession;
  private readonly splitter = new ByteLineSplitter();

  constructor(
    private readonly io: IoPlugin,
    private readonly options: FirmataSerialReaderOptions,
  ) {
    if (!io.serialConfig || !io.serialRead) {
      throw new Error('this IO plugin has no serial support; a Firmata reader needs StandardFirmataPlus or ConfigurableFirmata');
    }
    this.session = new ReaderLineSession({ ...options, takeUnterminated: () => this.splitter.flush() });
    io.serialConfig(options.serial);
    io.serialRead(options.serial.portId, (bytes: number[]) => {
      for (const line of this.splitter.push(bytes)) this.session.line(line);
      this.session.activity();
    });
  }

  onSwipe(listener: (result: SwipeResult) => void): () => void {
    return this.session.listeners.add(listener);
  }

  close(): Promise<void> {
    this.session.close();
    this.io.serialStop?.(this.options.serial.portId);
    this.io.serialClose?.(this.options.serial.portId);
    return Promise.resolve();
  }
}
