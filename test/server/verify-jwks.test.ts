import { exportSPKI } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier, type TokenVerifier } from '../../src/server/index.js';
import {
  AUDIENCE,
  createSigningKey,
  expectRejected,
  signToken,
  startAuthServer,
  unsecuredToken,
  type AuthServer,
  type SigningKey,
} from './fixtures.js';

let as: AuthServer;
let rsa: SigningKey;
let ec: SigningKey;
let verifier: TokenVerifier;

beforeAll(async () => {
  as = await startAuthServer();
  rsa = await createSigningKey('RS256', 'rsa-1');
  ec = await createSigningKey('ES256', 'ec-1');
});
afterAll(() => as.close());
beforeEach(() => {
  as.published = [rsa, ec];
  as.counts.jwks = 0;
  verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
});

describe('accepts', () => {
  it('a valid RS256 token and returns its claims', async () => {
    const claims = await verifier.verify(await as.sign(rsa, { sub: 'alice' }));
    expect(claims.sub).toBe('alice');
    expect(claims.iss).toBe(as.issuer);
  });

  it('a valid ES256 token, given as a whole Authorization header value', async () => {
    const claims = await verifier.verify(`Bearer ${await as.sign(ec, { sub: 'bob' })}`);
    expect(claims.sub).toBe('bob');
  });

  it('an Ed25519 (EdDSA) token', async () => {
    const ed = await createSigningKey('EdDSA', 'ed-1');
    as.published = [ed];
    expect((await verifier.verify(await as.sign(ed))).sub).toBe('user-1');
  });

  it('an aud array that contains the audience', async () => {
    const token = await as.sign(rsa, { aud: ['https://other.example', AUDIENCE] });
    expect((await verifier.verify(token)).aud).toEqual(['https://other.example', AUDIENCE]);
  });

  it('a token without kid when one key of the JWKS fits', async () => {
    as.published = [rsa];
    expect((await verifier.verify(await as.sign(rsa, {}, { kid: undefined }))).sub).toBe('user-1');
  });

  it('an expired token within the clock tolerance (5 s by default)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await verifier.verify(await as.sign(rsa, { exp: now - 2 }))).sub).toBe('user-1');
  });

  it('fetches the JWKS once for many tokens', async () => {
    await Promise.all([verifier.verify(await as.sign(rsa)), verifier.verify(await as.sign(ec))]);
    await verifier.verify(await as.sign(rsa));
    expect(as.counts.jwks).toBe(1);
  });
});

describe('refuses with invalid_token (401)', () => {
  it('a token from another issuer', async () => {
    const token = await as.sign(rsa, { iss: 'https://evil.example' });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token was issued by another issuer');
  });

  it('a token without iss', async () => {
    const token = await as.sign(rsa, { iss: undefined });
    await expectRejected(verifier.verify(token), 'invalid_token', token);
  });

  it('a token for another audience, string or array', async () => {
    for (const aud of ['https://other.example', ['https://other.example', 'https://third.example']]) {
      const token = await as.sign(rsa, { aud });
      const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
      expect(err.errorDescription).toBe('The access token is not meant for this audience');
    }
  });

  it('an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await as.sign(rsa, { iat: now - 600, exp: now - 60 });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.wwwAuthenticate).toBe('Bearer error="invalid_token", error_description="The access token expired"');
  });

  it('a token without exp', async () => {
    const token = await as.sign(rsa, { exp: undefined });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token has no exp claim');
  });

  it('a token that is not valid yet (nbf)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await as.sign(rsa, { nbf: now + 120 });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is not valid yet');
  });

  it('a token with a bad signature', async () => {
    const [header, , signature] = (await as.sign(rsa, { sub: 'alice' })).split('.');
    const [, payload] = (await as.sign(rsa, { sub: 'mallory' })).split('.');
    const token = `${header}.${payload}.${signature}`;
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token signature is invalid');
  });

  it('a token signed by a key the authorization server never published', async () => {
    const stranger = await createSigningKey('RS256', 'rsa-1');
    const token = await as.sign(stranger);
    await expectRejected(verifier.verify(token), 'invalid_token', token);
  });

  it('HS256 signed with the RSA public key as the secret (algorithm confusion), without fetching keys', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const token = await signToken(new TextEncoder().encode(pem), { alg: 'HS256', kid: rsa.kid }, { iss: as.issuer });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is signed with an algorithm that is not allowed');
    expect(as.counts.jwks).toBe(0);
  });

  it('alg: none, without fetching keys', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = unsecuredToken({ iss: as.issuer, aud: AUDIENCE, sub: 'admin', exp: now + 300 });
    await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(as.counts.jwks).toBe(0);
  });

  it('an algorithm left out of "algorithms"', async () => {
    const rsOnly = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, algorithms: ['RS256'] });
    const token = await as.sign(ec);
    await expectRejected(rsOnly.verify(token), 'invalid_token', token);
  });

  it('something that is not a JWT', async () => {
    await expectRejected(verifier.verify('not-a-jwt'), 'invalid_token');
  });
});

