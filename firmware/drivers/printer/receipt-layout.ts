/**
 * Receipt layout (pure): a PrintJob -> text lines of at most 32 columns (58 mm paper, Chinese characters
 * count two). Both the ESC/POS backend (printer's own font) and the raster backends (our bitmap font)
 * print exactly these lines, so `linesPrinted` means the same thing everywhere.
 */
import type { PrintJob, ReceiptCopy, ReversalFailedSlip, SettlementReport, TransactionList, TransactionReceipt } from './print-job.js';
import { validatePrintJob } from './print-job-validation.js';
import { RECEIPT_COLUMNS, alignRight, centre, spread, textColumns, wrapColumns } from './text-columns.js';

/** Blank lines fed after every job so the tear bar clears the last printed line. */
export const TEAR_OFF_FEED_LINES = 3;

export const SIGNATURE_ACKNOWLEDGEMENT = '本人确认以上交易，同意将其记入本卡账户';
export const REPRINT_MARK = '重打印 REPRINT';
export const REVERSAL_FAILED_TITLE = '冲正不成功 请人工处理';

const RULE = '-'.repeat(RECEIPT_COLUMNS);

const COPY_NAMES: Record<ReceiptCopy, [string, string]> = {
  merchant: ['商户存根', 'MERCHANT COPY'],
  cardholder: ['持卡人存根', 'CARDHOLDER COPY'],
  bank: ['银行存根', 'BANK COPY'],
};

/** 8800 -> "88.00". */
export function formatFen(amountFen: number): string {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) {
    throw new RangeError(`amount must be a non-negative integer number of fen (got ${amountFen})`);
  }
  const yuan = Math.floor(amountFen / 100);
  return `${yuan}.${String(amountFen % 100).padStart(2, '0')}`;
}

export function layoutReceipt(job: PrintJob): string[] {
  validatePrintJob(job);
  let lines: string[];
  switch (job.kind) {
    case 'transaction':
      lines = layoutTransaction(job);
      break;
    case 'reversal-failed':
      lines = layoutReversalFailed(job);
      break;
    case 'settlement':
      lines = layoutSettlement(job);
      break;
    case 'transaction-list':
      lines = layoutTransactionList(job);
      break;
  }
  for (const line of lines) {
    if (textColumns(line) > RECEIPT_COLUMNS) throw new Error(`layout bug: line wider than ${RECEIPT_COLUMNS}: ${line}`);
  }
  return [...lines, ...Array<string>(TEAR_OFF_FEED_LINES).fill('')];
}

/** "label value" on one line when it fits, else the label then the value indented on its own line(s). */
function field(zh: string, en: string, value: string): string[] {
  const label = `${zh}(${en}):`;
  const oneLine = spread(label, value);
  if (oneLine !== undefined) return [oneLine];
  return [label, ...wrapColumns(value, RECEIPT_COLUMNS - 2).map((l) => `  ${l}`)];
}

function amountField(amountFen: number): string[] {
  return field('金额', 'AMOUNT', `RMB ${formatFen(amountFen)}`);
}

function title(text: string, reprint: boolean): string[] {
  return [centre(text), ...(reprint ? [centre(REPRINT_MARK)] : [])];
}

function merchantFields(merchantName: string, merchantNo: string, terminalId: string): string[] {
  return [
    RULE,
    ...field('商户名称', 'MERCHANT NAME', merchantName),
    ...field('商户编号', 'MERCHANT NO.', merchantNo),
    ...field('终端编号', 'TERMINAL NO.', terminalId),
  ];
}

function layoutTransaction(job: TransactionReceipt): string[] {
  const [copyZh, copyEn] = COPY_NAMES[job.copy];
  const lines = [
    ...title('POS签购单', job.reprint),
    spread(copyZh, copyEn)!,
    ...merchantFields(job.merchantName, job.merchantNo, job.terminalId),
    ...field('操作员号', 'OPERATOR NO.', job.operator),
    ...field('发卡行', 'ISSUER', job.issuer),
    ...field('收单行', 'ACQUIRER', job.acquirer),
    ...field('卡号', 'CARD NO.', job.maskedPan),
    ...(job.cardOrganisation !== undefined ? field('卡组织', 'CARD ORG.', job.cardOrganisation) : []),
    ...(job.entryMode !== undefined ? field('输入方式', 'ENTRY MODE', job.entryMode) : []),
    ...field('有效期', 'EXP DATE', job.expiry),
    ...field('交易类型', 'TRANS TYPE', `${job.transactionType.zh}/${job.transactionType.en}`),
    ...field('批次号', 'BATCH NO.', job.batchNo),
    ...field('凭证号', 'VOUCHER NO.', job.voucherNo),
    ...field('授权码', 'AUTH NO.', job.authCode),
    ...field('参考号', 'REFER NO.', job.referenceNo),
    ...field('日期/时间', 'DATE/TIME', job.dateTime),
    ...amountField(job.amountFen),
  ];
  if (job.remarks.length > 0) {
    lines.push('备注(REFERENCE):');
    for (const remark of job.remarks) lines.push(...wrapColumns(remark, RECEIPT_COLUMNS - 2).map((l) => `  ${l}`));
  }
  lines.push(RULE);
  if (job.signatureLine) {
    lines.push('持卡人签名 CARDHOLDER SIGNATURE', '', '', '_'.repeat(RECEIPT_COLUMNS));
    lines.push(...wrapColumns(SIGNATURE_ACKNOWLEDGEMENT));
  }
  return lines;
}

