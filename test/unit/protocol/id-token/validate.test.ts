import { CompactSign, createRemoteJWKSet, customFetch, FlattenedSign } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPkceError, NetworkError, ValidationError, type IdTokenClaims } from '../../../../src/index.js';
import { checkRefreshedIdToken, validateIdToken, type IdTokenExpectations } from '../../../../src/protocol.js';
import { ASYMMETRIC_ALGORITHMS } from '../../../../src/shared/algorithms.js';
import { hmacToken, localJwks, remoteJwks, servedJwks, sign, testKey, unsignedToken, weakRsaToken, type TestKey } from '../../../support/keys.js';

const ISSUER = 'https://auth.example';
const CLIENT_ID = 'spa';
const NONCE = 'nonce-from-the-login-request';

let rsa: TestKey;
let ec: TestKey;
let foreign: TestKey;
beforeAll(async () => {
  // Generated once for the whole file: RSA generation is slow.
  [rsa, ec, foreign] = await Promise.all([testKey('rsa', 'RS256', 'k1'), testKey('ec', 'ES256', 'e1'), testKey('foreign', 'RS256', 'k1')]);
});

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const all: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'alice',
    aud: CLIENT_ID,
    iat: now(),
    exp: now() + 600,
    nonce: NONCE,
    auth_time: now() - 5,
    ...overrides,
  };
  for (const [name, value] of Object.entries(all)) if (value === undefined) delete all[name];
  return all;
};

/** Validates against a remote JWKS publishing `published`, counting the key fetches. */
async function validate(token: string, expected: Partial<IdTokenExpectations> = {}, published: TestKey[] = [rsa, ec]) {
  const keys = remoteJwks(published);
  const result = await validateIdToken(token, { issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, jwks: keys.jwks, ...expected }).then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error: error as Error }),
  );
  return { ...result, fetches: keys.fetches };
}

/** The refusal: invalid_id_token, the token not in the message, at most the one key fetch it needed. */
async function expectRefused(token: string, expected: Partial<IdTokenExpectations> = {}, published?: TestKey[]) {
  const { value, error, fetches } = await validate(token, expected, published);
  expect(value, 'the ID token was accepted').toBeUndefined();
  expect(error).toBeInstanceOf(ValidationError);
  expect(isPkceError(error, 'invalid_id_token'), String(error)).toBe(true);
  expect(error!.message).not.toContain(token);
  expect(String(error)).not.toContain(token);
  for (const part of token.split('.').filter((p) => p.length > 8)) expect(String(error)).not.toContain(part);
  expect(fetches).toBeLessThanOrEqual(1);
  return { error: error!, fetches };
}

async function expectAccepted(token: string, expected: Partial<IdTokenExpectations> = {}, published?: TestKey[]) {
  const { value, error } = await validate(token, expected, published);
  expect(error, String(error)).toBeUndefined();
  return value!;
}

