/**
 * What the linux-gpio IO plugin needs of the kernel, as small binding interfaces (embedded-hal
 * style), so the plugin is tested against fakes and the native packages stay swappable:
 * - GPIO: the character device (/dev/gpiochipN) - lines requested as outputs, or as inputs with
 *   both-edge events delivered on the event loop;
 * - I2C: i2c-dev (/dev/i2c-N) - plain write and read transactions to a 7-bit address.
 * Serial devices (printer, reader) are opened by path with serialport, as on any host.
 */
export type Level = 0 | 1;

export interface GpioLineRequest {
  /** The line's level now. */
  value(): Level;
  /** Drives an output line. */
  setValue(value: Level): void;
  /** Gives the line back to the kernel. */
  release(): void;
}

export interface GpioChipBinding {
  requestOutput(offset: number, initial: Level, consumer: string): GpioLineRequest;
  /** An input with events on both edges; `onEdge` runs on the event loop with the level after the edge. */
  requestInput(offset: number, bias: 'pull-up' | 'as-is', consumer: string, onEdge: (value: Level) => void): GpioLineRequest;
  close(): void;
}

export interface I2cBusBinding {
  write(address: number, bytes: Uint8Array, done: (error: Error | null) => void): void;
  read(address: number, length: number, done: (error: Error | null, bytes?: Uint8Array) => void): void;
  close(): void;
}

export interface LinuxBoardBindings {
  openGpioChip(path: string): GpioChipBinding;
  openI2cBus(path: string): I2cBusBinding;
}
