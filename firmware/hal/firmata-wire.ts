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
