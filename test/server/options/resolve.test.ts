import { describe, expect, it } from 'vitest';
import { ConfigError, createTokenVerifier, type TokenVerifierOptions } from '../../../src/server/index.js';
import { resolveOptions } from '../../../src/server/options/resolve.js';
import { SECRET_256 } from '../fixtures.js';

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
    ['a plain http dpop.publicUrl', { ...base, dpop: { publicUrl: 'http://api.example.test' } }, '"dpop.publicUrl" must be an https: URL'],
    ['a dpop.publicUrl with a query', { ...base, dpop: { publicUrl: ['https://a.example', 'https://b.example/?x=1'] } }, '"dpop.publicUrl" must not have a query'],
    ['an empty dpop.publicUrl list', { ...base, dpop: { publicUrl: [] } }, '"dpop.publicUrl" must be a URL or a non-empty list'],
    ['dpop.nonces that is no nonce source', { ...base, dpop: { nonces: true } }, '"dpop.nonces" must be false or have current()'],
    ['a negative dpop.clockSkew', { ...base, dpop: { clockSkew: -1 } }, '"dpop.clockSkew" must be a non-negative number'],
    ['a misspelt DPoP option', { ...base, dpop: { publicURL: 'https://api.example.test' } }, '"dpop.publicURL" is not a DPoP option'],
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

describe('DPoP defaults', () => {
  it('dpop: true has server nonces, a 60 s proof age and 60 s of clock skew, and no public URL', () => {
    const dpop = resolveOptions({ ...base, dpop: true }).dpop!;
    expect(typeof dpop.nonces?.current).toBe('function');
    expect([dpop.maxProofAge, dpop.clockSkew, dpop.publicUrls, dpop.required]).toEqual([60, 60, undefined, false]);
  });

  it('without nonces the clock skew is 5 s; public URLs lose a trailing slash', () => {
    const dpop = resolveOptions({ ...base, dpop: { nonces: false, publicUrl: [new URL('https://api.example.test/'), 'https://example.net/api/'] } }).dpop!;
    expect([dpop.nonces, dpop.clockSkew, dpop.publicUrls]).toEqual([undefined, 5, ['https://api.example.test', 'https://example.net/api']]);
  });
});

describe('accepted configuration', () => {
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

  it('audience and clientId together, or neither, are configuration errors', () => {
    const both = { ...base, clientId: 'x' } as unknown as TokenVerifierOptions;
    expect(() => createTokenVerifier(both)).toThrow('"audience" and "clientId" cannot be combined');
    expect(() => createTokenVerifier({ issuer: base.issuer } as unknown as TokenVerifierOptions)).toThrow('"audience" is required (or "clientId"');
  });
});
