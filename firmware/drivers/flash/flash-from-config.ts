/** Opens the FlashDevice a board config's flash section describes. */
import type { FlashSection } from '../../hal/board-config.js';
import type { Clock } from '../../hal/clock.js';
import type { IoPlugin } from '../../hal/io-plugin.js';
import { FileImageFlash } from './file-image.js';
import type { FlashDevice } from './flash-device.js';
import { EEPROM_PARTS, I2cEeprom, type EepromPartName } from './i2c-eeprom.js';
import { SimulatedNorFlash } from './simulated-nor.js';

/** The program unit the journal is laid out for on NOR-like devices. */
const NOR_PROGRAM_UNIT = 16;

export async function openFlash(section: FlashSection, io: IoPlugin | undefined, clock: Clock, localBus: boolean): Promise<FlashDevice> {
  switch (section.kind) {
    case 'simulated':
      return new SimulatedNorFlash({ size: section.size ?? 65536, sectorSize: section.sectorSize ?? 4096, programUnit: NOR_PROGRAM_UNIT });
    case 'i2c-eeprom': {
      if (!io) throw new Error('flash.kind "i2c-eeprom" needs a board');
      if (!(section.part in EEPROM_PARTS)) {
        throw new Error(`flash.part: unknown part ${section.part} (known: ${Object.keys(EEPROM_PARTS).join(', ')})`);
      }
      return new I2cEeprom({
        io,
        clock,
        address: section.address,
        part: section.part as EepromPartName,
        ...(section.sectorSize === undefined ? {} : { sectorSize: section.sectorSize }),
        ...(localBus ? { msPerWireByte: 0 } : {}),
      });
    }
    case 'file':
      return FileImageFlash.open({ path: section.path, size: section.size, sectorSize: section.sectorSize, programUnit: NOR_PROGRAM_UNIT });
  }
}