describe('validateIdToken: accepted (OIDC Core §3.1.3.7)', () => {
  it('accepts a valid RS256 ID token and returns its claims', async () => {
    const user = await expectAccepted(await sign(rsa, claims({ name: 'Alice' })));
    expect(user).toMatchObject({ iss: ISSUER, sub: 'alice', aud: CLIENT_ID, nonce: NONCE, name: 'Alice' });
  });

  it('accepts a valid ES256 ID token', async () => {
    expect((await expectAccepted(await sign(ec, claims()))).sub).toBe('alice');
  });

  it('accepts a token without kid when the JWKS has one matching key', async () => {
    const token = await sign(rsa, claims(), { kid: undefined });
    expect((await expectAccepted(token, {}, [rsa])).sub).toBe('alice');
    const { kid: _, ...jwkWithoutKid } = rsa.jwk;
    const jwks = localJwks({ ...rsa, jwk: jwkWithoutKid });
    expect((await validateIdToken(token, { issuer: ISSUER, clientId: CLIENT_ID, jwks })).sub).toBe('alice');
  });

  it('accepts aud as a one-element array', async () => {
    expect((await expectAccepted(await sign(rsa, claims({ aud: [CLIENT_ID] })))).aud).toEqual([CLIENT_ID]);
  });

  it('accepts several audiences when azp is this client', async () => {
    await expectAccepted(await sign(rsa, claims({ aud: [CLIENT_ID, 'https://api.example'], azp: CLIENT_ID })));
  });

  it('accepts azp equal to the client with a single audience', async () => {
    await expectAccepted(await sign(rsa, claims({ azp: CLIENT_ID })));
  });

  it('works with a local key set too', async () => {
    const token = await sign(ec, claims());
    expect((await validateIdToken(token, { issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, jwks: localJwks(ec) })).sub).toBe('alice');
  });

  it('does not require a nonce when none was sent', async () => {
    await expectAccepted(await sign(rsa, claims({ nonce: undefined })), { nonce: undefined });
  });

  it('accepts an exp just past, within the clock tolerance (default 30 s)', async () => {
    await expectAccepted(await sign(rsa, claims({ exp: now() - 10, iat: now() - 600 })));
    await expectAccepted(await sign(rsa, claims({ exp: now() - 100, iat: now() - 600 })), { clockTolerance: 120 });
  });

  it('accepts a recent enough auth_time when max_age was sent', async () => {
    await expectAccepted(await sign(rsa, claims({ auth_time: now() - 30 })), { maxAge: 60 });
  });

  it('accepts an algorithm listed in the algorithms option', async () => {
    await expectAccepted(await sign(ec, claims()), { algorithms: ['ES256'] });
  });

  it('allows only asymmetric algorithms by default, a list no caller can change', () => {
    expect(ASYMMETRIC_ALGORITHMS).toContain('RS256');
    expect(ASYMMETRIC_ALGORITHMS).toContain('ES256');
    for (const alg of ASYMMETRIC_ALGORITHMS) expect(alg).not.toMatch(/^(HS|none)/i);
    expect(() => (ASYMMETRIC_ALGORITHMS as string[]).push('HS256')).toThrow(TypeError);
  });
});

describe('validateIdToken: a JWT of another kind is no ID token (RFC 8725 §3.11)', () => {
  it.each(['at+jwt', 'application/at+jwt', 'logout+jwt', 'dpop+jwt', 'AT+JWT', ' at+jwt ', 'application/at+jwt; charset=utf-8'])('refuses a token typed %s, signed by the same keys', async (typ) => {
    await expectRefused(await sign(rsa, claims(), { typ }));
  });

  it.each([['JWT'], ['application/jwt'], [undefined]])('accepts typ %s', async (typ) => {
    await expectAccepted(await sign(rsa, claims(), { typ }));
  });

  it.each([[123], [['at+jwt']]])('refuses a typ that is not a string (%j) as invalid_id_token', async (typ) => {
    await expectRefused(await sign(rsa, claims(), { typ }));
  });

  it('refuses a payload that is not UTF-8, rather than read two signed values as one (U+FFFD)', async () => {
    const json = new TextEncoder().encode(JSON.stringify(claims({ sub: 'alice!' })));
    json[json.indexOf('!'.charCodeAt(0))] = 0xff;
    const token = await new CompactSign(json).setProtectedHeader({ alg: 'RS256', kid: rsa.kid }).sign(rsa.privateKey);
    const { error } = await expectRefused(token);
    expect(error.message).toContain('not a JSON object');
  });
});

