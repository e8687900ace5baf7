import type { NewTransaction } from '../../firmware/journal/journal.js';

/** A magstripe sale as the engine would begin it: the one shape the wear run, bench and tests share. */
export function journalSale(stan: number, batchNo: number, amountFen: number): NewTransaction {
  return {
    type: 'sale',
    stan,
    voucherNo: stan,
    batchNo,
    amountFen,
    operator: '01',
    reversible: true,
    request: {
      mti: '0200',
      processingCode: '000000',
      amountFen,
      stan,
      localTime: '101530',
      localDate: '1122',
      entryMode: '022',
      conditionCode: '00',
      field60: '22' + String(batchNo).padStart(6, '0') + '000',
      pan: '6222021234567890123',
      expiry: '2912',
    },
  };
}
