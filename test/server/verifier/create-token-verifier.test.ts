import { inspect } from 'node:util';
import { errors, exportSPKI } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createTokenVerifier,
  isPkceError,
  rotatingDpopNonces,
  type DpopOptions,
  type TokenVerificationError,
  type TokenVerifier,
} from '../../../src/server/index.js';
import { createDpopClient, makeProof, type DpopClient } from '../dpop-fixtures.js';
import {
  AUDIENCE,
  createSigningKey,
  expectRejected,
  signToken,
  startAuthServer,
  unsecuredToken,
  type AuthServer,
  type SigningKey,
} from '../fixtures.js';

// What createTokenVerifier() checks, in order: algorithm, signature, iss, aud (or client_id), exp,
// nbf, the profile, the DPoP binding, the scopes (RFC 6750, RFC 8725 §3.1, RFC 9068 §4, RFC 9449 §7).

const URL_ = 'https://api.example.test/things';

let as: AuthServer;
let rsa: SigningKey;
let ec: SigningKey;
let key: SigningKey;
let verifier: TokenVerifier;
let client: DpopClient;

beforeAll(async () => {
  as = await startAuthServer();
  rsa = await createSigningKey('RS256', 'rsa-1');
  ec = await createSigningKey('ES256', 'ec-1');
  key = ec;
  client = await createDpopClient('ES256');
});
afterAll(() => as.close());
beforeEach(() => {
  as.published = [rsa, ec];
  as.counts.jwks = 0;
  verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
});

const jwks = () => ({ issuer: as.issuer, jwksUri: as.jwksUri });
/** A verifier with DPoP on (server nonces off unless given: the subject here is the binding) or off. */
const make = (dpop: DpopOptions | false = {}): TokenVerifier =>
  createTokenVerifier({ ...jwks(), audience: AUDIENCE, realm: 'api', dpop: dpop === false ? false : { nonces: false, ...dpop } });
