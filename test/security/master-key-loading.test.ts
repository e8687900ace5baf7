import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyCheckValue, storeMasterKey, weakKeyReason } from '../../firmware/security/master-key-loading.js';
import { loadMasterKey } from '../../firmware/security/master-key.js';
import { bytes, hex } from './vectors.js';

/**
 * `pos keys load-tmk`: which keys the ceremony may load, and what lands on the board.
 * Check values are E(key, 8 zero bytes), first 3 bytes:
 * - ANSI X9.24 test key 0123456789ABCDEFFEDCBA9876543210 (double): 08D7B4FB629D0885, KCV 08D7B4.
 * - 0123456789ABCDEF (single DES): D5D44FF720683D0D, the DES zero-block value of the FIPS 81 key.
 * - NIST SP 800-67 example keys 0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123 (triple):
 *   4EBA739C998BCB60 (openssl des-ede3).
 */
const DOUBLE = '0123456789ABCDEFFEDCBA9876543210';
const SINGLE = '0123456789ABCDEF';
const TRIPLE = '0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123';

/** What a refused key throws: a SecurityError of this kind with exactly the message the user reads. */
const refused = (kind: string, message: string) => expect.objectContaining({ name: 'SecurityError', kind, message });

const stateDir = () => mkdtempSync(join(tmpdir(), 'pos-tmk-'));

describe('key check value as ceremonies print it', () => {
  it.each([
    ['double length (ANSI X9.24 test key)', DOUBLE, '08D7B4'],
    ['single DES', SINGLE, 'D5D44F'],
    ['triple length (SP 800-67 keys)', TRIPLE, '4EBA73'],
  ])('%s: 6 uppercase hex digits', (_name, key, kcv) => {
    expect(keyCheckValue(bytes(key))).toBe(kcv);
  });
});

describe('weak master keys', () => {
  it.each([
    ['all zeros', '00000000000000000000000000000000', 'the key is all zeros'],
    ['all zeros, single length', '0000000000000000', 'the key is all zeros'],
    ['one byte repeated', '11111111111111111111111111111111', 'the key is one byte repeated'],
    ['one byte repeated, single length', '2222222222222222', 'the key is one byte repeated'],
    ['one byte repeated, triple length', 'A7'.repeat(24), 'the key is one byte repeated'],
    ['equal halves', `${SINGLE}${SINGLE}`, 'its two halves are the same (3DES would be single DES)'],
    ['thirds 1 and 2 equal', `${SINGLE}${SINGLE}FEDCBA9876543210`, 'two adjacent thirds are the same (3DES would be single DES)'],
    ['thirds 2 and 3 equal', `FEDCBA9876543210${SINGLE}${SINGLE}`, 'two adjacent thirds are the same (3DES would be single DES)'],
    ['all three thirds equal', `${SINGLE}${SINGLE}${SINGLE}`, 'two adjacent thirds are the same (3DES would be single DES)'],
  ])('%s is refused with the reason', (_name, key, reason) => {
    expect(weakKeyReason(bytes(key))).toBe(reason);
  });

  // The four DES weak keys (FIPS 74 section 3.6), with odd parity and with the parity bits cleared.
  it.each([
    ['0101010101010101', 'FEDCBA9876543210', 'part 1 is a DES weak key'],
    ['FEDCBA9876543210', '0000000000000000', 'part 2 is a DES weak key'],
    ['FEDCBA9876543210', '1F1F1F1F0E0E0E0E', 'part 2 is a DES weak key'],
    ['1E1E1E1E0E0E0E0E', 'FEDCBA9876543210', 'part 1 is a DES weak key'],
    ['E0E0E0E0F1F1F1F1', 'FEDCBA9876543210', 'part 1 is a DES weak key'],
    ['FEDCBA9876543210', 'E0E0E0E0F0F0F0F0', 'part 2 is a DES weak key'],
    ['FEFEFEFEFEFEFEFE', 'FEDCBA9876543210', 'part 1 is a DES weak key'],
    ['FEDCBA9876543210', 'FFFFFFFFFFFFFFFF', 'part 2 is a DES weak key'],
  ])('%s %s: %s', (left, right, reason) => {
    expect(weakKeyReason(bytes(left + right))).toBe(reason);
  });

  it('names the third part of a triple-length key, and the first weak part when two are', () => {
    expect(weakKeyReason(bytes(`${SINGLE}FEDCBA98765432101F1F1F1F0E0E0E0E`))).toBe('part 3 is a DES weak key');
    expect(weakKeyReason(bytes('FEFEFEFEFEFEFEFE1F1F1F1F0E0E0E0E'))).toBe('part 1 is a DES weak key');
  });

  it.each([
    ['the X9.24 double-length test key', DOUBLE],
    ['a single-length key', SINGLE],
    ['the SP 800-67 triple-length keys', TRIPLE],
    ['a key with zero bytes in it', '0123456789ABCDEF00DCBA9876543200'],
    ['a key that starts and ends with the same byte', '0123456789ABCDEFFEDCBA9876543201'],
    ['K1 = K3 (two-key 3DES written triple length)', `${SINGLE}FEDCBA9876543210${SINGLE}`],
    ['a part one bit away from a weak key', '0101010101010103FEDCBA9876543210'],
  ])('accepts %s', (_name, key) => {
    expect(weakKeyReason(bytes(key))).toBeUndefined();
  });
});