describe('validateIdToken: refused, invalid_id_token', () => {
  it.each([
    ['a wrong iss', { iss: 'https://evil.example' }],
    ['an iss with a trailing slash', { iss: `${ISSUER}/` }],
    ['a missing iss', { iss: undefined }],
    ['a wrong aud', { aud: 'other-client' }],
    ['a wrong aud array', { aud: ['other-client'] }],
    ['a missing aud', { aud: undefined }],
    ['an extra untrusted aud without azp', { aud: [CLIENT_ID, 'https://evil.example'] }],
    ['several audiences with azp another client', { aud: [CLIENT_ID, 'other-client'], azp: 'other-client' }],
    ['azp naming another client', { azp: 'other-client' }],
    ['a missing sub', { sub: undefined }],
    ['an empty sub', { sub: '' }],
    ['a sub that is not a string', { sub: 42 }],
    ['a missing iat', { iat: undefined }],
    ['a missing exp', { exp: undefined }],
    ['an exp in the past beyond the tolerance', { exp: now() - 120, iat: now() - 600 }],
    ['a wrong nonce', { nonce: 'another-nonce' }],
    ['a missing nonce', { nonce: undefined }],
    ['an nbf in the future beyond the tolerance', { nbf: now() + 120 }],
    ['an exp that is a string', { exp: String(now() + 600) }],
    ['an iat that is a string', { iat: String(now()) }],
    ['an nbf that is a string', { nbf: String(now() - 60) }],
    ['an iss that is not a string', { iss: [ISSUER] }],
    ['an aud array holding a non-string', { aud: [CLIENT_ID, 42] }],
    ['an auth_time in the future beyond the tolerance', { auth_time: now() + 3600 }],
    ['an auth_time that is a string', { auth_time: 'yesterday' }],
    ['an auth_time that is not finite', { auth_time: 1e400 }],
  ])('refuses %s', async (_, overrides) => {
    await expectRefused(await sign(rsa, claims(overrides)));
  });

  it('accepts an nbf just ahead, within the clock tolerance', async () => {
    await expectAccepted(await sign(rsa, claims({ nbf: now() + 10 })));
  });

  it.each([
    ['a JSON array', JSON.stringify([claims()])],
    ['a JSON string', JSON.stringify('alice')],
    ['JSON null', 'null'],
    ['not JSON', 'alice'],
  ])('refuses a signed payload that is %s, not a claims object (RFC 7519 §7.2)', async (_, payload) => {
    const token = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'RS256', kid: rsa.kid }).sign(rsa.privateKey);
    const { error } = await expectRefused(token);
    expect(error.message).toContain('not a JSON object');
  });

  it('refuses a signed token with an unencoded payload ("b64": false, RFC 7797 §7)', async () => {
    // Its payload travels as it is, so it holds no "." (RFC 7797 §5.2): an issuer without one.
    const issuer = 'https://localhost';
    const payload = JSON.stringify(claims({ iss: issuer }));
    const jws = await new FlattenedSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'RS256', kid: rsa.kid, b64: false, crit: ['b64'] })
      .sign(rsa.privateKey);
    const { error } = await expectRefused(`${jws.protected}.${payload}.${jws.signature}`, { issuer });
    expect(error.message).toContain('b64');
  });

  it('refuses an exp just past when the tolerance is 0', async () => {
    await expectRefused(await sign(rsa, claims({ exp: now() - 5, iat: now() - 600 })), { clockTolerance: 0 });
  });

  it('refuses alg none without fetching any key', async () => {
    const { fetches } = await expectRefused(unsignedToken(claims()));
    expect(fetches).toBe(0);
  });

  it('refuses HS256 signed with a secret without fetching any key', async () => {
    const { fetches } = await expectRefused(await hmacToken(claims(), 'a-shared-secret-of-enough-length-000000'));
    expect(fetches).toBe(0);
  });

  it('refuses an algorithms option listing HS256 as a ConfigError naming it, before any key is fetched (no secret to verify with)', async () => {
    const { error, fetches } = await validate(await hmacToken(claims(), 'a-shared-secret-of-enough-length-000000'), { algorithms: ['HS256', 'RS256'] });
    expect(error).toMatchObject({ code: 'invalid_config', message: expect.stringContaining('HS256') });
    expect(fetches).toBe(0);
  });

  it.each([
    ['clockTolerance NaN', { clockTolerance: Number.NaN }],
    ['clockTolerance Infinity', { clockTolerance: Infinity }],
    ['clockTolerance a string', { clockTolerance: '30' as unknown as number }],
    ['clockTolerance negative', { clockTolerance: -1 }],
    ['currentTime NaN', { currentTime: Number.NaN }],
    ['currentTime a string', { currentTime: String(now()) as unknown as number }],
    ['maxAge NaN', { maxAge: Number.NaN }],
  ])('refuses %s as a ConfigError: a time rule switched off would let an expired token through', async (_, expected) => {
    const { value, error } = await validate(await sign(rsa, claims({ exp: now() - 3600, iat: now() - 7200, auth_time: 0 })), expected);
    expect(value).toBeUndefined();
    expect(error).toMatchObject({ code: 'invalid_config' });
  });

  it('refuses an algorithm outside the algorithms option', async () => {
    const { fetches } = await expectRefused(await sign(rsa, claims()), { algorithms: ['ES256'] });
    expect(fetches).toBe(0);
  });

  it('refuses a signature by a key the JWKS does not publish (same kid)', async () => {
    const { fetches } = await expectRefused(await sign(foreign, claims()), {}, [rsa]);
    expect(fetches).toBe(1);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await sign(rsa, claims())).split('.');
    const forged = btoa(JSON.stringify(claims({ sub: 'mallory' }))).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    await expectRefused(`${header}.${forged}.${signature}`);
  });

  it('refuses a token that is not a JWT', async () => {
    await expectRefused('not-a-jwt');
    await expectRefused('a.b.c');
  });

  it('refuses an old auth_time when max_age was sent', async () => {
    await expectRefused(await sign(rsa, claims({ auth_time: now() - 3600 })), { maxAge: 60 });
  });

  it('refuses a missing auth_time when max_age was sent', async () => {
    await expectRefused(await sign(rsa, claims({ auth_time: undefined })), { maxAge: 60 });
  });

  it('refuses a token for a kid that is still unknown after one refetch', async () => {
    const stranger = await testKey('stranger', 'ES256', 'unknown-kid');
    const keys = remoteJwks([rsa]);
    const expected = { issuer: ISSUER, clientId: CLIENT_ID, jwks: keys.jwks };
    await validateIdToken(await sign(rsa, claims()), expected); // the keys are cached now
    expect(keys.fetches).toBe(1);
    const error = await validateIdToken(await sign(stranger, claims()), expected).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_id_token' });
    expect(keys.fetches).toBe(2);
  });
});

