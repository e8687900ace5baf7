/**
 * What distinguishes one financial transaction from another on the wire and on paper
 * (the message table in cup-pos.md), in one place.
 */
import type { FinancialType } from '../journal/journal.js';
import type { TextKey } from './screens/screen-text.js';

export interface TransactionKind {
  mti: string;
  processingCode: string;
  /** F25 */
  conditionCode: string;
  /** 60.1 */
  messageType: string;
  /** Whether a missing response is reversed (R3); refund 0220 is not. */
  reversible: boolean;
  /** Counts towards settlement: debit, credit, or not at all (pre-auths, voids cancel originals). */
  settlement: 'debit' | 'credit' | 'none';
  /** The original type a void cancels. */
  voids?: FinancialType;
  title: TextKey;
  receiptName: { zh: string; en: string };
}

export const TRANSACTION_KINDS: Record<FinancialType, TransactionKind> = {
  sale: {
    mti: '0200', processingCode: '000000', conditionCode: '00', messageType: '22', reversible: true,
    settlement: 'debit', title: 'sale', receiptName: { zh: '消费', en: 'SALE' },
  },
  void: {
    mti: '0200', processingCode: '200000', conditionCode: '00', messageType: '23', reversible: true,
    settlement: 'none', voids: 'sale', title: 'void', receiptName: { zh: '消费撤销', en: 'VOID' },
  },
  refund: {
    mti: '0220', processingCode: '200000', conditionCode: '00', messageType: '25', reversible: false,
    settlement: 'credit', title: 'refund', receiptName: { zh: '退货', en: 'REFUND' },
  },
  preauth: {
    mti: '0100', processingCode: '030000', conditionCode: '06', messageType: '10', reversible: true,
    settlement: 'none', title: 'preauth', receiptName: { zh: '预授权', en: 'PRE-AUTH' },
  },
  'preauth-void': {
    mti: '0100', processingCode: '200000', conditionCode: '06', messageType: '11', reversible: true,
    settlement: 'none', title: 'preauthVoid', receiptName: { zh: '预授权撤销', en: 'PRE-AUTH VOID' },
  },
  completion: {
    mti: '0200', processingCode: '000000', conditionCode: '06', messageType: '20', reversible: true,
    settlement: 'debit', title: 'completion', receiptName: { zh: '预授权完成', en: 'AUTH COMPLETION' },
  },
  'completion-void': {
    mti: '0200', processingCode: '200000', conditionCode: '06', messageType: '21', reversible: true,
    settlement: 'none', voids: 'completion', title: 'completionVoid',
    receiptName: { zh: '预授权完成撤销', en: 'COMPLETION VOID' },
  },
};