function layoutReversalFailed(job: ReversalFailedSlip): string[] {
  return [
    centre(REVERSAL_FAILED_TITLE),
    centre('REVERSAL FAILED'),
    ...merchantFields(job.merchantName, job.merchantNo, job.terminalId),
    ...field('卡号', 'CARD NO.', job.maskedPan),
    ...field('交易类型', 'TRANS TYPE', `${job.transactionType.zh}/${job.transactionType.en}`),
    ...field('批次号', 'BATCH NO.', job.batchNo),
    ...field('凭证号', 'VOUCHER NO.', job.voucherNo),
    ...field('日期/时间', 'DATE/TIME', job.dateTime),
    ...amountField(job.amountFen),
    ...field('冲正原因', 'REASON', job.reasonCode),
    RULE,
    ...wrapColumns('请联系收单行人工处理，核实持卡人是否已扣款'),
  ];
}

/** Settlement table columns: type | count | amount = 14 + 6 + 12 = 32. */
function totalsRow(type: string, count: string, amount: string): string[] {
  const numbers = alignRight(count, 6) + alignRight(amount, 12);
  if (textColumns(type) > 14) return [type, ' '.repeat(14) + numbers];
  return [type + ' '.repeat(14 - textColumns(type)) + numbers];
}

function layoutSettlement(job: SettlementReport): string[] {
  const lines = [
    ...title('结算总计单 SETTLEMENT', job.reprint),
    ...merchantFields(job.merchantName, job.merchantNo, job.terminalId),
    ...field('操作员号', 'OPERATOR NO.', job.operator),
    ...field('批次号', 'BATCH NO.', job.batchNo),
    ...field('日期/时间', 'DATE/TIME', job.dateTime),
    RULE,
    ...totalsRow('类型/TYPE', '笔数', '金额(RMB)'),
  ];
  for (const row of job.rows) {
    const both = `${row.type.zh}/${row.type.en}`;
    lines.push(...totalsRow(textColumns(both) <= 14 ? both : row.type.zh, String(row.count), formatFen(row.amountFen)));
  }
  lines.push(RULE, job.balanced ? '对账平 BALANCED' : '对账不平 NOT BALANCED', RULE);
  lines.push(`冲正失败 FAILED REVERSALS: ${job.failedReversals.length}`);
  for (const f of job.failedReversals) {
    lines.push(spread(`凭证号 ${f.voucherNo}`, `RMB ${formatFen(f.amountFen)}`) ?? `凭证号 ${f.voucherNo}`);
    lines.push(spread(`  ${f.maskedPan}`, `原因 ${f.reasonCode}`) ?? `  ${f.maskedPan}`);
  }
  if (job.failedReversals.length > 0) lines.push(...wrapColumns('以上冲正不成功 请人工处理'));
  return lines;
}

/** Left and right on one line when both fit, else the right part right-aligned on the next. */
function spreadOrStack(left: string, right: string): string[] {
  const one = spread(left, right);
  return one !== undefined ? [one] : [left, alignRight(right, RECEIPT_COLUMNS)];
}

/** 交易明细: voucher, type and amount on one line; card, organisation/entry and outcome on the next. */
function layoutTransactionList(job: TransactionList): string[] {
  const lines = [
    centre('交易明细 TRANSACTION LIST'),
    ...merchantFields(job.merchantName, job.merchantNo, job.terminalId),
    ...field('操作员号', 'OPERATOR NO.', job.operator),
    ...field('批次号', 'BATCH NO.', job.batchNo),
    ...field('日期/时间', 'DATE/TIME', job.dateTime),
    RULE,
    spread('凭证号 类型', '金额(RMB)')!,
    spread('卡号 卡组织/方式', '结果')!,
    RULE,
  ];
  for (const row of job.rows) {
    lines.push(...spreadOrStack(`${row.voucherNo} ${row.transactionType.zh}`, formatFen(row.amountFen)));
    lines.push(...spreadOrStack(`${row.maskedPan} ${row.card}`, `${row.status.zh} ${row.status.en}`));
  }
  lines.push(RULE, `共 ${job.rows.length} 笔 TOTAL ${job.rows.length}`);
  return lines;
}
