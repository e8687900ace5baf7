/**
 * What a receipt says about the card: its organisation (卡组织) from the BIN, and how it was read.
 *
 * BIN (IIN) prefixes, from the table of issuer identification numbers in Wikipedia's "Payment card
 * number" article (ISO/IEC 7812 prefixes as the schemes publish them; mirrored at
 * ldapwiki.com "Issuer Identification Number"): UnionPay 62; Visa 4; Mastercard 51-55 and
 * 2221-2720; American Express 34, 37; JCB 3528-3589; Diners Club International 300-305, 309, 36,
 * 38-39; Discover 6011, 644-649, 65. 622126-622925 is in both UnionPay's and Discover's rows (the two
 * accept each other's cards); cards in it are UnionPay-issued, so 62 is checked first and wins.
 * Anything else prints OTHER. A terminal loads its acquirer's full BIN table; this one is inferred
 * from public data and meant to be replaced by that table.
 */

interface BinRange {
  organisation: string;
  /** Prefix bounds of the same length, inclusive. */
  from: string;
  to: string;
}

function range(organisation: string, from: string, to = from): BinRange {
  return { organisation, from, to };
}

/** First match wins: UnionPay before Discover's overlapping 6221-6229 range. */
const BIN_RANGES: readonly BinRange[] = [
  range('CUP', '62'),
  range('VISA', '4'),
  range('MC', '51', '55'),
  range('MC', '2221', '2720'),
  range('AMEX', '34'),
  range('AMEX', '37'),
  range('JCB', '3528', '3589'),
  range('DINERS', '300', '305'),
  range('DINERS', '309'),
  range('DINERS', '36'),
  range('DINERS', '38', '39'),
  range('DISCOVER', '6011'),
  range('DISCOVER', '644', '649'),
  range('DISCOVER', '65'),
];

export function cardOrganisation(pan: string): string {
  for (const r of BIN_RANGES) {
    const prefix = pan.slice(0, r.from.length);
    if (prefix.length === r.from.length && prefix >= r.from && prefix <= r.to) return r.organisation;
  }
  return 'OTHER';
}

/** How the card was read. Chip-fallback detection belongs to the card reading side; this only shows it. */
export type CardEntryMode = 'swipe' | 'fallback';

/**
 * The record's entry mode when it carries one; otherwise read from F22 of the request (80x is a
 * magstripe read after a failed chip read), and a plain swipe when neither says otherwise.
 */
export function entryModeOf(tx: { entryMode?: CardEntryMode; request: { entryMode: string } }): CardEntryMode {
  if (tx.entryMode !== undefined) return tx.entryMode;
  return tx.request.entryMode.startsWith('80') ? 'fallback' : 'swipe';
}

/** The letter receipts print after the read mode: S swipe, F fallback. */
export const ENTRY_MODE_CODES: Record<CardEntryMode, { zh: string; code: string }> = {
  swipe: { zh: '刷卡', code: 'S' },
  fallback: { zh: '降级', code: 'F' },
};
