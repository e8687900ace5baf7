import { Iso8583Error } from './message.js';

/**
 * F60 (n...017, CUP "reserved private"): 60.1 transaction type n2 | 60.2 batch number n6 |
 * 60.3 network management code n3 | 60.4 terminal read capability n1 | 60.5 IC condition code n1 |
 * 60.6 partial approval / balance flag n1 | 60.7 account type n3. Each later subfield only after the
 * one before it (DIALECT.md).
 */
export interface Field60 {
  /** 60.1: "00" management, "22" sale, "23" void, ... (see cup-pos.md). */
  transactionType: string;
  /** 60.2 */
  batchNumber: string;
  /** 60.3: "000" for financial messages, "001"/"003"/"004" sign-in, "201" settlement, ... */
  networkCode: string;
  /** 60.4 */
  terminalCapability?: string;
  /** 60.5 */
  icCondition?: string;
  /** 60.6: 0 = no partial approval. */
  partialApproval?: string;
  /** 60.7 */
  accountType?: string;
}

const PARTS = [
  ['transactionType', 2],
  ['batchNumber', 6],
  ['networkCode', 3],
  ['terminalCapability', 1],
  ['icCondition', 1],
  ['partialApproval', 1],
  ['accountType', 3],
] as const;

export function formatField60(parts: Field60): string {
  let out = '';
  PARTS.forEach(([key, length], index) => {
    const value = parts[key];
    if (value === undefined) {
      if (index < 3) throw new Iso8583Error('bad-value', 0, 60, `60.${index + 1} (${key}) is required`);
      return;
    }
    const before = index > 3 ? PARTS[index - 1]![0] : undefined;
    if (before !== undefined && parts[before] === undefined) {
      throw new Iso8583Error('bad-value', 0, 60, `60.${index + 1} (${key}) needs 60.${index} (${before})`);
    }
    if (typeof value !== 'string' || value.length !== length || !/^[0-9]*$/.test(value)) {
      throw new Iso8583Error('bad-value', 0, 60, `60.${index + 1} (${key}) must be ${length} digit${length === 1 ? '' : 's'}, got ${JSON.stringify(value)}`);
    }
    out += value;
  });
  return out;
}

export function parseField60(value: string): Field60 {
  if (!/^[0-9]*$/.test(value) || ![11, 12, 13, 14, 17].includes(value.length)) {
    throw new Iso8583Error('bad-value', 0, 60, `F60 must be 11 to 14 or 17 digits, got ${JSON.stringify(value)}`);
  }
  const parsed: Field60 = {
    transactionType: value.slice(0, 2),
    batchNumber: value.slice(2, 8),
    networkCode: value.slice(8, 11),
  };
  if (value.length >= 12) parsed.terminalCapability = value.slice(11, 12);
  if (value.length >= 13) parsed.icCondition = value.slice(12, 13);
  if (value.length >= 14) parsed.partialApproval = value.slice(13, 14);
  if (value.length >= 17) parsed.accountType = value.slice(14, 17);
  return parsed;
}
