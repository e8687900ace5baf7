/**
 * The board's I2C bus (Wire at its default 100 kHz): addressable devices, ACK/NACK, and the time a
 * transaction occupies the bus. Devices get the bus time of every byte so that timing-sensitive
 * models (HD44780 behind a PCF8574, EEPROM write cycles) can check what the real parts would see.
 */

/** 9 bit times (8 data + ACK) at 100 kHz. */
export const I2C_BYTE_US = 90;

export interface I2cDevice {
  /**
   * A write transaction addressed to this device. `startUs` is when the address byte went out;
   * data byte i completes at startUs + (i + 2) * byteUs. Returns false to NACK the address.
   */
  write(bytes: readonly number[], startUs: number, byteUs: number): boolean;
  /** A read transaction: `count` bytes, or undefined to NACK the address. */
  read(count: number, startUs: number, byteUs: number): number[] | undefined;
}

export interface I2cOutcome {
  ack: boolean;
  /** Bus time of the whole transaction, start to stop. */
  durationUs: number;
}

export class I2cBus {
  private readonly devices = new Map<number, I2cDevice>();
  /** Transactions seen, for tests and wire budgets. */
  transactions = 0;

  attach(address: number, device: I2cDevice): void {
    if (!Number.isInteger(address) || address < 0x03 || address > 0x77) {
      throw new Error(`I2C address ${address} is outside the 7-bit range 0x03-0x77`);
    }
    if (this.devices.has(address)) {
      throw new Error(`I2C address 0x${address.toString(16)} is already taken on this bus`);
    }
    this.devices.set(address, device);
  }

  write(address: number, bytes: readonly number[], startUs: number): I2cOutcome {
    this.transactions++;
    const device = this.devices.get(address);
    const ack = device ? device.write(bytes, startUs, I2C_BYTE_US) : false;
    // A NACKed address ends the transaction after the address byte.
    const durationUs = (ack ? 1 + bytes.length : 1) * I2C_BYTE_US;
    return { ack, durationUs };
  }

  read(address: number, count: number, startUs: number): { bytes: number[] | undefined; durationUs: number } {
    this.transactions++;
    const device = this.devices.get(address);
    const bytes = device ? device.read(count, startUs, I2C_BYTE_US) : undefined;
    const durationUs = (bytes ? 1 + count : 1) * I2C_BYTE_US;
    return { bytes, durationUs };
  }
}
