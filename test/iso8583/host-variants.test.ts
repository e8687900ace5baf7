import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { CUP_POS_FIELDS } from '../../firmware/iso8583/cup-pos-fields.js';
import { fromHex, toHex } from './hex.js';

/** What real acquirers send that a strict-but-wrong decoder refused (issue 11, point 5; DIALECT.md). */
describe('the decoder accepts what real hosts send', () => {
  it('F2 padded with an F nibble decodes to the PAN and re-encodes to the same bytes', () => {
    const bytes = fromHex('0210 4000000000000000 19 6222020000000000034F');
    const message = decodeMessage(bytes);
    expect(message.fields[2]).toBe('6222020000000000034');
    expect(message.fillers).toEqual({ 2: 'F' });
    expect(toHex(encodeMessage(message))).toBe(toHex(bytes));
    // Without the recorded filler the terminal's own padding (0) is used.
    expect(toHex(encodeMessage({ mti: '0210', fields: message.fields }))).toBe('02104000000000000000196222020000000000034' + '0');
  });

  it('track 2 padded with F decodes too; a filler that is neither 0 nor F is still refused', () => {
    expect(decodeMessage(fromHex('0210 0000000020000000 03 123F')).fields[35]).toBe('123');
    expect(() => decodeMessage(fromHex('0210 0000000020000000 03 123E'))).toThrow(/filler nibble is E, not 0 or F/);
  });

  it('F43, F44, F46, F56 and F59 from an acquirer 0210 are kept, not refused', () => {
    const fields = {
      39: '00',
      43: 'UNIONPAY TEST MERCHANT    SHANGHAI    CN',
      44: '01050000   49910005   ',
      46: 'ISO additional',
      56: 'acquirer data',
      59: 'A2001CUP',
    };
    const bytes = encodeMessage({ mti: '0210', fields });
    expect(decodeMessage(bytes)).toEqual({ mti: '0210', fields });
  });

  it('a binary F63 decodes to its raw bytes and re-encodes byte for byte', () => {
    const f63 = Uint8Array.of(0x43, 0x55, 0x50, 0x00, 0x01, 0x9f, 0x1f, 0x02);
    const bytes = encodeMessage({ mti: '0210', fields: { 39: '00', 63: f63 } });
    const message = decodeMessage(bytes);
    expect(message.fields[63]).toEqual(f63);
    expect(toHex(encodeMessage(message))).toBe(toHex(bytes));
  });

  it('the table knows every field from 2 to 64, and 128', () => {
    const missing = [];
    for (let field = 2; field <= 64; field++) if (!CUP_POS_FIELDS.has(field)) missing.push(field);
    expect(missing).toEqual([]);
    expect(CUP_POS_FIELDS.has(128)).toBe(true);
  });
});
