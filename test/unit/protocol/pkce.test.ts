import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, isPkceError } from '../../../src/index.js';
import { computeCodeChallenge, generateCodeVerifier, randomToken } from '../../../src/protocol.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateCodeVerifier (RFC 7636 §4.1)', () => {
  it('is 43 characters of [A-Za-z0-9_-] (32 octets, base64url, unpadded)', () => {
    for (let i = 0; i < 20; i++) expect(generateCodeVerifier()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is different on each call', () => {
    const verifiers = new Set(Array.from({ length: 100 }, () => generateCodeVerifier()));
    expect(verifiers.size).toBe(100);
  });

  it('takes its randomness from crypto.getRandomValues, 32 octets', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const random = vi.spyOn(Math, 'random');
    generateCodeVerifier();
    expect(spy).toHaveBeenCalledTimes(1);
    expect((spy.mock.calls[0]![0] as Uint8Array).byteLength).toBe(32);
    expect(random).not.toHaveBeenCalled();
  });

  it('encodes exactly the random octets (no biased character mapping)', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const verifier = generateCodeVerifier();
    const octets = spy.mock.results[0]!.value as Uint8Array;
    const decoded = Uint8Array.from(atob(verifier.replace(/-/g, '+').replace(/_/g, '/') + '='), (c) => c.charCodeAt(0));
    expect([...decoded]).toEqual([...octets]);
  });
});

describe('computeCodeChallenge (RFC 7636 §4.2, S256)', () => {
  it('matches the RFC 7636 Appendix B vector', async () => {
    expect(await computeCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('is 43 unpadded base64url characters for a generated verifier', async () => {
    expect(await computeCodeChallenge(generateCodeVerifier())).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts 43 and 128 characters, including the unreserved "-._~"', async () => {
    await expect(computeCodeChallenge('a'.repeat(43))).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(computeCodeChallenge('a'.repeat(124) + '-._~')).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['too short (42)', 'a'.repeat(42)],
    ['too long (129)', 'a'.repeat(129)],
    ['empty', ''],
    ['a space', 'a'.repeat(42) + ' '],
    ['a "+"', 'a'.repeat(42) + '+'],
    ['a "/"', 'a'.repeat(42) + '/'],
    ['a "="', 'a'.repeat(42) + '='],
    ['a non-ASCII letter', 'a'.repeat(42) + 'é'],
  ])('refuses a verifier that is %s with ConfigError', async (_, verifier) => {
    const error = await computeCodeChallenge(verifier).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(isPkceError(error, 'invalid_config')).toBe(true);
    // The verifier itself is a secret: it stays out of the message.
    if (verifier) expect(String(error)).not.toContain(verifier);
  });
});

describe('randomToken', () => {
  it('is 43 characters for the default 32 octets', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    [1, 2],
    [16, 22],
    [24, 32],
    [32, 43],
    [64, 86],
  ])('encodes %i octets in %i characters', (octets, length) => {
    expect(randomToken(octets)).toMatch(new RegExp(`^[A-Za-z0-9_-]{${length}}$`));
  });

  it('uses crypto.getRandomValues with the number of octets asked for', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    randomToken(16);
    expect((spy.mock.calls[0]![0] as Uint8Array).byteLength).toBe(16);
  });

  it('differs on each call', () => {
    expect(new Set(Array.from({ length: 50 }, () => randomToken())).size).toBe(50);
  });
});
