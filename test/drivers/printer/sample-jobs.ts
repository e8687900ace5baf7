/** Typical jobs shared by the printer tests and the printer benchmark. */
import type { ReversalFailedSlip, SettlementReport, TransactionReceipt } from '../../../firmware/drivers/printer/print-job.js';

export const SALE_RECEIPT: TransactionReceipt = {
  kind: 'transaction',
  copy: 'merchant',
  reprint: false,
  merchantName: '北京测试商贸有限公司',
  merchantNo: '898110048990001',
  terminalId: '12345678',
  operator: '01',
  issuer: '中国工商银行',
  acquirer: '银联商务',
  maskedPan: '622202******1234',
  expiry: '28/12',
  transactionType: { zh: '消费', en: 'SALE' },
  batchNo: '000001',
  voucherNo: '000123',
  authCode: '123456',
  referenceNo: '112209000123',
  dateTime: '2026/11/22 09:00:00',
  amountFen: 8800,
  remarks: [],
  signatureLine: true,
};

export const REVERSAL_FAILED: ReversalFailedSlip = {
  kind: 'reversal-failed',
  merchantName: '北京测试商贸有限公司',
  merchantNo: '898110048990001',
  terminalId: '12345678',
  maskedPan: '622202******1234',
  transactionType: { zh: '消费', en: 'SALE' },
  batchNo: '000001',
  voucherNo: '000124',
  dateTime: '2026/11/22 09:05:00',
  amountFen: 12345,
  reasonCode: '98',
};

export const SETTLEMENT: SettlementReport = {
  kind: 'settlement',
  reprint: false,
  merchantName: '北京测试商贸有限公司',
  merchantNo: '898110048990001',
  terminalId: '12345678',
  operator: '01',
  batchNo: '000001',
  dateTime: '2026/11/22 18:00:00',
  rows: [
    { type: { zh: '消费', en: 'SALE' }, count: 3, amountFen: 26400 },
    { type: { zh: '消费撤销', en: 'VOID' }, count: 1, amountFen: 8800 },
    { type: { zh: '预授权完成', en: 'AUTH COMPLETE' }, count: 1, amountFen: 100000 },
  ],
  balanced: true,
  failedReversals: [{ voucherNo: '000124', maskedPan: '622202******1234', amountFen: 12345, reasonCode: '98' }],
};
