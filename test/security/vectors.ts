import { readFileSync } from 'node:fs';

/** The committed vectors of test/fixtures/security/generate.sh (openssl, not our code). */
export const VECTORS = JSON.parse(
  readFileSync(new URL('../fixtures/security/vectors.json', import.meta.url), 'utf8'),
) as {
  keys: Record<'tmk' | 'pik' | 'mak' | 'tdk' | 'mak16' | 'sm4Tmk' | 'sm4Pik' | 'sm4Mak', string>;
  checkValues: Record<'pik' | 'mak' | 'tdk', string>;
  keyExchange: Record<'f62Double' | 'f62WithTdk' | 'sm4F62', string>;
  pinBlock: Record<'pan' | 'pin' | 'clear' | 'tdes' | 'sm4Clear' | 'sm4', string>;
  mac: {
    saleInput: string;
    blocksInput: string;
    cupEcb: Record<'sale' | 'blocks', string>;
    x919: Record<'sale' | 'blocks', string>;
  };
};

export function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function hex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex').toUpperCase();
}
