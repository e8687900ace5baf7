import { fieldTable, withFields, type FieldSpec, type FieldTable } from './field-spec.js';

/**
 * The China UnionPay POS dialect: every field of the primary bitmap (2-64) and F128, with the
 * length format and encoding CUP terminals and hosts use (DIALECT.md names the public sources).
 * BCD numeric fields with an odd number of digits are left-aligned with a trailing filler nibble,
 * as the sign-in capture shows for F60 and public CUP field notes state for F2, F22 and F32 ("左靠");
 * the same notes give F23 (card sequence number) right-aligned ("右靠"), a leading filler nibble.
 * Fields the terminal never sends (F5-F10, F43, F46, F56, F59, ...) are here so that a host's
 * response carrying them decodes: they are kept in the message, not understood.
 */
const bcd = (
  field: number,
  name: string,
  length: number,
  lengthKind: FieldSpec['lengthKind'] = 'fixed',
  bcdPadding: FieldSpec['bcdPadding'] = 'right',
): FieldSpec => ({
  field, name, type: 'n', lengthKind, length, encoding: 'bcd', bcdPadding,
});
const track = (field: number, name: string, length: number, lengthKind: FieldSpec['lengthKind']): FieldSpec => ({
  field, name, type: 'z', lengthKind, length, encoding: 'bcd', bcdPadding: 'right',
});
const text = (field: number, name: string, type: 'an' | 'ans', length: number, lengthKind: FieldSpec['lengthKind'] = 'fixed'): FieldSpec => ({
  field, name, type, lengthKind, length, encoding: 'ascii',
});
const bytes = (field: number, name: string, length: number, lengthKind: FieldSpec['lengthKind'] = 'fixed'): FieldSpec => ({
  field, name, type: 'b', lengthKind, length, encoding: 'binary',
});

export const CUP_POS_FIELDS: FieldTable = fieldTable([
  bcd(2, 'primary account number', 19, 'llvar'),
  bcd(3, 'processing code', 6),
  bcd(4, 'amount, transaction (fen)', 12),
  bcd(5, 'amount, settlement', 12),
  bcd(6, 'amount, cardholder billing', 12),
  bcd(7, 'transmission date and time MMDDhhmmss', 10),
  bcd(8, 'amount, cardholder billing fee', 8),
  bcd(9, 'conversion rate, settlement', 8),
  bcd(10, 'conversion rate, cardholder billing', 8),
  bcd(11, 'system trace audit number', 6),
  bcd(12, 'local time hhmmss', 6),
  bcd(13, 'local date MMDD', 4),
  bcd(14, 'expiration date YYMM', 4),
  bcd(15, 'settlement date MMDD', 4),
  bcd(16, 'conversion date MMDD', 4),
  bcd(17, 'capture date MMDD', 4),
  bcd(18, 'merchant type', 4),
  bcd(19, 'acquiring institution country code', 3),
  bcd(20, 'PAN extended country code', 3),
  bcd(21, 'forwarding institution country code', 3),
  bcd(22, 'POS entry mode', 3),
  bcd(23, 'card sequence number', 3, 'fixed', 'left'),
  bcd(24, 'network international id (NII)', 3, 'fixed', 'left'),
  bcd(25, 'POS condition code', 2),
  bcd(26, 'PIN capture code', 2),
  bcd(27, 'authorization id response length', 1),
  text(28, 'amount, transaction fee (C/D + n8)', 'an', 9),
  text(29, 'amount, settlement fee (C/D + n8)', 'an', 9),
  text(30, 'amount, transaction processing fee (C/D + n8)', 'an', 9),
  text(31, 'amount, settlement processing fee (C/D + n8)', 'an', 9),
  bcd(32, 'acquiring institution id', 11, 'llvar'),
  bcd(33, 'forwarding institution id', 11, 'llvar'),
  text(34, 'PAN, extended', 'ans', 28, 'llvar'),
  track(35, 'track 2 data', 37, 'llvar'),
  track(36, 'track 3 data', 104, 'lllvar'),
  text(37, 'retrieval reference number', 'an', 12),
  text(38, 'authorization id response', 'an', 6),
  text(39, 'response code', 'an', 2),
  text(40, 'service restriction code', 'an', 3),
  text(41, 'card acceptor terminal id', 'ans', 8),
  text(42, 'card acceptor id (merchant)', 'ans', 15),
  text(43, 'card acceptor name/location', 'ans', 40),
  text(44, 'additional response data: issuer id, acquirer id', 'ans', 25, 'llvar'),
  text(45, 'track 1 data', 'ans', 76, 'llvar'),
  text(46, 'additional data, ISO', 'ans', 999, 'lllvar'),
  text(47, 'additional data, national', 'ans', 999, 'lllvar'),
  bcd(48, 'additional data, private (totals, batch upload)', 322, 'lllvar'),
  text(49, 'currency code', 'an', 3),
  text(50, 'settlement currency code', 'an', 3),
  text(51, 'cardholder billing currency code', 'an', 3),
  bytes(52, 'PIN data', 8),
  bcd(53, 'security related control information', 16),
  text(54, 'additional amounts: account type, amount type, currency, C/D, balance', 'an', 40, 'lllvar'),
  bytes(55, 'IC card system related data', 255, 'lllvar'),
  text(56, 'reserved ISO (acquirer data)', 'ans', 999, 'lllvar'),
  text(57, 'reserved national (acquirer data)', 'ans', 999, 'lllvar'),
  text(58, 'PBOC electronic wallet data', 'ans', 100, 'lllvar'),
  text(59, 'reserved private (acquirer TLV data)', 'ans', 999, 'lllvar'),
  bcd(60, 'reserved private: type, batch, network code, read capability, IC condition', 17, 'lllvar'),
  bcd(61, 'original message data: batch, trace, date', 29, 'lllvar'),
  bytes(62, 'reserved private: working keys, terminal info', 512, 'lllvar'),
  text(63, 'reserved private: operator / international org code (binary from some hosts)', 'ans', 163, 'lllvar'),
  bytes(64, 'message authentication code', 8),
  bytes(128, 'message authentication code (secondary bitmap)', 8),
]);

/** The SM4 variant: a PIN block is one 16-byte SM4 block, so F52 is 16 bytes. */
export const CUP_POS_SM4_FIELDS: FieldTable = withFields(CUP_POS_FIELDS, [bytes(52, 'PIN data (SM4)', 16)]);