/** An access token bound to `to` (cnf.jkt, RFC 9449 §6.1). */
const bound = (to: DpopClient = client, claims: Record<string, unknown> = {}) => as.sign(key, { cnf: { jkt: to.jkt }, ...claims });
const call = (proof: string | string[] | undefined, method = 'GET', url = URL_) => ({ dpop: { proof, method, url } });

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

  it('a token that expired less than the clock tolerance ago (5 s by default), and not one that expired 5 s ago', async () => {
    const now = 1_800_000_000;
    vi.useFakeTimers({ toFake: ['Date'], now: now * 1000 });
    try {
      expect((await verifier.verify(await as.sign(rsa, { iat: now - 60, exp: now - 4 }))).sub).toBe('user-1');
      const token = await as.sign(rsa, { iat: now - 60, exp: now - 5 });
      await expectRejected(verifier.verify(token), 'invalid_token', token);
    } finally {
      vi.useRealTimers();
    }
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

describe('the RFC 9068 §4 profile by default', () => {
  it('accepts typ at+jwt and application/at+jwt with a sub', async () => {
    const v = createTokenVerifier({ ...jwks(), audience: AUDIENCE });
    expect((await v.verify(await as.sign(key, {}, { typ: 'at+jwt' }))).sub).toBe('user-1');
    expect((await v.verify(await as.sign(key, {}, { typ: 'application/at+jwt' }))).sub).toBe('user-1');
  });

  it('refuses a token without typ, or typ JWT (an ID token, say), with nothing to opt in', async () => {
    const v = createTokenVerifier({ ...jwks(), audience: AUDIENCE });
    for (const typ of [undefined, 'JWT']) {
      const token = await as.sign(key, {}, { typ });
      const err = await expectRejected(v.verify(token), 'invalid_token', token);
      expect(err.errorDescription).toBe('The access token is not of type at+jwt');
    }
  });

  it('refuses a token without sub', async () => {
    const token = await as.sign(key, { sub: undefined });
    const err = await expectRejected(createTokenVerifier({ ...jwks(), audience: AUDIENCE }).verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token has no sub claim');
  });

  it('profile: "plain-jwt" is the documented opt-out for servers that issue plain JWTs', async () => {
    const v = createTokenVerifier({ ...jwks(), audience: AUDIENCE, profile: 'plain-jwt' });
    expect((await v.verify(await as.sign(key, {}, { typ: 'JWT' }))).iss).toBe(as.issuer);
    expect((await v.verify(await as.sign(key, { sub: undefined }, { typ: undefined }))).iss).toBe(as.issuer);
    // iss, aud and exp still hold.
    const token = await as.sign(key, { aud: 'https://other.example' }, { typ: 'JWT' });
    await expectRejected(v.verify(token), 'invalid_token', token);
  });
});

describe('clientId instead of audience, for tokens without aud (Amazon Cognito)', () => {
  const cognito = () => createTokenVerifier({ ...jwks(), clientId: 'app-client-1', profile: 'plain-jwt' });
  const accessToken = (claims: Record<string, unknown> = {}) =>
    as.sign(key, { aud: undefined, client_id: 'app-client-1', token_use: 'access', scope: 'openid', ...claims }, { typ: undefined });

  it('accepts a Cognito-shaped access token: client_id, no aud', async () => {
    expect((await cognito().verify(await accessToken())).client_id).toBe('app-client-1');
  });

  it('was impossible with audience: such a token has no aud', async () => {
    const token = await accessToken();
    const v = createTokenVerifier({ ...jwks(), audience: 'app-client-1', profile: 'plain-jwt' });
    await expectRejected(v.verify(token), 'invalid_token', token);
  });

  it('refuses another client, a missing client_id, and any token with an aud (an ID token, say)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ client_id: 'someone-else' }, 'The access token was issued to another client'],
      [{ client_id: undefined }, 'The access token has no client_id claim'],
      [{ aud: 'app-client-1', token_use: 'id' }, 'The access token has an aud claim: it is meant for an audience, not checked by client_id'],
    ];
    for (const [claims, description] of cases) {
      const token = await accessToken(claims);
      const err = await expectRejected(cognito().verify(token), 'invalid_token', token);
      expect(err.errorDescription).toBe(description);
    }
  });
});

describe('the DPoP binding: a bound token only with its proof, a proof only with a bound token', () => {
  it('a DPoP-bound token sent as Bearer, with DPoP off', async () => {
    const token = await bound();
    const plain = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
    const err = await expectRejected(plain.verify(`Bearer ${token}`), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof');
    expect(err.wwwAuthenticate).toBe(
      'Bearer error="invalid_token", error_description="The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof"',
    );
  });

  it('a DPoP-bound token sent as Bearer, with DPoP on: the Bearer challenge carries the error, the DPoP challenge follows with algs', async () => {
    const token = await bound();
    const err = await expectRejected(make({ algorithms: ['ES256', 'PS256'] }).verify(`Bearer ${token}`), 'invalid_token', token);
    expect(err.wwwAuthenticate).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof", DPoP realm="api", algs="ES256 PS256"',
    );
  });

  it('a token bound in a way this API cannot check (cnf without jkt, e.g. mTLS x5t#S256)', async () => {
    const token = await as.sign(key, { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } });
    const err = await expectRejected(make(false).verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is bound to a key in a way this API cannot check (cnf)');
  });

  it('accepts a token with its proof, through verify()', async () => {
    const token = await bound(client, { sub: 'alice' });
    const proof = await makeProof(client, { accessToken: token });
    expect((await make().verify(`DPoP ${token}`, call(proof))).sub).toBe('alice');
  });

  it('still accepts unbound Bearer tokens in the default mode "allowed"', async () => {
    expect((await make().verify(`Bearer ${await as.sign(key)}`)).sub).toBe('user-1');
  });

  it('mode "required": a Bearer request gets only a DPoP challenge', async () => {
    const err = await expectRejected(make({ mode: 'required', algorithms: ['ES256'] }).verify(`Bearer ${await as.sign(key)}`), 'missing_token');
    expect(err.wwwAuthenticate).toBe('DPoP realm="api", algs="ES256"');
  });

  it('no credentials: one challenge per scheme (§7.2)', async () => {
    const err = await expectRejected(make({ algorithms: ['ES256'] }).verify(undefined), 'missing_token');
    expect(err.wwwAuthenticate).toBe('Bearer realm="api", DPoP realm="api", algs="ES256"');
  });

  it('an unbound token sent with the DPoP scheme', async () => {
    const token = await as.sign(key);
    const err = await expectRejected(make().verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token }))), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is not DPoP-bound: send it as a Bearer token');
    expect(err.wwwAuthenticate).toMatch(/^DPoP realm="api", error="invalid_token", .*algs=".*", Bearer realm="api"$/);
  });

  it('the DPoP scheme when DPoP is off: no usable credentials', async () => {
    const token = await bound();
    await expectRejected(make(false).verify(`DPoP ${token}`, call(await makeProof(client, { accessToken: token }))), 'missing_token');
  });

  it('checks the scope after the binding', async () => {
    const token = await bound(client, { scope: 'read' });
    const proof = await makeProof(client, { accessToken: token });
    await expectRejected(make().verify(`DPoP ${token}`, { ...call(proof), requiredScopes: ['write'] }), 'insufficient_scope', token);
  });
});


