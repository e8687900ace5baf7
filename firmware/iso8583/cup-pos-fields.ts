import { fieldTable, withFields, type FieldSpec, type FieldTable } from './field-spec.js';

/**
 * The China UnionPay POS dialect (see ../shared/reference/cup-pos.md). BCD numeric fields with an
 * odd number of digits are left-aligned with a trailing 0 nibble, as the sign-in capture shows
 * for F60 and public CUP field notes state for F2, F22 and F32 ("左靠"); the same notes give F23
 * (card sequence number) right-aligned ("右靠"), a leading 0 nibble.
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
  bcd(11, 'system trace audit number', 6),
  bcd(12, 'local time hhmmss', 6),
  bcd(13, 'local date MMDD', 4),
  bcd(14, 'expiration date YYMM', 4),
  bcd(15, 'settlement date MMDD', 4),
  bcd(22, 'POS entry mode', 3),
  bcd(23, 'card sequence number', 3, 'fixed', 'left'),
  bcd(25, 'POS condition code', 2),
  bcd(26, 'PIN capture code', 2),
  bcd(32, 'acquiring institution id', 11, 'llvar'),
  track(35, 'track 2 data', 37, 'llvar'),
  track(36, 'track 3 data', 104, 'lllvar'),
  text(37, 'retrieval reference number', 'an', 12),
  text(38, 'authorization id response', 'an', 6),
  text(39, 'response code', 'an', 2),
  text(41, 'card acceptor terminal id', 'ans', 8),
  text(42, 'card acceptor id (merchant)', 'ans', 15),
  text(44, 'additional response data', 'ans', 25, 'llvar'),
  bcd(48, 'additional data, private (totals, batch upload)', 322, 'lllvar'),
  text(49, 'currency code', 'an', 3),
  bytes(52, 'PIN data', 8),
  bcd(53, 'security related control information', 16),
  text(54, 'additional amounts: account type, amount type, currency, C/D, balance', 'an', 20, 'lllvar'),
  bytes(55, 'IC card system related data', 255, 'lllvar'),
  bcd(60, 'reserved private: type, batch, network code', 17, 'lllvar'),
  bcd(61, 'original message data: batch, trace, date', 29, 'lllvar'),
  bytes(62, 'reserved private: working keys, terminal info', 512, 'lllvar'),
  text(63, 'reserved private: operator / international org code', 'ans', 163, 'lllvar'),
  bytes(64, 'message authentication code', 8),
  bytes(128, 'message authentication code (secondary bitmap)', 8),
]);

/** The SM4 variant: a PIN block is one 16-byte SM4 block, so F52 is 16 bytes. */
export const CUP_POS_SM4_FIELDS: FieldTable = withFields(CUP_POS_FIELDS, [bytes(52, 'PIN data (SM4)', 16)]);
