/**
 * Firmata 2.6 message bytes: command constants and encoders for both directions. The emulator
 * puts these bytes on its wire; VirtualIo encodes the same messages only to count what they would
 * cost, so a driver's wire budget is the same whichever board it runs on.
 */
import { FIRMATA, I2C_MODE } from '../firmata-wire.js';
import type { FirmataReply } from './standard-firmata-plus.js';

export { FIRMATA, I2C_MODE };

export const SERIAL_SUBCOMMAND = { CONFIG: 0x10, WRITE: 0x20, READ: 0x30, REPLY: 0x40, CLOSE: 0x50, FLUSH: 0x60, LISTEN: 0x70 } as const;

/** The protocol version StandardFirmataPlus reports (Firmata library 2.5.x speaks protocol 2.6). */
export const PROTOCOL_VERSION = { major: 2, minor: 6 } as const;
export const FIRMWARE = { name: 'StandardFirmataPlus.ino', major: 2, minor: 5 } as const;

/** Each 8-bit value as two 7-bit bytes, LSB first. */
export function twoSevenBit(values: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of values) out.push(v & 0x7f, (v >> 7) & 0x7f);
  return out;
}

export function sysex(command: number, data: readonly number[]): number[] {
  return [FIRMATA.START_SYSEX, command, ...data, FIRMATA.END_SYSEX];
}

// ---- host -> board ----

export const encodeCommand = {
  pinMode: (pin: number, mode: number) => [FIRMATA.SET_PIN_MODE, pin & 0x7f, mode & 0x7f],
  digitalPort: (port: number, value: number) => [FIRMATA.DIGITAL_MESSAGE | (port & 0x0f), value & 0x7f, (value >> 7) & 0x7f],
  setPinValue: (pin: number, value: number) => [FIRMATA.SET_DIGITAL_PIN_VALUE, pin & 0x7f, value ? 1 : 0],
  pinStateQuery: (pin: number) => sysex(FIRMATA.PIN_STATE_QUERY, [pin & 0x7f]),
  reportDigital: (port: number, on: boolean) => [FIRMATA.REPORT_DIGITAL | (port & 0x0f), on ? 1 : 0],
  samplingInterval: (ms: number) => sysex(FIRMATA.SAMPLING_INTERVAL, [ms & 0x7f, (ms >> 7) & 0x7f]),
  i2cConfig: (delayUs: number) => sysex(FIRMATA.I2C_CONFIG, [delayUs & 0x7f, (delayUs >> 7) & 0x7f]),
  i2cWrite: (address: number, bytes: readonly number[]) => sysex(FIRMATA.I2C_REQUEST, [address & 0x7f, I2C_MODE.WRITE << 3, ...twoSevenBit(bytes)]),
  i2cRead: (address: number, register: number | undefined, count: number, continuous: boolean) =>
    sysex(FIRMATA.I2C_REQUEST, [
      address & 0x7f,
      (continuous ? I2C_MODE.CONTINUOUS_READ : I2C_MODE.READ) << 3,
      ...(register === undefined ? [] : twoSevenBit([register])),
      count & 0x7f,
      (count >> 7) & 0x7f,
    ]),
  i2cStop: (address: number) => sysex(FIRMATA.I2C_REQUEST, [address & 0x7f, I2C_MODE.STOP_READING << 3]),
  serialConfig: (portId: number, baud: number, rxPin?: number, txPin?: number) =>
    sysex(FIRMATA.SERIAL_MESSAGE, [
      SERIAL_SUBCOMMAND.CONFIG | portId,
      baud & 0x7f,
      (baud >> 7) & 0x7f,
      (baud >> 14) & 0x7f,
      ...(portId > 7 && rxPin !== undefined && txPin !== undefined ? [rxPin, txPin] : []),
    ]),
  serialWrite: (portId: number, bytes: readonly number[]) => sysex(FIRMATA.SERIAL_MESSAGE, [SERIAL_SUBCOMMAND.WRITE | portId, ...twoSevenBit(bytes)]),
  serialRead: (portId: number, continuous: boolean, maxBytes?: number) =>
    sysex(FIRMATA.SERIAL_MESSAGE, [
      SERIAL_SUBCOMMAND.READ | portId,
      continuous ? 0 : 1,
      ...(maxBytes === undefined ? [] : [maxBytes & 0x7f, (maxBytes >> 7) & 0x7f]),
    ]),
  serialClose: (portId: number) => sysex(FIRMATA.SERIAL_MESSAGE, [SERIAL_SUBCOMMAND.CLOSE | portId]),
};

// ---- board -> host ----

export function encodeReply(reply: FirmataReply): number[] {
  switch (reply.kind) {
    case 'digital-port':
      return encodeCommand.digitalPort(reply.port, reply.value);
    case 'analog':
      return [FIRMATA.ANALOG_MESSAGE | (reply.channel & 0x0f), reply.value & 0x7f, (reply.value >> 7) & 0x7f];
    case 'i2c-reply':
      return sysex(FIRMATA.I2C_REPLY, twoSevenBit([reply.address, reply.register, ...reply.bytes]));
    case 'serial-reply':
      return sysex(FIRMATA.SERIAL_MESSAGE, [SERIAL_SUBCOMMAND.REPLY | reply.portId, ...twoSevenBit(reply.bytes)]);
    case 'string':
      return sysex(FIRMATA.STRING_DATA, twoSevenBit([...Buffer.from(reply.text, 'latin1')]));
    case 'pin-state': {
      if (reply.mode === undefined || reply.state === undefined) return sysex(FIRMATA.PIN_STATE_RESPONSE, [reply.pin]);
      const data = [reply.pin, reply.mode, reply.state & 0x7f];
      if (reply.state & 0xff80) data.push((reply.state >> 7) & 0x7f);
      if (reply.state & 0xc000) data.push((reply.state >> 14) & 0x7f);
      return sysex(FIRMATA.PIN_STATE_RESPONSE, data);
    }
  }
}

export function encodeVersion(): number[] {
  return [FIRMATA.REPORT_VERSION, PROTOCOL_VERSION.major, PROTOCOL_VERSION.minor];
}

export function encodeFirmwareName(): number[] {
  return sysex(FIRMATA.QUERY_FIRMWARE, [FIRMWARE.major, FIRMWARE.minor, ...twoSevenBit([...Buffer.from(FIRMWARE.name, 'latin1')])]);
}
