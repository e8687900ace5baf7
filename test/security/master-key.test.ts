import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMasterKey, parseMasterKey } from '../../firmware/security/master-key.js';
import { hex } from './vectors.js';

describe('master key file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmk-'));

  it('loads hex with whitespace and # comments', async () => {
    const path = join(dir, 'tmk.hex');
    writeFileSync(path, '# terminal master key, test only\n1122 3344 5566 7788\n99 00 AA BB cc dd ee ff\n', { mode: 0o600 });
    expect(hex(await loadMasterKey(path))).toBe('11223344556677889900AABBCCDDEEFF');
  });

  it('ignores indented comment lines and CRLF line ends', () => {
    expect(hex(parseMasterKey('  # ceremony of 2026-11-30\r\n\t# custodian A\r\n1122334455667788\r\n', 'tmk.hex'))).toBe('1122334455667788');
  });

  it('refuses text with a non-hex character at the start, not only at the end', () => {
    expect(() => parseMasterKey('G122334455667788990011223344556F', 'tmk.hex')).toThrow(
      expect.objectContaining({ message: 'master key file tmk.hex: not hex (only 0-9, A-F, whitespace and # comment lines allowed)' }),
    );
  });

  it('the mode refusal is the whole message, not wrapped as a read error', async () => {
    const path = join(dir, 'group.hex');
    writeFileSync(path, '11223344556677889900AABBCCDDEEFF\n');
    chmodSync(path, 0o660);
    const error = (await loadMasterKey(path).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`master key file ${path} is mode 0660: group or others can get at it; chmod 600 ${path} (and consider the key exposed: load a new one)`);
  });

  it('refuses a key file group or others can read, as device.key is refused (issue 10)', async () => {
    const path = join(dir, 'loose.hex');
    writeFileSync(path, '11223344556677889900AABBCCDDEEFF\n');
    chmodSync(path, 0o644);
    await expect(loadMasterKey(path)).rejects.toThrow(`master key file ${path} is mode 0644: group or others can get at it; chmod 600 ${path}`);
    chmodSync(path, 0o640);
    await expect(loadMasterKey(path)).rejects.toMatchObject({ kind: 'bad-key-file' });
    chmodSync(path, 0o600);
    expect(hex(await loadMasterKey(path))).toBe('11223344556677889900AABBCCDDEEFF');
  });

  it.each([
    ['', /no key in it/],
    ['1122334455667788990011223344556G', /not hex/],
    ['11223344556677889900', /20 hex digits; a key is 16, 32 or 48/],
    ['00000000000000000000000000000000', /all zeros/],
  ])('rejects %j with a clear error naming the file', (text, why) => {
    expect(() => parseMasterKey(text, 'tmk.hex')).toThrow(expect.objectContaining({ kind: 'bad-key-file' }));
    expect(() => parseMasterKey(text, 'tmk.hex')).toThrow(new RegExp(`^master key file tmk\\.hex: .*${why.source}`));
  });

  it('reports a missing file', async () => {
    await expect(loadMasterKey(join(dir, 'missing.hex'))).rejects.toThrow(/master key file .*missing\.hex: cannot read it \(ENOENT\)/);
  });

  it('never echoes the key text in an error', () => {
    expect(() => parseMasterKey('11223344556677889900AABBCCDDEEF', 'k')).toThrow(/^(?!.*1122334455).*$/);
  });
});
