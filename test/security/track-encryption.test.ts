import { describe, expect, it } from 'vitest';
import { ecbDecrypt } from '../../firmware/security/block-cipher.js';
import { decryptTrack, encryptTrack } from '../../firmware/security/track-encryption.js';
import { bytes } from './vectors.js';

/**
 * Key mode 004 track encryption (DIALECT.md): the 8 bytes of the packed track that end one byte
 * before its last byte (the TDB) are encrypted under the TDK, everything else stays as it was.
 * The expected ciphertexts are published vectors, so the TDBs below are chosen to be their plaintexts:
 * - ANSI X9.24 test key 0123456789ABCDEFFEDCBA9876543210: 3DES of the zero block is
 *   08D7B4FB629D0885 (its first 3 bytes, 08D7B4, are the KCV printed for this key everywhere).
 * - FIPS 81 appendix B (ECB example): single DES, key 0123456789ABCDEF, "Now is t"
 *   (4E6F772069732074) encrypts to 3FA40E8A984D4815.
 * Nibble D is written '=' in the result, as F35/F36 carry the separator.
 */
const X924_KEY = bytes('0123456789ABCDEFFEDCBA9876543210');
const FIPS81_KEY = bytes('0123456789ABCDEF');
const ZERO_TDB = '0000000000000000';
const ZERO_TDB_ENCRYPTED = '08=7B4FB629=0885'; // 08D7B4FB629D0885 with D as '='

/** What a refused track throws: a SecurityError with exactly this message (which never holds track data). */
const refused = (message: string) => expect.objectContaining({ name: 'SecurityError', kind: 'bad-data', message });

describe('track encryption under the TDK (key mode 004)', () => {
  it('odd-length track 2 (37 digits): encrypts the 16 digits before the last one, PAN, separator and last digit stay clear', () => {
    const track = `6222021234567890123D${ZERO_TDB}5`;
    const encrypted = encryptTrack(track, X924_KEY);
    expect(encrypted).toBe(`6222021234567890123=${ZERO_TDB_ENCRYPTED}5`);
    expect(encrypted).toHaveLength(37);
    expect(decryptTrack(encrypted, X924_KEY)).toBe(`6222021234567890123=${ZERO_TDB}5`);
  });

  it('even-length track: the last two digits (the last byte) stay clear', () => {
    expect(encryptTrack(`1234567D${ZERO_TDB}99`, X924_KEY)).toBe(`1234567=${ZERO_TDB_ENCRYPTED}99`);
    expect(decryptTrack(`1234567=${ZERO_TDB_ENCRYPTED}99`, X924_KEY)).toBe(`1234567=${ZERO_TDB}99`);
  });

  it('a single-length TDK is single DES, and hex letters in the TDB pack as nibbles (FIPS 81 vector)', () => {
    expect(encryptTrack('994E6F77206973207412', FIPS81_KEY)).toBe('993FA40E8A984=481512');
    expect(decryptTrack('993FA40E8A984D481512', FIPS81_KEY)).toBe('994E6F77206973207412');
  });

  it('encrypting then decrypting gives the track back, with D written as =', () => {
    const track = '6222021234567890123D25121010000012345';
    const encrypted = encryptTrack(track, X924_KEY);
    expect(encrypted).not.toBe(track.replace('D', '='));
    expect(encrypted.slice(0, 20)).toBe('6222021234567890123=');
    expect(decryptTrack(encrypted, X924_KEY)).toBe(track.replace('D', '='));
  });

  it('takes the shortest tracks that hold a TDB and one byte more (17 and 18 digits), refuses 16 and 15 digits', () => {
    expect(encryptTrack(`${ZERO_TDB}7`, X924_KEY)).toBe(`${ZERO_TDB_ENCRYPTED}7`);
    expect(encryptTrack(`${ZERO_TDB}78`, X924_KEY)).toBe(`${ZERO_TDB_ENCRYPTED}78`);
    for (const digits of [16, 15]) {
      expect(() => encryptTrack('1'.repeat(digits), X924_KEY)).toThrow(refused(`track of ${digits} digits is too short to encrypt`));
    }
    expect(() => decryptTrack('', X924_KEY)).toThrow(refused('track of 0 digits is too short to encrypt'));
  });

  it('picks the TDB of a public worked example: track 2 1234567890123456789=0508201781999168302 -> TDB2 0820178199916830', () => {
    // Source: a PIN-pad vendor's public API manual, "磁道加密算法 4.4.2" (doc.xrtinfo.com/docs/ss_api):
    // from the byte before the end sentinel, count 8 bytes left. Only the TDB may change.
    const track = '1234567890123456789=0508201781999168302';
    const encrypted = encryptTrack(track, X924_KEY);
    expect(encrypted.slice(0, 22)).toBe(track.slice(0, 22));
    expect(encrypted.slice(38)).toBe(track.slice(38));
    const tdb = encrypted.slice(22, 38).replaceAll('=', 'D');
    expect(Buffer.from(ecbDecrypt('tdes', X924_KEY, bytes(tdb))).toString('hex')).toBe('0820178199916830');
  });

  it('SM4 (key mode 004 with SM4 keys): the 16-byte block before the last byte is the TDB (GB/T 32907-2016 example 1)', () => {
    const sm4Key = bytes('0123456789ABCDEFFEDCBA9876543210');
    const track = '62220212345D0123456789ABCDEFFEDCBA98765432105';
    const encrypted = encryptTrack(track, sm4Key, 'sm4');
    expect(encrypted).toBe('62220212345=681E=F34=206965E86B3E94F536E42465');
    expect(decryptTrack(encrypted, sm4Key, 'sm4')).toBe(track.replaceAll('D', '='));
    // A typical 37-digit track 2 holds a 16-byte TDB and its last byte; 32 digits do not.
    expect(encryptTrack('6222021234567890123D25121010000012345', sm4Key, 'sm4')).toHaveLength(37);
    expect(() => encryptTrack('1'.repeat(32), sm4Key, 'sm4')).toThrow(refused('track of 32 digits is too short to encrypt'));
  });

  it.each([
    ['a lowercase separator d', '6222021234567890123d25121010000012345'],
    ['the start sentinel ;', ';6222021234567890123=2512101000001234'],
    ['the end sentinel ?', '6222021234567890123=2512101000001234?'],
    ['a letter past F', '6222021234567890123=251210100000123G'],
  ])('refuses %s without echoing the track', (_name, track) => {
    expect(() => encryptTrack(track, X924_KEY)).toThrow(refused('track data holds a character that is not a track nibble'));
  });
});
