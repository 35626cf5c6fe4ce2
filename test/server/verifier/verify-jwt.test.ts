import { generateKeyPairSync, createSign } from 'node:crypto';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier, isPkceError, ValidationError, type TokenVerifier } from '../../../src/server/index.js';
import { AUDIENCE, createSigningKey, expectRejected, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

// An unusable key is the authorization server's problem (invalid_response), not a network outage;
// several keys matching one kid are each tried (RFC 7517 §4.5).

let as: AuthServer;
let rsa: SigningKey;
let other: SigningKey;
let stranger: SigningKey;
let verifier: TokenVerifier;

beforeAll(async () => {
  as = await startAuthServer();
  [rsa, other, stranger] = await Promise.all([createSigningKey('RS256', 'k'), createSigningKey('RS256', 'k'), createSigningKey('RS256', 'k')]);
});
afterAll(() => as.close());
beforeEach(() => {
  as.published = [rsa];
  verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
});

/** Publishes raw JWKs under the fixture's keys (which stay the signers). */
const publish = (...jwks: Record<string, unknown>[]) => {
  as.published = jwks.map((publicJwk, i) => ({ ...rsa, kid: String(publicJwk['kid'] ?? i), publicJwk }));
};

async function expectKeyProblem(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(() => expect.fail('expected a rejection'), (e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect(isPkceError(error, 'invalid_response')).toBe(true);
  expect((error as Error).message).not.toMatch(/fetch/i);
  return error as ValidationError;
}

/** An RS256 token signed by a 1024-bit key (jose will not make one; node:crypto will). */
async function shortRsa() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const now = Math.floor(Date.now() / 1000);
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'RS256', kid: 'short', typ: 'at+jwt' })}.${part({ iss: as.issuer, aud: AUDIENCE, sub: 'u', iat: now, exp: now + 60 })}`;
  const token = `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
  return { token, jwk: { ...(await exportJWK(publicKey)), kid: 'short' } };
}

describe('an unusable key of the authorization server is invalid_response, not a network error', () => {
  it('an RSA key with only x5c (no n, e: RFC 7518 §6.3.1)', async () => {
    publish({ kty: 'RSA', kid: 'k', use: 'sig', x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] });
    const error = await expectKeyProblem(verifier.verify(await as.sign(rsa)));
    expect(error.message).toMatch(/^The JWKS key for this token cannot be used/);
  });

  it('an RSA key shorter than 2048 bits (RFC 7518 §3.3)', async () => {
    const { token, jwk } = await shortRsa();
    publish(jwk);
    const error = await expectKeyProblem(verifier.verify(token));
    expect(error.message).toContain('2048');
  });

  it('a key whose members do not make a key of its kty (EC members under kty RSA)', async () => {
    const ec = await createSigningKey('ES256', 'k');
    publish({ ...ec.publicJwk, kty: 'RSA', kid: 'k', alg: undefined });
    await expectKeyProblem(verifier.verify(await as.sign(rsa)));
  });

  it('a private key published in the JWKS', async () => {
    publish({ ...(await exportJWK(rsa.privateKey)), kid: 'k' });
    await expectKeyProblem(verifier.verify(await as.sign(rsa)));
  });

  it('the Node middleware hands it to next(error) instead of answering 401', async () => {
    publish({ kty: 'RSA', kid: 'k', x5c: ['MIIB'] });
    const token = await as.sign(rsa);
    const forwarded: unknown[] = [];
    const res = { statusCode: 200, setHeader: () => undefined, end: () => forwarded.push('answered') };
    await new Promise<void>((resolve) =>
      verifier.middleware()({ headers: { authorization: `Bearer ${token}` } }, res, (e) => {
        forwarded.push(e);
        resolve();
      }),
    );
    expect(forwarded).toHaveLength(1);
    expect(isPkceError(forwarded[0], 'invalid_response')).toBe(true);
  });
});

describe('several keys match one kid (RFC 7517 §4.5): each is tried', () => {
  it('the same key twice', async () => {
    publish(rsa.publicJwk, rsa.publicJwk);
    expect((await verifier.verify(await as.sign(rsa))).sub).toBe('user-1');
  });

  it('two RSA keys sharing a kid, the signer second', async () => {
    publish(other.publicJwk, rsa.publicJwk);
    expect((await verifier.verify(await as.sign(rsa, { sub: 'second' }))).sub).toBe('second');
  });

  it('no kid in the token and several RSA keys in the JWKS', async () => {
    publish({ ...other.publicJwk, kid: 'other' }, rsa.publicJwk);
    expect((await verifier.verify(await as.sign(rsa, {}, { kid: undefined }))).sub).toBe('user-1');
  });

  it('an unusable candidate beside the signer is skipped', async () => {
    publish({ kty: 'RSA', kid: 'k', x5c: ['MIIB'] }, rsa.publicJwk);
    expect((await verifier.verify(await as.sign(rsa))).sub).toBe('user-1');
  });

  it('a forged token against two candidates: 401 saying the signature is invalid, not which key', async () => {
    publish(other.publicJwk, rsa.publicJwk);
    const token = await as.sign(stranger);
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token signature is invalid');
  });

  it('a candidate that verifies the signature decides the claims (an expired token stays expired)', async () => {
    publish(rsa.publicJwk, rsa.publicJwk);
    const now = Math.floor(Date.now() / 1000);
    const token = await as.sign(rsa, { iat: now - 600, exp: now - 60 });
    const err = await expectRejected(verifier.verify(token), 'invalid_token', token);
    expect(err.errorDescription).toBe('The access token expired');
  });

  it('candidates that are all unusable: invalid_response', async () => {
    publish({ kty: 'RSA', kid: 'k', x5c: ['MIIB'] }, { kty: 'RSA', kid: 'k', x5c: ['MIIC'] });
    await expectKeyProblem(verifier.verify(await as.sign(rsa)));
  });
});