describe('validateIdToken: keys', () => {
  it('refetches the JWKS once when the keys were rotated (new kid), then accepts', async () => {
    const keys = remoteJwks([rsa]);
    const expected = { issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, jwks: keys.jwks };
    await validateIdToken(await sign(rsa, claims()), expected);
    expect(keys.fetches).toBe(1);
    await validateIdToken(await sign(rsa, claims()), expected);
    expect(keys.fetches).toBe(1); // cached

    const rotated = await testKey('rotated', 'ES256', 'k2');
    keys.published = [rotated];
    expect((await validateIdToken(await sign(rotated, claims()), expected)).sub).toBe('alice');
    expect(keys.fetches).toBe(2);
  });

  it('reports a JWKS that cannot be fetched as NetworkError network_error when the fetch says the request failed', async () => {
    const jwks = createRemoteJWKSet(new URL(`${ISSUER}/jwks`), {
      [customFetch]: () => Promise.reject(new NetworkError('network_error', 'Could not fetch the issuer keys (JWKS)')),
    });
    const token = await sign(rsa, claims());
    const error = await validateIdToken(token, { issuer: ISSUER, clientId: CLIENT_ID, jwks }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'network_error' });
    expect(String(error)).not.toContain(token);
  });

  it('reports a JWKS fetch that takes too long as NetworkError timeout', async () => {
    const jwks = createRemoteJWKSet(new URL(`${ISSUER}/jwks`), {
      timeoutDuration: 20,
      [customFetch]: (_url: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason))),
    });
    const error = await validateIdToken(await sign(rsa, claims()), { issuer: ISSUER, clientId: CLIENT_ID, jwks }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'timeout' });
  });
});

