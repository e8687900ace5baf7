import type { NewTransaction } from '../../firmware/journal/journal.js';
import { SeededRandom } from '../../firmware/hal/seeded-random.js';

export const TEST_KEY = new Uint8Array(32).fill(7);

/** Seeded IVs so flash contents repeat from run to run. */
export function seededIvs(seed = 5): (n: number) => Uint8Array {
  const random = new SeededRandom(seed);
  return (n) => random.bytes(n);
}

export function sale(stan: number, overrides: Partial<NewTransaction> = {}): NewTransaction {
  return {
    type: 'sale',
    stan,
    voucherNo: stan,
    batchNo: 1,
    amountFen: 8800,
    operator: '01',
    reversible: true,
    request: {
      mti: '0200',
      processingCode: '000000',
      amountFen: 8800,
      stan,
      localTime: '101530',
      localDate: '1122',
      entryMode: '022',
      conditionCode: '00',
      field60: '22000001000',
      pan: '6222021234567890123',
      expiry: '2912',
    },
    ...overrides,
  };
}

export const APPROVAL = { authCode: '123456', rrn: '332211445566', hostDate: '1122', hostTime: '101533' };
