import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier, isPkceError, ValidationError } from '../../../src/server/index.js';
import { AUDIENCE, createSigningKey, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

let as: AuthServer;
let key: SigningKey;
beforeAll(async () => {
  as = await startAuthServer();
  key = await createSigningKey('RS256', 'k1');
  as.published = [key];
});
afterAll(() => as.close());
beforeEach(() => {
  as.discoveryIssuer = undefined;
  as.counts.discovery = 0;
  as.counts.jwks = 0;
});

describe('JWKS from the OpenID discovery document', () => {
  it('reads jwks_uri from ${issuer}/.well-known/openid-configuration once, on first use', async () => {
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE });
    expect(as.counts.discovery).toBe(0);
    const [a, b] = await Promise.all([verifier.verify(await as.sign(key)), verifier.verify(await as.sign(key))]);
    await verifier.verify(await as.sign(key));
    expect([a.sub, b.sub]).toEqual(['user-1', 'user-1']);
    expect(as.counts).toEqual({ discovery: 1, jwks: 1 });
  });

  it('works with a trailing slash on the issuer', async () => {
    const issuer = `${as.issuer}/`;
    as.discoveryIssuer = issuer;
    const verifier = createTokenVerifier({ issuer, audience: AUDIENCE });
    expect((await verifier.verify(await as.sign(key, { iss: issuer }))).iss).toBe(issuer);
  });

  it('refuses a discovery document whose issuer differs, with a clear ValidationError', async () => {
    as.discoveryIssuer = 'https://evil.example';
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE });
    const error = await verifier.verify(await as.sign(key)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(isPkceError(error, 'invalid_issuer')).toBe(true);
    expect((error as Error).message).toContain('"https://evil.example"');
    expect((error as Error).message).toContain(JSON.stringify(as.issuer));
    expect(as.counts.jwks).toBe(0);
  });

  it('after a failure, answers with the same error without a request until the cooldown ends, then tries again', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      as.discoveryIssuer = 'https://evil.example';
      const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE });
      await expect(verifier.verify(await as.sign(key))).rejects.toMatchObject({ code: 'invalid_issuer' });
      as.discoveryIssuer = undefined;
      await expect(verifier.verify(await as.sign(key))).rejects.toMatchObject({ code: 'invalid_issuer' });
      expect(as.counts.discovery).toBe(1);
      vi.setSystemTime(Date.now() + 31_000);
      expect((await verifier.verify(await as.sign(key))).sub).toBe('user-1');
      expect(as.counts.discovery).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('an injected fetch', () => {
  it('is used for discovery and the JWKS', async () => {
    const issuer = 'https://auth.example.test';
    const seen: string[] = [];
    const fetch = async (input: Request | string | URL) => {
      const url = String(input);
      seen.push(url);
      const body = url.endsWith('/openid-configuration')
        ? { issuer, jwks_uri: `${issuer}/keys` }
        : { keys: [key.publicJwk] };
      return Response.json(body);
    };
    const verifier = createTokenVerifier({ issuer, audience: AUDIENCE, fetch });
    expect((await verifier.verify(await as.sign(key, { iss: issuer }))).iss).toBe(issuer);
    expect(seen).toEqual([`${issuer}/.well-known/openid-configuration`, `${issuer}/keys`]);
  });

  it('a discovery document pointing jwks_uri at plain http is refused', async () => {
    const issuer = 'https://auth.example.test';
    const fetch = async () => Response.json({ issuer, jwks_uri: 'http://auth.example.test/keys' });
    const verifier = createTokenVerifier({ issuer, audience: AUDIENCE, fetch });
    await expect(verifier.verify(await as.sign(key, { iss: issuer }))).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
