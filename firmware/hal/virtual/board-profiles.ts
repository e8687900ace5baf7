/**
 * What an Arduino board looks like to StandardFirmataPlus (its Boards.h view): which pins are
 * digital, analog, PWM, I2C and serial, and which serial ports exist. The capability and
 * analog-mapping answers of the emulator and the `pins` array of VirtualIo are derived from this,
 * so a driver sees the same board through either.
 */
import { PinMode } from '../io-plugin.js';

export type BoardProfileName = 'uno' | 'mega';

export interface HardwareSerialPins {
  portId: number;
  rx: number;
  tx: number;
}

export interface BoardProfile {
  readonly name: BoardProfileName;
  readonly totalPins: number;
  readonly isDigital: (pin: number) => boolean;
  /** Analog channel of a pin, or undefined. */
  readonly analogChannel: (pin: number) => number | undefined;
  readonly isPwm: (pin: number) => boolean;
  readonly i2cPins: { sda: number; scl: number };
  /** Pins reported with the SERIAL capability (Boards.h IS_PIN_SERIAL). */
  readonly serialPins: readonly number[];
  /** Hardware ports SerialFirmata can open (Serial0 carries Firmata itself, so never 0). */
  readonly hardwareSerial: readonly HardwareSerialPins[];
  /** Software serial ids 8-11 (SoftwareSerial is compiled into StandardFirmataPlus on AVR). */
  readonly softwareSerialIds: readonly number[];
  /** Hardware UART receive buffer size (bytes beyond it are lost). */
  readonly uartRxBufferSize: number;
}

const SOFTWARE_SERIAL_IDS = [8, 9, 10, 11] as const;

export const UNO: BoardProfile = {
  name: 'uno',
  totalPins: 20,
  isDigital: (p) => p >= 2 && p <= 19,
  analogChannel: (p) => (p >= 14 && p <= 19 ? p - 14 : undefined),
  isPwm: (p) => [3, 5, 6, 9, 10, 11].includes(p),
  i2cPins: { sda: 18, scl: 19 },
  serialPins: [0, 1],
  hardwareSerial: [],
  softwareSerialIds: SOFTWARE_SERIAL_IDS,
  uartRxBufferSize: 64,
};

export const MEGA: BoardProfile = {
  name: 'mega',
  totalPins: 70,
  isDigital: (p) => p >= 2 && p < 70,
  analogChannel: (p) => (p >= 54 && p < 70 ? p - 54 : undefined),
  isPwm: (p) => (p >= 2 && p <= 13) || (p >= 44 && p <= 46),
  i2cPins: { sda: 20, scl: 21 },
  serialPins: [14, 15, 16, 17, 18, 19],
  hardwareSerial: [
    { portId: 1, rx: 19, tx: 18 },
    { portId: 2, rx: 17, tx: 16 },
    { portId: 3, rx: 15, tx: 14 },
  ],
  softwareSerialIds: SOFTWARE_SERIAL_IDS,
  uartRxBufferSize: 64,
};

export function boardProfile(name: string): BoardProfile {
  const key = name.toLowerCase();
  if (key === 'uno') return UNO;
  if (key === 'mega' || key === 'mega2560') return MEGA;
  throw new Error(`unknown board profile "${name}" (known: uno, mega)`);
}

/** Serial pin resolution code as SerialFirmata's getSerialPinType reports it (RX1=2, TX1=3, ...). */
function serialPinType(profile: BoardProfile, pin: number): number {
  for (const port of profile.hardwareSerial) {
    if (pin === port.rx) return port.portId * 2;
    if (pin === port.tx) return port.portId * 2 + 1;
  }
  return 0;
}

/** One pin's capabilities as [mode, resolution] pairs, in StandardFirmataPlus's order. */
export function pinCapabilities(profile: BoardProfile, pin: number): [number, number][] {
  const caps: [number, number][] = [];
  const digital = profile.isDigital(pin);
  if (digital) caps.push([PinMode.INPUT, 1], [PinMode.PULLUP, 1], [PinMode.OUTPUT, 1]);
  if (profile.analogChannel(pin) !== undefined) caps.push([PinMode.ANALOG, 10]);
  if (profile.isPwm(pin)) caps.push([PinMode.PWM, 8]);
  if (digital) caps.push([PinMode.SERVO, 14]);
  if (pin === profile.i2cPins.sda || pin === profile.i2cPins.scl) caps.push([PinMode.I2C, 1]);
  if (profile.serialPins.includes(pin)) caps.push([PinMode.SERIAL, serialPinType(profile, pin)]);
  return caps;
}