describe('storing the master key', () => {
  it.each([
    ['single', SINGLE, 'D5D44F'],
    ['double', DOUBLE, '08D7B4'],
    ['triple', TRIPLE, '4EBA73'],
  ] as const)('a %s-length key is stored as <state>/master.key: a KCV comment and the key in uppercase hex, mode 0600', async (lengthName, key, kcv) => {
    const dir = stateDir();
    const loaded = storeMasterKey(`# from the ceremony\n${key.toLowerCase()}\n`, 'tmk.txt', { stateDir: dir });
    expect(loaded).toEqual({ file: join(dir, 'master.key'), checkValue: kcv, lengthName });
    expect(readFileSync(join(dir, 'master.key'), 'utf8')).toBe(`# terminal master key, KCV ${kcv}\n${key}\n`);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['master.key']);
    expect(hex(await loadMasterKey(loaded.file))).toBe(key);
  });

  it('replaces a master key stored before', () => {
    const dir = stateDir();
    storeMasterKey(DOUBLE, 'old.txt', { stateDir: dir });
    storeMasterKey(TRIPLE, 'new.txt', { stateDir: dir });
    expect(readFileSync(join(dir, 'master.key'), 'utf8')).toBe(`# terminal master key, KCV 4EBA73\n${TRIPLE}\n`);
  });

  it('refuses a weak key, naming why and what to do, and writes nothing', () => {
    const dir = stateDir();
    expect(() => storeMasterKey(`${SINGLE}${SINGLE}`, 'tmk.txt', { stateDir: dir })).toThrow(
      refused('bad-key-file', 'refused: its two halves are the same (3DES would be single DES); load the key from the key ceremony'),
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a key file that is not a key before checking anything else', () => {
    const dir = stateDir();
    expect(() => storeMasterKey('0'.repeat(32), 'tmk.txt', { stateDir: dir })).toThrow(refused('bad-key-file', 'master key file tmk.txt: the key is all zeros'));
    expect(() => storeMasterKey('0123', 'tmk.txt', { stateDir: dir })).toThrow(refused('bad-key-file', 'master key file tmk.txt: 4 hex digits; a key is 16, 32 or 48'));
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("checking the ceremony's check value (--kcv)", () => {
  it.each([
    ['the printed 6 digits', '08D7B4'],
    ['lowercase', '08d7b4'],
    ['with spaces', '08 D7 B4'],
    ['the shortest accepted, 4 digits', '08D7'],
    ['8 digits', '08D7B4FB'],
    ['all 16 digits of E(key, 0)', '08D7B4FB629D0885'],
  ])('accepts %s', (_name, kcv) => {
    const dir = stateDir();
    expect(storeMasterKey(DOUBLE, 'tmk.txt', { stateDir: dir, expectedCheckValue: kcv }).checkValue).toBe('08D7B4');
    expect(readdirSync(dir)).toEqual(['master.key']);
  });

  it.each([
    ['a different value', '123456', '123456'],
    ['the right digits shifted (the KCV is a prefix)', 'D7B4FB', 'D7B4FB'],
    ['the digits after the KCV', '629D0885', '629D0885'],
    ['16 digits wrong in the last one', '08D7B4FB629D0886', '08D7B4FB629D0886'],
  ])('refuses %s as a failed key check, storing nothing', (_name, kcv, shown) => {
    const dir = stateDir();
    expect(() => storeMasterKey(DOUBLE, 'tmk.txt', { stateDir: dir, expectedCheckValue: kcv })).toThrow(
      refused('key-check-failed', `refused: the key's check value is 08D7B4, the ceremony says ${shown}; re-enter the key`),
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['3 digits', '08D'],
    ['17 digits', '08D7B4FB629D08850'],
    ['letters past F before the digits', 'ZZ08D7B4'],
    ['letters past F after the digits', '08D7B4ZZ'],
    ['nothing', ''],
  ])('refuses a check value of %s as malformed, storing nothing', (_name, kcv) => {
    const dir = stateDir();
    expect(() => storeMasterKey(DOUBLE, 'tmk.txt', { stateDir: dir, expectedCheckValue: kcv })).toThrow(
      refused('bad-key-file', `--kcv ${kcv}: give the check value as hex, e.g. 8CA64D`),
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
