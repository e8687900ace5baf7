import type { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { buildKeyExchangeField, type WorkingKeySet } from '../../firmware/security/key-exchange.js';
import { computeMac, type MacScheme } from '../../firmware/security/message-mac.js';
import { decryptPinBlock } from '../../firmware/security/pin-block.js';
import { decryptTrack } from '../../firmware/security/track-encryption.js';
import type { AcquirerSecurity } from './acquirer.js';

/**
 * The simulator's cryptography is the firmware's own (3DES, format-0 PIN blocks, CUP ECB or X9.19
 * MAC): the simulator must agree with a correct terminal bit for bit, and the firmware's code is
 * tested against independent vectors in test/security.
 */
export function firmwareSecurity(rng: SeededRandom, macScheme: MacScheme = 'cup-ecb'): AcquirerSecurity {
  return {
    issueWorkingKeys(masterKey, keyMode) {
      const keys: WorkingKeySet =
        keyMode === '001' ? { pik: rng.bytes(8), mak: rng.bytes(8) } : { pik: rng.bytes(16), mak: rng.bytes(8) };
      if (keyMode === '004') keys.tdk = rng.bytes(16);
      return { keys, field62: buildKeyExchangeField(masterKey, keys, 'tdes') };
    },
    mac: (input, mak) => computeMac(macScheme, mak, input),
    decryptTrack: (track, tdk) => decryptTrack(track, tdk, 'tdes'),
    pinFromBlock(pinBlock, pan, pik) {
      try {
        return decryptPinBlock(pinBlock, pan, pik, 'tdes');
      } catch {
        return undefined;
      }
    },
  };
}