describe('validateIdToken: unusable or ambiguous keys', () => {
  const check = (token: string, jwks: IdTokenExpectations['jwks']) =>
    validateIdToken(token, { issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, jwks }).catch((e: unknown) => e as Error);

  it('refuses a token signed with a 1024-bit RSA key as invalid_id_token, not as a network error (RFC 7518 §3.3)', async () => {
    const { token, jwk } = await weakRsaToken(claims());
    const error = await check(token, servedJwks([jwk]));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_id_token' });
  });

  it('refuses a key published with x5c only (no n, e) as invalid_id_token', async () => {
    const { n: _n, e: _e, ...bare } = rsa.jwk;
    const error = await check(await sign(rsa, claims()), servedJwks([{ ...bare, x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }]));
    expect(error).toMatchObject({ code: 'invalid_id_token' });
  });

  it('accepts a token when the JWKS lists its key twice (RFC 7517 §4.5: distinct kids are only a SHOULD)', async () => {
    const value = await check(await sign(rsa, claims()), servedJwks([rsa.jwk, rsa.jwk]));
    expect(value).toMatchObject({ sub: 'alice' });
  });

  it('tries every key sharing the kid: a foreign key listed first does not hide the right one', async () => {
    expect(foreign.kid).toBe(rsa.kid);
    const value = await check(await sign(rsa, claims()), servedJwks([foreign.jwk, rsa.jwk]));
    expect(value).toMatchObject({ sub: 'alice' });
    // … and a token no candidate verifies is still refused.
    const forged = await check(await sign(ec, claims(), { kid: 'k1', alg: 'ES256' }), servedJwks([foreign.jwk, rsa.jwk]));
    expect(forged).toMatchObject({ code: 'invalid_id_token' });
  });

  it('refuses an iat beyond the clock tolerance in the future (OIDC Core §3.1.3.7 item 10)', async () => {
    const error = await check(await sign(rsa, claims({ iat: now() + 3_600, exp: now() + 7_200 })), localJwks(rsa));
    expect(error).toMatchObject({ code: 'invalid_id_token', message: expect.stringContaining('"iat"') });
    const within = await check(await sign(rsa, claims({ iat: now() + 20 })), localJwks(rsa));
    expect(within).toMatchObject({ sub: 'alice' });
  });

  it('judges exp and iat at currentTime, the server time the client learnt, not the device clock', async () => {
    const ahead = await sign(rsa, claims({ iat: now() + 3_600, exp: now() + 7_200 }));
    const atServerTime = { issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, jwks: localJwks(rsa) };
    expect(await validateIdToken(ahead, { ...atServerTime, currentTime: now() + 3_600 })).toMatchObject({ sub: 'alice' });
    const expiredThere = await validateIdToken(await sign(rsa, claims()), { ...atServerTime, currentTime: now() + 86_400 }).catch((e: unknown) => e);
    expect(expiredThere).toMatchObject({ code: 'invalid_id_token', message: expect.stringContaining('"exp"') });
  });
});

describe('checkRefreshedIdToken (OIDC Core §12.2)', () => {
  const original: IdTokenClaims = {
    iss: ISSUER,
    sub: 'alice',
    aud: CLIENT_ID,
    iat: 1_700_000_000,
    exp: 1_700_000_600,
    auth_time: 1_699_999_990,
    nonce: NONCE,
  };
  const refreshed = (overrides: Partial<IdTokenClaims> = {}): IdTokenClaims => {
    const next: IdTokenClaims = { ...original, iat: 1_700_003_000, exp: 1_700_003_600, ...overrides };
    for (const [name, value] of Object.entries(next)) if (value === undefined) delete next[name];
    return next;
  };
  const refusal = (next: IdTokenClaims, previous = original) => {
    try {
      checkRefreshedIdToken(previous, next);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('accepts the same iss, sub, aud and auth_time with new iat and exp', () => {
    expect(() => checkRefreshedIdToken(original, refreshed())).not.toThrow();
  });

  it('accepts a refreshed token without nonce, and without auth_time', () => {
    expect(() => checkRefreshedIdToken(original, refreshed({ nonce: undefined }))).not.toThrow();
    expect(() => checkRefreshedIdToken(original, refreshed({ auth_time: undefined }))).not.toThrow();
  });

  it('accepts the same audiences in another order or shape', () => {
    expect(() => checkRefreshedIdToken(original, refreshed({ aud: [CLIENT_ID] }))).not.toThrow();
    const many = { ...original, aud: [CLIENT_ID, 'https://api.example'], azp: CLIENT_ID };
    expect(() => checkRefreshedIdToken(many, { ...many, aud: ['https://api.example', CLIENT_ID] })).not.toThrow();
  });

  it.each([
    ['another iss', { iss: 'https://evil.example' }],
    ['another sub', { sub: 'mallory' }],
    ['a missing sub', { sub: undefined }],
    ['another aud', { aud: 'other-client' }],
    ['an extra aud', { aud: [CLIENT_ID, 'https://evil.example'] }],
    ['a changed auth_time', { auth_time: 1_700_003_000 }],
    ['a different nonce', { nonce: 'other-nonce' }],
  ])('refuses %s with invalid_id_token', (_, overrides) => {
    const error = refusal(refreshed(overrides as Partial<IdTokenClaims>));
    expect(error).toBeInstanceOf(ValidationError);
    expect(isPkceError(error, 'invalid_id_token')).toBe(true);
  });
});
