import type { NewTransaction } from '../../firmware/journal/journal.js';
import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { journalSale } from '../../tools/powerloss/journal-sale.js';

export const TEST_KEY = new Uint8Array(32).fill(7);

/** Seeded IVs so flash contents repeat from run to run. */
export function seededIvs(seed = 5): (n: number) => Uint8Array {
  const random = new SeededRandom(seed);
  return (n) => random.bytes(n);
}

/** A sale in batch 1 of 88.00 with STAN = voucher number; `overrides` replace whole fields. */
export function sale(stan: number, overrides: Partial<NewTransaction> = {}): NewTransaction {
  const tx = journalSale(stan, 1, 8800);
  return { ...tx, ...overrides };
}

export const APPROVAL = { authCode: '123456', rrn: '332211445566', hostDate: '1122', hostTime: '101533' };

/** A begin record as large as the input checks allow (record-codec.test.ts checks it against MAX_PAYLOAD_BYTES). */
export function largestTransaction(stan: number, batchNo: number): NewTransaction {
  const tx = sale(stan, {
    voucherNo: stan,
    batchNo,
    amountFen: 999_999_999_999,
    operator: 'OPERATOR',
    type: 'completion-void',
    original: { voucherNo: 999999, batchNo: 999999, rrn: 'ABCDEFGHIJKL', authCode: 'ABCDEF', date: '1231' },
  });
  tx.request = {
    ...tx.request,
    mti: '9200',
    processingCode: '999999',
    pan: '6'.repeat(19),
    amountFen: 999_999_999_998,
    stan: 999998,
    field60: '9'.repeat(32),
    authCode: 'ABCDEF',
    originalRrn: 'ABCDEFGHIJKL',
    field61: '9'.repeat(29),
  };
  return tx;
}