describe('scopes', () => {
  it('accepts a token holding every required scope in its scope claim, or in scp with scopeClaim: "scp"', async () => {
    const base = { issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, requiredScopes: ['read', 'write'] };
    expect((await createTokenVerifier(base).verify(await as.sign(rsa, { scope: 'openid read write' }))).sub).toBe('user-1');
    const scp = createTokenVerifier({ ...base, scopeClaim: 'scp' });
    expect((await scp.verify(await as.sign(rsa, { scp: ['read', 'write'] }))).sub).toBe('user-1');
    expect((await scp.verify(await as.sign(rsa, { scp: 'read write' }))).sub).toBe('user-1');
  });

  it('keeps scope and scp apart: never adds one to the other', async () => {
    const base = { issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, requiredScopes: ['read', 'write'] };
    // Old behaviour: the union of both claims granted read + write.
    const mixed = await as.sign(rsa, { scope: 'read', scp: ['write'] });
    await expectRejected(createTokenVerifier(base).verify(mixed), 'insufficient_scope', mixed);
    await expectRejected(createTokenVerifier({ ...base, scopeClaim: 'scp' }).verify(mixed), 'insufficient_scope', mixed);
    // scope is a string claim (RFC 9068 §2.2.3): an array there grants nothing.
    const arrayScope = await as.sign(rsa, { scope: ['read', 'write'] });
    await expectRejected(createTokenVerifier(base).verify(arrayScope), 'insufficient_scope', arrayScope);
  });

  it('refuses a token missing one with 403 insufficient_scope naming the scopes', async () => {
    const v = createTokenVerifier({
      issuer: as.issuer,
      audience: AUDIENCE,
      jwksUri: as.jwksUri,
      realm: 'orders',
      requiredScopes: ['orders:read'],
    });
    const token = await as.sign(rsa, { scope: 'orders:read' });
    const err = await expectRejected(v.verify(token, { requiredScopes: ['orders:write'] }), 'insufficient_scope', token);
    expect(err.wwwAuthenticate).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="The access token does not have the required scope", scope="orders:read orders:write"',
    );
    expect(err.scope).toEqual(['orders:read', 'orders:write']);
  });

  it('does not read scopes from a scope claim that is not a string', async () => {
    const v = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, requiredScopes: ['read'] });
    const token = await as.sign(rsa, { scope: { read: true } });
    await expectRejected(v.verify(token), 'insufficient_scope', token);
  });
});

describe('key rotation and the refetch cooldown', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts a token signed with a new key after exactly one JWKS refetch', async () => {
    await verifier.verify(await as.sign(rsa));
    expect(as.counts.jwks).toBe(1);

    // Some time later the authorization server rotates to a new key.
    vi.setSystemTime(Date.now() + 60_000);
    const next = await createSigningKey('RS256', 'rsa-2');
    as.published = [next];

    expect((await verifier.verify(await as.sign(next, { sub: 'after-rotation' }))).sub).toBe('after-rotation');
    expect(as.counts.jwks).toBe(2);
    await verifier.verify(await as.sign(next));
    expect(as.counts.jwks).toBe(2);
  });

  it('a burst of unknown kids refetches at most once per cooldown (30 s by default)', async () => {
    const stranger = await createSigningKey('RS256', 'unknown');
    const burst = async () => {
      const tokens = await Promise.all(
        Array.from({ length: 25 }, (_, i) => as.sign(stranger, {}, { kid: `unknown-${i}` })),
      );
      const results = await Promise.allSettled(tokens.map((t) => verifier.verify(t)));
      expect(results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'invalid_token')).toBe(true);
    };

    await verifier.verify(await as.sign(rsa));
    expect(as.counts.jwks).toBe(1);

    await burst();
    expect(as.counts.jwks).toBe(1);

    vi.setSystemTime(Date.now() + 20_000);
    await burst();
    expect(as.counts.jwks).toBe(1);

    vi.setSystemTime(Date.now() + 15_000);
    await burst();
    expect(as.counts.jwks).toBe(2);
    await burst();
    expect(as.counts.jwks).toBe(2);
  });
});

describe('key-fetch failures are not token errors', () => {
  it('an unreachable JWKS gives a NetworkError, not invalid_token', async () => {
    const down = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: 'http://127.0.0.1:9/jwks', timeout: 2000 });
    await expect(down.verify(await as.sign(rsa))).rejects.toMatchObject({ name: 'NetworkError', code: 'network_error' });
  });

  it('a JWKS answering 404 gives a ValidationError invalid_response', async () => {
    const broken = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: `${as.issuer}/nothing-here` });
    await expect(broken.verify(await as.sign(rsa))).rejects.toMatchObject({ name: 'ValidationError', code: 'invalid_response' });
  });
});
