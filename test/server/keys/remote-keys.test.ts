import { errors as jose } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier, isPkceError, type TokenVerifier } from '../../../src/server/index.js';
import { AUDIENCE, createSigningKey, expectRejected, signToken, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

// The JWKS cache: fetched once, refetched for an unknown kid at most once per cooldown; during an
// outage of the authorization server, forged tokens must not turn the API into a load generator,
// and tokens signed with keys already held keep working for a while.

let as: AuthServer;
let key: SigningKey;
let forger: SigningKey;

beforeAll(async () => {
  as = await startAuthServer();
  [key, forger] = await Promise.all([createSigningKey('ES256', 'k1'), createSigningKey('ES256', 'k1')]);
});
afterAll(() => as.close());
beforeEach(() => {
  as.published = [key];
  as.counts.jwks = 0;
  as.counts.discovery = 0;
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
});
afterEach(() => {
  as.failing = false;
  vi.useRealTimers();
});

/** 200 forged tokens, one after another, each with its own kid; all must be refused. */
async function flood(verify: (token: string) => Promise<unknown>): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (let i = 0; i < 200; i++) {
    const token = await as.sign(forger, { sub: `forged-${i}` }, { kid: `forged-${i}` });
    errors.push(await verify(token).then(() => expect.fail('a forged token was accepted'), (e: unknown) => e));
  }
  return errors;
}

describe('fetching the keys', () => {
  it('fetches nothing when the verifier is created', () => {
    let calls = 0;
    createTokenVerifier({ issuer: 'https://auth.example.test', audience: AUDIENCE, fetch: async () => (calls++, Response.json({})) });
    expect(calls).toBe(0);
  });

  it('fetches the JWKS once for many tokens, however many wait for it', async () => {
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
    await Promise.all([verifier.verify(await as.sign(key)), verifier.verify(await as.sign(key))]);
    await verifier.verify(await as.sign(key));
    expect(as.counts.jwks).toBe(1);
  });
});

describe('key rotation and the refetch cooldown', () => {
  let verifier: TokenVerifier;
  beforeEach(() => {
    as.published = [key];
    verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
  });

  it('accepts a token signed with a new key after exactly one JWKS refetch', async () => {
    await verifier.verify(await as.sign(key));
    expect(as.counts.jwks).toBe(1);

    // Some time later the authorization server rotates to a new key.
    vi.setSystemTime(Date.now() + 60_000);
    const next = await createSigningKey('ES256', 'k2');
    as.published = [next];

    expect((await verifier.verify(await as.sign(next, { sub: 'after-rotation' }))).sub).toBe('after-rotation');
    expect(as.counts.jwks).toBe(2);
    await verifier.verify(await as.sign(next));
    expect(as.counts.jwks).toBe(2);
  });

  it('a burst of unknown kids refetches at most once per cooldown (30 s by default)', async () => {
    const stranger = await createSigningKey('ES256', 'unknown');
    const burst = async () => {
      const tokens = await Promise.all(
        Array.from({ length: 25 }, (_, i) => as.sign(stranger, {}, { kid: `unknown-${i}` })),
      );
      const results = await Promise.allSettled(tokens.map((t) => verifier.verify(t)));
      expect(results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'invalid_token')).toBe(true);
    };

    await verifier.verify(await as.sign(key));
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

describe('a failed fetch is followed by a cooldown', () => {
  it('200 forged tokens while the JWKS answers 503 cause one JWKS request, each answered as a server problem', async () => {
    as.failing = true;
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
    const errors = await flood((t) => verifier.verify(t));
    expect(as.counts.jwks).toBe(1);
    expect(errors.every((e) => isPkceError(e, 'invalid_response'))).toBe(true);
  });

  it('200 forged tokens while discovery fails cause one discovery request', async () => {
    as.failing = true;
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE });
    const errors = await flood((t) => verifier.verify(t));
    expect(as.counts).toEqual({ discovery: 1, jwks: 0 });
    expect(errors.every((e) => isPkceError(e, 'invalid_response'))).toBe(true);
  });

  it('200 forged tokens with the JWKS unreachable cause one request, each a network_error', async () => {
    let requests = 0;
    const verifier = createTokenVerifier({
      issuer: as.issuer,
      audience: AUDIENCE,
      jwksUri: as.jwksUri,
      fetch: async () => {
        requests++;
        throw new TypeError('fetch failed');
      },
    });
    const errors = await flood((t) => verifier.verify(t));
    expect(requests).toBe(1);
    expect(errors.every((e) => isPkceError(e, 'network_error'))).toBe(true);
  });

  it('fetches again once the cooldown has passed, and works when the server is back', async () => {
    as.failing = true;
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, cooldownDuration: 10_000 });
    await expect(verifier.verify(await as.sign(key))).rejects.toMatchObject({ code: 'invalid_response' });
    vi.setSystemTime(Date.now() + 9_000);
    await expect(verifier.verify(await as.sign(key))).rejects.toMatchObject({ code: 'invalid_response' });
    expect(as.counts.jwks).toBe(1);
    as.failing = false;
    vi.setSystemTime(Date.now() + 2_000);
    expect((await verifier.verify(await as.sign(key))).sub).toBe('user-1');
    expect(as.counts.jwks).toBe(2);
  });
});

