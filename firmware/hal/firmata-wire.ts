/**
 * What the Firmata wire costs, for drivers that batch and for waits that must start when bytes
 * arrive rather than when they were queued (hardware.md, Firmata).
 */

/** 57600 baud 8N1: 10 bits a byte. */
export const FIRMATA_MS_PER_WIRE_BYTE = 10 / 57.6;

/** Firmata's 64-byte sysex input buffer holds about 29 I2C write payload bytes per request. */
export const FIRMATA_I2C_WRITE_MAX_PAYLOAD = 29;

/** Arduino's Wire buffer: the most an I2C read can return in one request. */
export const FIRMATA_I2C_READ_MAX = 32;

/** Wire bytes of one I2C write request: F0 76 address mode, 2 per payload byte (7-bit encoding), F7. */
export function firmataI2cWriteWireBytes(payloadBytes: number): number {
  return 5 + 2 * payloadBytes;
}

/** A digitalWrite is one digital port message: 0x90|port, LSB, MSB. */
export const FIRMATA_DIGITAL_WRITE_WIRE_BYTES = 3;

/** Firmata 2.6 command bytes (both directions). */
export const FIRMATA = {
  DIGITAL_MESSAGE: 0x90,
  ANALOG_MESSAGE: 0xe0,
  REPORT_ANALOG: 0xc0,
  REPORT_DIGITAL: 0xd0,
  SET_PIN_MODE: 0xf4,
  SET_DIGITAL_PIN_VALUE: 0xf5,
  REPORT_VERSION: 0xf9,
  SYSTEM_RESET: 0xff,
  START_SYSEX: 0xf0,
  END_SYSEX: 0xf7,
  SERIAL_MESSAGE: 0x60,
  EXTENDED_ANALOG: 0x6f,
  ANALOG_MAPPING_QUERY: 0x69,
  ANALOG_MAPPING_RESPONSE: 0x6a,
  CAPABILITY_QUERY: 0x6b,
  CAPABILITY_RESPONSE: 0x6c,
  PIN_STATE_QUERY: 0x6d,
  PIN_STATE_RESPONSE: 0x6e,
  SERVO_CONFIG: 0x70,
  STRING_DATA: 0x71,
  I2C_REQUEST: 0x76,
  I2C_REPLY: 0x77,
  I2C_CONFIG: 0x78,
  QUERY_FIRMWARE: 0x79,
  SAMPLING_INTERVAL: 0x7a,
} as const;

/** I2C_REQUEST's read/write mode, bits 3-4 of its second byte. */
export const I2C_MODE = { WRITE: 0, READ: 1, CONTINUOUS_READ: 2, STOP_READING: 3 } as const;
