import { describe, expect, it } from 'vitest';
import { ConfigError, createTokenVerifier, type TokenVerifierOptions } from '../../src/server/index.js';
import { SECRET_256 } from './fixtures.js';

const base = { issuer: 'https://auth.example.test', audience: 'https://api.example.test' };
const secret = SECRET_256;

/** Options as a JavaScript caller could pass them, past the type checker. */
const loose = (options: Record<string, unknown>) => options as unknown as TokenVerifierOptions;

describe('configuration errors name the field', () => {
  it.each([
    ['no options', undefined, 'options object'],
    ['no issuer', { audience: 'api' }, '"issuer" is required'],
    ['no audience', { issuer: base.issuer }, '"audience" is required'],
    ['an empty audience list', { ...base, audience: [] }, '"audience"'],
    ['a plain http issuer', { ...base, issuer: 'http://auth.example.test' }, '"issuer" must be an https: URL'],
    ['a plain http jwksUri', { ...base, jwksUri: 'http://auth.example.test/jwks' }, '"jwksUri" must be an https: URL'],
    ['a relative jwksUri', { ...base, jwksUri: '/jwks' }, '"jwksUri" must be an absolute URL'],
    ['an issuer with a query, for discovery', { ...base, issuer: 'https://auth.example.test/?tenant=1' }, '"issuer"'],
    ['HS256 with a JWKS', { ...base, algorithms: ['RS256', 'HS256'] }, '"algorithms" with a JWKS accepts only asymmetric'],
    ['RS256 with a secret', { ...base, secret, algorithms: ['RS256'] }, '"algorithms" with "secret" accepts only'],
    ['alg none', { ...base, algorithms: ['none'] }, '"algorithms" must not contain "none"'],
    ['alg none with a secret', { ...base, secret, algorithms: ['HS256', 'none'] }, '"algorithms" must not contain "none"'],
    ['an empty algorithms list', { ...base, algorithms: [] }, '"algorithms" must be a non-empty array'],
    ['a short secret', { ...base, secret: 'short' }, '"secret" holds at most 30 bits of key material; HS256 needs 256'],
    ['a secret of the wrong type', { ...base, secret: 42 }, '"secret" must be a string or a Uint8Array'],
    ['a secret and a jwksUri', { ...base, secret, jwksUri: 'https://auth.example.test/jwks' }, '"jwksUri" cannot be combined with "secret"'],
    ['a misspelt option', { ...base, requiredScope: ['read'] }, '"requiredScope" is not an option'],
    ['a negative clockTolerance', { ...base, clockTolerance: -1 }, '"clockTolerance"'],
    ['a NaN cooldownDuration', { ...base, cooldownDuration: Number.NaN }, '"cooldownDuration"'],
    ['a fractional timeout', { ...base, timeout: 1.5 }, '"timeout"'],
    ['a scope with a space', { ...base, requiredScopes: ['read write'] }, '"requiredScopes"'],
    ['a scope with a quote', { ...base, requiredScopes: ['a"b'] }, '"requiredScopes"'],
    ['a realm with a newline', { ...base, realm: 'a\r\nb' }, '"realm"'],
    ['fetch that is not a function', { ...base, fetch: 'fetch' }, '"fetch" must be a function'],
  ])('%s', (_, options, message) => {
    const run = () => createTokenVerifier(loose(options as Record<string, unknown>));
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as ConfigError).code).toBe('invalid_config');
    }
  });

  it('per-call requiredScopes are checked too', async () => {
    const verifier = createTokenVerifier({ ...base, secret });
    expect(() => verifier.middleware({ requiredScopes: ['a b'] })).toThrow('"requiredScopes"');
    await expect(verifier.verify('abc', { requiredScopes: [''] })).rejects.toThrow(ConfigError);
  });
});

describe('shared secrets with too little key material are refused (issue 8 item 9)', () => {
  it.each([
    ['32 spaces', ' '.repeat(32), 8],
    ['one character repeated', 'x'.repeat(64), 6],
    ['a short sequence repeated', 'ab'.repeat(40), 8],
    ['a phrase repeated', 'correct horse '.repeat(8), 112],
    ['one byte repeated', new Uint8Array(64).fill(7), 8],
    ['31 random bytes', crypto.getRandomValues(new Uint8Array(31)), 248],
    ['a 40-character hex string', 'a3f9c2d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1b', 160],
    ['42 base64url characters', 'Wq3v9Yb2Lk8Xc1Zr5Tn7Hs0Jm4Pd6Fg2Ae9Uo1Ri3S', 252],
  ])('%s', (_, secret, bits) => {
    const run = () => createTokenVerifier({ ...base, secret });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`"secret" holds at most ${bits} bits of key material; HS256 needs 256`);
  });

  it('a secret too short for an algorithm asked for (RFC 7518 §3.2: HS512 needs 512 bits)', () => {
    expect(() => createTokenVerifier({ ...base, secret: SECRET_256, algorithms: ['HS512'] })).toThrow(
      '"secret" holds at most 258 bits of key material; HS512 needs 512',
    );
  });

  it('never shows the secret in the message', () => {
    const secret = 'ab'.repeat(40);
    try {
      createTokenVerifier({ ...base, secret });
    } catch (e) {
      expect((e as Error).message).not.toContain('abab');
    }
  });

  it.each([
    ['32 random bytes', crypto.getRandomValues(new Uint8Array(32))],
    ['64 hex characters', 'a3f9c2d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7'],
    ['43 base64url characters', SECRET_256],
    ['44 base64 characters with padding', 'q3v9Yb2Lk8Xc1Zr5Tn7Hs0Jm4Pd6Fg2Ae9Uo1Ri3Sx+=' ],
    ['a 36-character phrase', 'a shared secret of thirty-six bytes!'],
  ])('accepts %s', (_, secret) => {
    expect(() => createTokenVerifier({ ...base, secret })).not.toThrow();
  });
});

describe('accepted configuration', () => {
  it.each([
    ['http://localhost:8080/jwks'],
    ['http://127.0.0.1/jwks'],
    ['http://127.1.2.3:9000/jwks'],
    ['http://[::1]:9000/jwks'],
    ['https://auth.example.test/jwks'],
  ])('jwksUri %s', (jwksUri) => {
    expect(() => createTokenVerifier({ ...base, jwksUri })).not.toThrow();
  });

  it('a loopback http issuer (for discovery in development)', () => {
    expect(() => createTokenVerifier({ ...base, issuer: 'http://localhost:4000' })).not.toThrow();
  });

  it('a non-URL issuer with a secret (common in HS256 setups)', () => {
    expect(() => createTokenVerifier({ ...base, issuer: 'my-auth-service', secret })).not.toThrow();
  });

  it('an audience list, cacheMaxAge Infinity and a URL object for jwksUri', () => {
    expect(() =>
      createTokenVerifier({
        ...base,
        audience: ['a', 'b'],
        jwksUri: new URL('https://auth.example.test/jwks'),
        cacheMaxAge: Infinity,
      }),
    ).not.toThrow();
  });

  it('does not fetch anything when created', () => {
    let calls = 0;
    createTokenVerifier({ ...base, fetch: async () => (calls++, Response.json({})) });
    expect(calls).toBe(0);
  });
});
