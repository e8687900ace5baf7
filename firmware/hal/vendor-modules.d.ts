/**
 * Minimal types for the two untyped board libraries, only the parts this project calls.
 * Others may widen these declarations (add members); keep them in this one file.
 */
declare module 'firmata-io' {
  /** The transport firmata-io's Board accepts: a serialport SerialPort or anything shaped like it. */
  interface FirmataTransport {
    on(event: 'open' | 'close', listener: () => void): unknown;
    on(event: 'data', listener: (data: Buffer) => void): unknown;
    on(event: 'error', listener: (error: Error) => void): unknown;
    write(data: Buffer, callback?: (error?: Error | null) => void): unknown;
  }
  interface FirmataOptions {
    reportVersionTimeout?: number;
    samplingInterval?: number;
    skipCapabilities?: boolean;
  }
  /**
   * The Board: it implements the IO-plugin contract (firmware/hal/io-plugin.ts), which an ambient
   * declaration cannot import; openFirmataBoard (firmware/hal/firmata-board.ts) hands it out as one.
   */
  interface FirmataBoard {
    readonly isReady: boolean;
    readonly firmware: { name?: string; version?: { major: number; minor: number } };
    on(event: string, listener: (...args: never[]) => void): this;
    once(event: string, listener: (...args: never[]) => void): this;
  }
  interface FirmataIo {
    /** Binds a default transport class and returns the Board class. */
    (transport: unknown): FirmataIo['Firmata'];
    Firmata: new (transport: FirmataTransport, options?: FirmataOptions, callback?: (error?: Error) => void) => FirmataBoard;
  }
  const firmataIo: FirmataIo;
  export = firmataIo;
}

declare module 'johnny-five' {
  import type { EventEmitter } from 'node:events';

  interface BoardOptions {
    io?: unknown;
    port?: string;
    repl?: boolean;
    debug?: boolean;
    /** false: do not install johnny-five's SIGINT handler, which exits the process at once. */
    sigint?: boolean;
    timeout?: number;
  }
  class Board extends EventEmitter {
    constructor(options?: BoardOptions);
    readonly io: unknown;
  }
  class LCD {
    constructor(options: { controller?: string; address?: number; rows?: number; cols?: number; board?: Board });
    cursor(row: number, col: number): this;
    print(text: string): this;
    clear(): this;
  }
  class Keypad extends EventEmitter {
    constructor(options: { controller?: string; address?: number; keys?: unknown; board?: Board });
  }
  const five: { Board: typeof Board; LCD: typeof LCD; Keypad: typeof Keypad };
  export default five;
  export { Board, LCD, Keypad };
}
