/**
 * The journal's storage contract. NOR flash, a file image and an I2C EEPROM/FRAM all implement it.
 *
 * NOR semantics (`needsErase: true`): erase sets a sector to `erasedValue` (0xFF); program only
 * clears bits; a program unit is programmed at most once per erase. EEPROM/FRAM (`needsErase:
 * false`): byte writes, no erase (erase() writes the erased value so callers need not care).
 * Operations complete asynchronously; `program` and `erase` may sit in a volatile stage until
 * `sync`, which makes everything before it durable (journal/FORMAT.md, "Flash assumptions").
 */
export interface FlashGeometry {
  /** Total bytes. */
  readonly size: number;
  readonly sectorSize: number;
  /** Smallest programmable unit in bytes; programs must be aligned to it and a multiple of it. */
  readonly programUnit: number;
  readonly erasedValue: number;
  /** NOR: true. EEPROM/FRAM: false. */
  readonly needsErase: boolean;
}

export interface FlashCounters {
  programs: number;
  erases: number;
  bytesProgrammed: number;
  syncs: number;
  /** Erase count per sector, index = sector number. */
  eraseCountPerSector: number[];
}

export interface FlashDevice {
  readonly geometry: FlashGeometry;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Several ranges in one go, pipelined where the device is slow to reach (an EEPROM behind Firmata); `onBytes` counts bytes as they arrive. */
  readMany?(ranges: readonly { offset: number; length: number }[], onBytes?: (bytes: number) => void): Promise<Uint8Array[]>;
  program(offset: number, data: Uint8Array): Promise<void>;
  erase(sector: number): Promise<void>;
  sync(): Promise<void>;
  counters(): FlashCounters;
  close?(): Promise<void>;
}

/** Thrown by a simulated device for every call after an injected power cut, until reboot(). */
export class PowerCut extends Error {
  constructor(readonly atOperation: number) {
    super(`power cut after flash operation ${atOperation}`);
    this.name = 'PowerCut';
  }
}

/** A program or erase that breaks the device's rules (a bug in the caller, never a cut). */
export class FlashRuleViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlashRuleViolation';
  }
}
