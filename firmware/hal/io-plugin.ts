/**
 * The board contract: johnny-five's IO-plugin interface (the Firmata API) as TypeScript types.
 *
 * Firmata over serialport (host-driven Arduino), raspi-io / linux-io (on the board itself) and the
 * virtual IO (simulation, tests) all satisfy it, so a driver never knows where it runs.
 * Calls return at once; results arrive through callbacks or events (Tock style), never by blocking.
 * Only the calls the drivers use are typed; an implementation may offer more.
 */
export const PinMode = {
  INPUT: 0,
  OUTPUT: 1,
  ANALOG: 2,
  PWM: 3,
  SERVO: 4,
  I2C: 6,
  SERIAL: 10,
  PULLUP: 11,
} as const;
export type PinModeValue = (typeof PinMode)[keyof typeof PinMode];

export const HIGH = 1;
export const LOW = 0;
export type PinValue = 0 | 1;

export interface PinInfo {
  supportedModes: number[];
  mode?: number;
  value?: number;
  report?: number;
  analogChannel?: number;
}

/** Firmata serial port ids: hardware 0-3, software 8-11. */
export type SerialPortId = number;

export interface SerialConfigOptions {
  portId: SerialPortId;
  baud: number;
  rxPin?: number;
  txPin?: number;
}

export interface I2cConfigOptions {
  /** Microseconds the firmware waits between an I2C write and the following read. */
  delay?: number;
}

export interface IoPlugin {
  readonly isReady: boolean;
  readonly pins: readonly PinInfo[];
  readonly MODES: Record<string, number>;
  readonly HIGH: number;
  readonly LOW: number;
  name?: string;
  /** raspi-io / linux-io: turns a pin name (GPIO17, P1-11) into the pin number the other calls take. */
  normalize?(pin: number | string): number;

  on(event: 'ready' | 'connect' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Firmata: a PIN_STATE_RESPONSE for the pin arrived (after queryPinState). */
  on(event: `pin-state-${number}`, listener: () => void): unknown;
  /** Firmata: an I2C reply from the address (register 0 when the read named none), in wire order. */
  on(event: `I2C-reply-${number}-${number}`, listener: (bytes: number[]) => void): unknown;
  once(event: 'ready' | 'connect' | 'close', listener: () => void): unknown;
  removeListener?(event: string, listener: (...args: never[]) => void): unknown;

  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: number): void;
  /** Enables change reporting for the pin's port; the callback runs on every reported change. */
  digitalRead(pin: number, callback: (value: number) => void): void;
  reportDigitalPin?(pin: number, value: 0 | 1): void;
  /** Firmata PIN_STATE_QUERY; the answer comes in order with the board's other messages. */
  queryPinState?(pin: number, callback: () => void): void;
  setSamplingInterval?(ms: number): void;

  i2cConfig(options?: I2cConfigOptions | number): void;
  i2cWrite(address: number, bytes: number[] | Uint8Array): void;
  i2cWrite(address: number, register: number, bytes: number[] | Uint8Array): void;
  i2cWriteReg?(address: number, register: number, byte: number): void;
  i2cReadOnce(address: number, bytesToRead: number, callback: (bytes: number[]) => void): void;
  i2cReadOnce(address: number, register: number, bytesToRead: number, callback: (bytes: number[]) => void): void;
  i2cRead?(address: number, register: number, bytesToRead: number, callback: (bytes: number[]) => void): void;
  i2cStop?(options: { address: number } | number): void;

  serialConfig?(options: SerialConfigOptions): void;
  serialWrite?(portId: SerialPortId, bytes: number[]): void;
  serialRead?(portId: SerialPortId, callback: (bytes: number[]) => void): void;
  serialRead?(portId: SerialPortId, maxBytesToRead: number, callback: (bytes: number[]) => void): void;
  serialStop?(portId: SerialPortId): void;
  serialClose?(portId: SerialPortId): void;
}