describe('a token bound two ways', () => {
  it('cnf with both jkt and x5t#S256 is refused with a DPoP proof alone: the certificate binding cannot be checked here', async () => {
    const token = await as.sign(key, { cnf: { jkt: client.jkt, 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } });
    const verifier = make({ nonces: rotatingDpopNonces() });
    let proof = await makeProof(client, { accessToken: token });
    const first = await verifier.verify(`DPoP ${token}`, call(proof)).catch((e: unknown) => e);
    if (isPkceError(first, 'use_dpop_nonce')) {
      proof = await makeProof(client, { accessToken: token, claims: { nonce: (first as TokenVerificationError).dpopNonce } });
    }
    const err = await expectRejected(verifier.verify(`DPoP ${token}`, call(proof)), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is bound to a key in a way this API cannot check (cnf)');
  });

  it('any confirmation method besides jkt is refused, DPoP on or off', async () => {
    for (const cnf of [{ jkt: client.jkt, jwk: client.publicJwk }, { jkt: client.jkt, kid: 'k' }, { jkt: client.jkt, jku: 'https://keys.example/' }, { jkt: client.jkt, future_method: 1 }]) {
      const token = await as.sign(key, { cnf });
      for (const verifier of [make(false), make()]) {
        const err = await expectRejected(verifier.verify(`Bearer ${token}`), 'invalid_token', token);
        expect(err.errorDescription).toBe('The access token is bound to a key in a way this API cannot check (cnf)');
      }
    }
  });
});

describe('iat in the future', () => {
  afterEach(() => vi.useRealTimers());
  const at = 1_800_000_000;

  it('a token issued a year ahead is refused', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: at * 1000 });
    const token = await as.sign(rsa, { iat: at + 365 * 86_400, exp: at + 365 * 86_400 + 300 });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token is issued in the future (iat)');
  });

  it('an iat ahead by no more than clockTolerance passes; one second more does not', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: at * 1000 });
    expect((await verifier.verify(await as.sign(rsa, { iat: at + 5 }))).sub).toBe('user-1');
    const token = await as.sign(rsa, { iat: at + 6 });
    await expectRejected(verifier.verify(token), 'invalid_token', token);
    const tolerant = createTokenVerifier({ ...jwks(), audience: AUDIENCE, clockTolerance: 30 });
    expect((await tolerant.verify(await as.sign(rsa, { iat: at + 30 }))).sub).toBe('user-1');
  });
});

describe('a refusal is an answer, not a fault to trace', () => {
  it('the error carries no stack frames; its cause keeps jose\'s verdict', async () => {
    const [header, , signature] = (await as.sign(rsa, { sub: 'alice' })).split('.');
    const [, payload] = (await as.sign(rsa, { sub: 'mallory' })).split('.');
    const err = await expectRejected(verifier.verify(`${header}.${payload}.${signature}`), 'invalid_token');
    expect(err.stack).toBe('TokenVerificationError: The access token signature is invalid');
    expect(err.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('so does a refused DPoP proof', async () => {
    const err = await expectRejected(make().verify(`DPoP ${await bound()}`, call(undefined)), 'invalid_dpop_proof');
    expect(err.stack).toBe('TokenVerificationError: The request has no DPoP proof');
  });
});

describe('what a refusal tells the API (its message) and the caller (error_description)', () => {
  it("names the token's iss and the issuer option in the message; the challenge keeps RFC 6750's generic text", async () => {
    const token = await as.sign(rsa, { iss: `${as.issuer}/` });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.message).toContain(`its "iss" is "${as.issuer}/", the "issuer" option is "${as.issuer}": they differ only by the trailing "/"`);
    expect(err.errorDescription).toBe('The access token was issued by another issuer');
    expect(err.wwwAuthenticate).not.toContain('option');
    // What a logger prints (Node's inspect reads the stack) carries it too.
    expect(inspect(err)).toContain('the "issuer" option is');
  });

  it('a claim stuffed by the caller can neither forge a log line nor flood the log: JSON, 120 characters at most', async () => {
    const token = await as.sign(rsa, { aud: `evil\n2026-12-07 INFO admin logged in ${'x'.repeat(10_000)}` });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.message).not.toContain('\n');
    expect(err.message.length).toBeLessThan(600);
    expect(err.message).toContain('its "aud" is "evil\\n2026-12-07 INFO admin logged in xxx');
  });

  it('line and paragraph separators, C1 controls and bidi overrides in a claim are escaped too', async () => {
    const token = await as.sign(rsa, { aud: 'a\u2028b\u0085c\u202ed' });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.message).toContain('"a\\u2028b\\u0085c\\u202ed"');
    expect(err.message).not.toMatch(/[\u2028\u0085\u202e]/);
  });
});
