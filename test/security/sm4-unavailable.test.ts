import { afterEach, describe, expect, it, vi } from 'vitest';

// An OpenSSL build without SM4: getCiphers() does not list sm4-ecb. doMock/doUnmock rather than a
// hoisted vi.mock, so the mock ends with this file even where test files share one module graph
// (the Stryker run sets isolate: false).
afterEach(() => {
  vi.doUnmock('node:crypto');
  vi.resetModules();
});

describe('SM4 on an OpenSSL without it', () => {
  it('fails with a clear cipher-unavailable error', async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:crypto')>();
      return { ...real, getCiphers: () => real.getCiphers().filter((name) => !name.startsWith('sm4')) };
    });
    const { ecbEncrypt } = await import('../../firmware/security/block-cipher.js');
    expect(() => ecbEncrypt('sm4', new Uint8Array(16), new Uint8Array(16)))
      .toThrow(expect.objectContaining({ kind: 'cipher-unavailable', message: expect.stringMatching(/SM4 is not available/) }));
    expect(ecbEncrypt('tdes', new Uint8Array(16).fill(1), new Uint8Array(8)).length).toBe(8);
  });
});