describe('keys already held keep verifying while the JWKS cannot be refreshed', () => {
  it('past cacheMaxAge, up to maxStaleAge more, with one refresh attempt per cooldown', async () => {
    const verifier = createTokenVerifier({
      issuer: as.issuer,
      audience: AUDIENCE,
      jwksUri: as.jwksUri,
      cacheMaxAge: 600_000,
      maxStaleAge: 3_600_000,
    });
    expect((await verifier.verify(await as.sign(key))).sub).toBe('user-1');
    expect(as.counts.jwks).toBe(1);

    as.failing = true;
    vi.setSystemTime(Date.now() + 700_000); // stale: a refresh is due, and fails
    for (let i = 0; i < 20; i++) expect((await verifier.verify(await as.sign(key))).sub).toBe('user-1');
    expect(as.counts.jwks).toBe(2);

    vi.setSystemTime(Date.now() + 3_000_000); // still within cacheMaxAge + maxStaleAge
    expect((await verifier.verify(await as.sign(key))).sub).toBe('user-1');
    expect(as.counts.jwks).toBe(3);

    vi.setSystemTime(Date.now() + 600_000); // beyond it: the failure shows
    await expect(verifier.verify(await as.sign(key))).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('maxStaleAge: 0 stops using them at cacheMaxAge', async () => {
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, maxStaleAge: 0 });
    await verifier.verify(await as.sign(key));
    as.failing = true;
    vi.setSystemTime(Date.now() + 601_000);
    await expect(verifier.verify(await as.sign(key))).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('an unknown kid during the outage is a server problem (the key may exist), not invalid_token', async () => {
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
    await verifier.verify(await as.sign(key));
    as.failing = true;
    vi.setSystemTime(Date.now() + 31_000);
    const errors = await flood((t) => verifier.verify(t));
    expect(as.counts.jwks).toBe(2);
    expect(errors.every((e) => isPkceError(e, 'invalid_response'))).toBe(true);
    // The known key still works meanwhile.
    expect((await verifier.verify(await as.sign(key))).sub).toBe('user-1');
  });
});

describe('a kid no key of the JWKS has', () => {
  let verifier: TokenVerifier;
  beforeEach(async () => {
    verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
    await verifier.verify(await as.sign(key));
  });

  it('is refused with jose\'s JWKSNoMatchingKey, built without a stack trace, and no request within the cooldown', async () => {
    const token = await as.sign(forger, {}, { kid: 'unknown' });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('No key of the authorization server matches the access token');
    expect(err.cause).toBeInstanceOf(jose.JWKSNoMatchingKey);
    expect((err.cause as Error).stack).toBe('JWKSNoMatchingKey: no applicable key found in the JSON Web Key Set');
    expect(as.counts.jwks).toBe(1);
  });

  it('as jose refuses it: a kid that is not a string, and a string kid against a key whose kid is a number', async () => {
    as.published = [{ ...key, publicJwk: { ...key.publicJwk, kid: 7 as unknown as string } }];
    const fresh = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
    for (const kid of [7, '7']) {
      const token = await signToken(key.privateKey, { alg: key.alg, kid: kid as string }, { iss: as.issuer });
      const err = await expectRejected(fresh.verify(token), 'invalid_token', token);
      expect(err.cause).toBeInstanceOf(jose.JWKSNoMatchingKey);
    }
  });

  it('leaves a token without kid to jose, which picks the one key that fits', async () => {
    const token = await as.sign(key, { sub: 'no-kid' }, { kid: undefined });
    expect((await verifier.verify(token)).sub).toBe('no-kid');
  });
});
