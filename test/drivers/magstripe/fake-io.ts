/** Test helper: the IoPlugin calls the magstripe readers use, recorded, with inputs driven by the test. */
import type { IoPlugin, SerialConfigOptions } from '../../../firmware/hal/io-plugin.js';

export class FakeIo {
  readonly pinModes = new Map<number, number>();
  readonly serialConfigs: SerialConfigOptions[] = [];
  readonly serialClosed: number[] = [];
  private readonly digital = new Map<number, (value: number) => void>();
  private readonly serial = new Map<number, (bytes: number[]) => void>();

  asPlugin(withSerial = true): IoPlugin {
    const plugin = {
      isReady: true,
      pins: [],
      MODES: { INPUT: 0, OUTPUT: 1, PULLUP: 11, SERIAL: 10 },
      HIGH: 1,
      LOW: 0,
      on: () => plugin,
      once: () => plugin,
      pinMode: (pin: number, mode: number) => void this.pinModes.set(pin, mode),
      digitalWrite: () => undefined,
      digitalRead: (pin: number, callback: (value: number) => void) => void this.digital.set(pin, callback),
      i2cConfig: () => undefined,
      i2cWrite: () => undefined,
      i2cReadOnce: () => undefined,
      ...(withSerial
        ? {
            serialConfig: (options: SerialConfigOptions) => void this.serialConfigs.push(options),
            serialRead: (portId: number, callback: (bytes: number[]) => void) => void this.serial.set(portId, callback),
            serialClose: (portId: number) => void this.serialClosed.push(portId),
          }
        : {}),
    };
    return plugin as IoPlugin;
  }

  setPin(pin: number, value: 0 | 1): void {
    const callback = this.digital.get(pin);
    if (!callback) throw new Error(`pin ${pin} is not being read`);
    callback(value);
  }

  receive(portId: number, text: string): void {
    const callback = this.serial.get(portId);
    if (!callback) throw new Error(`serial port ${portId} is not being read`);
    callback([...Buffer.from(text, 'latin1')]);
  }
}
